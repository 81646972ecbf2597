/**
 * Where the agent may start processes. Once the agent confines itself (at
 * start), every child's working directory must resolve (symlinks followed)
 * inside a folder the agent owns: the projects root, its state directory
 * (unpacked releases, run folders) or its own temporary worktrees. Checked
 * where processes are spawned (spawnGroup, the MCP stdio transport), so no
 * operation can start one elsewhere, whatever path it computed.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import { OperationError } from "../operations/errors.ts";

export interface ProcessPlace {
  dir: string;
  /** Only entries of `dir` whose name starts with this (e.g. `att-worktree-` in the temp folder). */
  namePrefix?: string;
}

let places: ProcessPlace[] | null = null;

/** From now on processes start only inside `allowed`; returns a function that lifts it (tests). */
export function confineProcesses(allowed: readonly ProcessPlace[]): () => void {
  const resolved = allowed.map((place) => ({ ...place, dir: realpathSync(place.dir) }));
  places = resolved;
  return () => {
    if (places === resolved) places = null;
  };
}

/** Throws OperationError("forbidden") when `cwd` lies outside every allowed place. */
export function checkProcessCwd(cwd: string): void {
  if (places === null) return;
  let real: string;
  try {
    real = realpathSync(cwd);
  } catch {
    return; // it does not exist: the spawn fails with ENOENT and nothing runs
  }
  for (const place of places) {
    const relative = path.relative(place.dir, real);
    if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) continue;
    if (place.namePrefix === undefined) return;
    const [first = ""] = relative.split(path.sep);
    if (first.startsWith(place.namePrefix)) return;
  }
  throw new OperationError(
    "forbidden",
    `refused to start a process in '${real}': outside the agent's projects root and its own folders`,
    { reason: "cwd_outside_root", cwd: real },
  );
}
