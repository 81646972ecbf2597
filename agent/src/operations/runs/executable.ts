/** Whether a command can be started: a path to an executable file, or a name found on PATH. */
import { access, constants } from "node:fs/promises";
import path from "node:path";

export async function isExecutable(command: string, env: Readonly<Record<string, string>>): Promise<boolean> {
  const candidates = command.includes("/")
    ? [command]
    : (env.PATH ?? "")
        .split(path.delimiter)
        .filter((dir) => dir !== "")
        .map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}
