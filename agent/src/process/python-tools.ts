/**
 * Finds a project's Python tools (`nat`, `python`): the project's own venv
 * first (`.venv/`, then `venv/`), then the configured command on PATH.
 */
import { access, constants } from "node:fs/promises";
import path from "node:path";

const VENV_DIRS = [".venv", "venv"] as const;

export interface ResolvedTool {
  command: string;
  /** Where it was found, for status and error messages. */
  source: "project-venv" | "path";
}

/** `<root>/.venv/bin/<name>` (or venv/), else `fallback` as given (looked up on PATH when spawned). */
export async function resolveProjectTool(root: string, name: string, fallback: string): Promise<ResolvedTool> {
  for (const dir of VENV_DIRS) {
    const candidate = path.join(root, dir, "bin", name);
    try {
      await access(candidate, constants.X_OK);
      return { command: candidate, source: "project-venv" };
    } catch {
      // not in this venv
    }
  }
  return { command: fallback, source: "path" };
}
