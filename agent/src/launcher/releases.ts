/**
 * Release directories: one detached git worktree of the ATT checkout per
 * commit, under `<home>/releases/<sha>`. A release is prepared in a staging
 * worktree next to it (`<sha>.preparing`) and moved into place only once
 * complete, so a directory named after a commit is always ready to run. The
 * current and the previous release are kept (the previous is where a
 * rollback goes); older ones, and staging left by an interrupted prepare,
 * are removed.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { git, gitRaw } from "../operations/git/pr/git.ts";

const STAGING_SUFFIX = ".preparing";

export function releaseDir(home: string, sha: string): string {
  return path.join(home, "releases", sha);
}

export function stagingDir(home: string, sha: string): string {
  return path.join(home, "releases", `${sha}${STAGING_SUFFIX}`);
}

export interface Checkout {
  /**
   * True: prepared before (a rollback target, or after the launcher's restart), nothing left to do.
   * False: a fresh worktree in the staging directory; dependencies and UI to add, then `publishRelease`.
   */
  ready: boolean;
  dir: string;
  detail: string;
}

/**
 * Returns the prepared release of `sha` when there is one, else checks `sha`
 * out afresh in its staging directory (whatever an earlier, interrupted
 * prepare left there is removed first).
 */
export async function checkoutRelease(options: { repo: string; home: string; sha: string }): Promise<Checkout> {
  const { repo, sha } = options;
  const dir = releaseDir(options.home, sha);
  if (existsSync(dir)) {
    const head = await gitRaw(dir, ["rev-parse", "HEAD"]).catch(() => null);
    if (head?.exitCode === 0 && head.stdout === sha) return { ready: true, dir, detail: "reused the prepared release" };
    await removeWorktree(repo, dir);
  }
  const staging = stagingDir(options.home, sha);
  const leftover = existsSync(staging);
  if (leftover) await removeWorktree(repo, staging);
  await mkdir(path.dirname(staging), { recursive: true, mode: 0o700 });
  await gitRaw(repo, ["worktree", "prune"]);
  await git(repo, ["worktree", "add", "--detach", staging, sha]);
  const removed = leftover ? " (removed an interrupted prepare first)" : "";
  return { ready: false, dir: staging, detail: `worktree at ${staging}${removed}` };
}

/** Moves a complete release from its staging directory into place; returns where it is now. */
export async function publishRelease(options: { repo: string; home: string; sha: string }): Promise<string> {
  const dir = releaseDir(options.home, options.sha);
  // Relative links (workspace packages, .bin) keep resolving: the tree moves as a whole.
  await git(options.repo, ["worktree", "move", stagingDir(options.home, options.sha), dir]);
  return dir;
}

/** Removes every release but the ones in `keep` (and any staging directory); returns the names removed. */
export async function pruneReleases(options: {
  repo: string;
  home: string;
  keep: ReadonlyArray<string | null>;
}): Promise<string[]> {
  const root = path.join(options.home, "releases");
  if (!existsSync(root)) return [];
  const removed: string[] = [];
  for (const name of await readdir(root)) {
    if (options.keep.includes(name)) continue;
    await removeWorktree(options.repo, path.join(root, name));
    removed.push(name);
  }
  if (removed.length > 0) await gitRaw(options.repo, ["worktree", "prune"]);
  return removed;
}

async function removeWorktree(repo: string, dir: string): Promise<void> {
  await gitRaw(repo, ["worktree", "remove", "--force", dir]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
