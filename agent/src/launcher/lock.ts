/**
 * One launcher per home: two would fight over the same releases, worktrees
 * and state. A pid file, taken over when the process that wrote it is gone.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export class HomeInUseError extends Error {
  override readonly name = "HomeInUseError";
}

/** Takes the home's lock and returns its release (also done on exit). */
export function lockHome(home: string): () => void {
  const file = path.join(home, "launcher.pid");
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      const release = () => {
        if (readPid(file) === process.pid) rmSync(file, { force: true });
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readPid(file);
      if (holder !== null && holder !== process.pid && alive(holder))
        throw new HomeInUseError(`another launcher (pid ${holder}) already uses ${home}`);
      rmSync(file, { force: true });
    }
  }
  throw new HomeInUseError(`could not lock ${home}`);
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
