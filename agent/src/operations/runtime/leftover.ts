/**
 * The managed app's process group is recorded in the `meta` table while it
 * lives, so that an agent started after a kill (which could not stop its app)
 * ends the orphan instead of leaving it holding its port.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { AgentDb } from "../../state/db.ts";
import { meta } from "../../state/schema.ts";

const KEY = "runtime_app_pid";

export function rememberApp(db: AgentDb, pid: number): void {
  db.insert(meta)
    .values({ key: KEY, value: String(pid) })
    .onConflictDoUpdate({ target: meta.key, set: { value: String(pid) } })
    .run();
}

export function forgetApp(db: AgentDb): void {
  db.delete(meta).where(eq(meta.key, KEY)).run();
}

/** Ends the recorded group when its leader is still a `nat` process (a reused pid is left alone). */
export async function endLeftoverApp(db: AgentDb, graceMs = 5000): Promise<number | null> {
  const row = db.select().from(meta).where(eq(meta.key, KEY)).get();
  if (row === undefined) return null;
  forgetApp(db);
  const pid = Number(row.value);
  if (!Number.isInteger(pid) || pid <= 1) return null;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  if (!isNatCommand(cmdline)) return null;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  signalGroup(pid, "SIGKILL");
  return pid;
}

/**
 * Whether a /proc cmdline (NUL-separated) runs `nat`: the program itself, or
 * the script its interpreter runs (`python /venv/bin/nat serve …`). A
 * substring test would also match /home/nathan/… and end an unrelated
 * process that reused the pid.
 */
export function isNatCommand(cmdline: string): boolean {
  const [program = "", script = ""] = cmdline.split("\0");
  return path.basename(program) === "nat" || path.basename(script) === "nat";
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
