/** Shared pieces of the pull-request tests: real repositories and contract-checked calls. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com"];

/** Runs git in `dir` with a test identity and returns trimmed stdout. */
export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync("git", [...IDENTITY, ...args], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

export function commitFile(dir: string, file: string, content: string, message = `edit ${file}`): string {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
  gitIn(dir, "add", file);
  gitIn(dir, "commit", "-q", "-m", message);
  return gitIn(dir, "rev-parse", "HEAD");
}

/** A repository under the projects root with one commit on main. */
export function makeRepo(projectsDir: string, name: string, files: Record<string, string> = {}): string {
  const dir = path.join(projectsDir, name);
  mkdirSync(dir, { recursive: true });
  gitIn(dir, "init", "-q", "-b", "main");
  for (const [file, content] of Object.entries({ "README.md": "# demo\n", ...files })) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  gitIn(dir, "add", ".");
  gitIn(dir, "commit", "-q", "-m", "initial");
  return dir;
}

export { callOperation as call } from "./support/call.ts";

/** Polls until `check` returns a value (no fixed sleeps beyond a short poll interval). */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
