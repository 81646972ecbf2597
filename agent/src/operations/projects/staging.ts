/**
 * Builds a project in a hidden directory under the projects root and moves
 * it into place only when complete, so a failed create, clone or import
 * leaves nothing behind (hidden directories are not projects).
 */
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { OperationError } from "../errors.ts";

export const STAGING_PREFIX = ".att-staging-";

/**
 * Calls `build` with `dir`, a path that does not exist yet inside a fresh
 * staging folder (so tools that insist on creating their target, like
 * `git clone` or `nat workflow create`, can), then renames it to
 * `<root>/<name>`. On any failure the staging folder is removed.
 */
export async function stageProject<T>(options: {
  root: string;
  name: string;
  build: (dir: string) => Promise<T>;
}): Promise<T> {
  await mkdir(options.root, { recursive: true });
  const staging = await mkdtemp(path.join(options.root, STAGING_PREFIX));
  try {
    const dir = path.join(staging, options.name);
    const result = await options.build(dir);
    await rename(dir, path.join(options.root, options.name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOTEMPTY" || error.code === "EEXIST" || error.code === "ENOTDIR") {
        throw new OperationError("conflict", `a project named '${options.name}' already exists`);
      }
      throw error;
    });
    return result;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Removes a directory by first renaming it out of sight, so it vanishes from listings at once. */
export async function removeDirectory(root: string, dir: string): Promise<void> {
  const trash = await mkdtemp(path.join(root, TRASH_PREFIX));
  const moved = path.join(trash, "project");
  await rename(dir, moved);
  await rm(trash, { recursive: true, force: true });
}

export const TRASH_PREFIX = ".att-trash-";

/**
 * Removes staging and trash folders a crashed agent left under the root.
 * Call it at start-up only, before any operation can be staging.
 */
export async function sweepLeftovers(root: string): Promise<string[]> {
  const entries = await readdir(root).catch(() => []);
  const leftovers = entries.filter((name) => name.startsWith(STAGING_PREFIX) || name.startsWith(TRASH_PREFIX));
  await Promise.all(leftovers.map((name) => rm(path.join(root, name), { recursive: true, force: true })));
  return leftovers;
}
