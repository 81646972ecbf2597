/**
 * Lists a project's entries under a directory, in path order, honouring
 * .gitignore: git's own list in a git repository, a filesystem walk with the
 * `ignore` package elsewhere (or when ignored files are wanted). `.git` is
 * never listed and symlinks are reported, not followed.
 */
import { lstat } from "node:fs/promises";
import path from "node:path";
import type { TreeEntry } from "@att/shared";
import { comparePaths } from "./content.ts";
import { type Listing, type ListOptions, toEntry } from "./entry.ts";
import { isGitRoot, runGit, splitNul } from "./git.ts";
import { walkEntries } from "./walk.ts";

export async function listEntries(options: ListOptions): Promise<Listing> {
  if (!options.ignored && (await isGitRoot(options.root))) return listFromGit(options);
  return walkEntries(options);
}

/** Tracked plus untracked-not-ignored files as git sees them, with their directories. */
async function listFromGit(options: ListOptions): Promise<Listing> {
  const pathspec = options.dir === "" ? [] : [options.dir];
  const { stdout } = await runGit(options.root, [
    "ls-files",
    "-z",
    "--cached",
    "--others",
    "--exclude-standard",
    "--",
    ...pathspec,
  ]);
  const candidates = new Set<string>();
  for (const listed of splitNul(stdout)) {
    const file = listed.replace(/\/$/, ""); // an untracked nested repository is listed as "dir/"
    const below = options.dir === "" ? file : file.slice(options.dir.length + 1);
    const segments = below.split("/");
    if (segments.some((segment) => segment === ".git")) continue;
    if (!options.dotfiles && segments.some((segment) => segment.startsWith("."))) continue;
    candidates.add(file);
    for (let depth = 1; depth < segments.length; depth += 1) {
      candidates.add([options.dir, ...segments.slice(0, depth)].filter(Boolean).join("/"));
    }
  }
  const entries: TreeEntry[] = [];
  // Stat in order and stop early: files deleted from the work tree are still in the index.
  for (const candidate of [...candidates].sort(comparePaths)) {
    const stats = await lstat(path.join(options.root, candidate)).catch(() => null);
    if (stats === null) continue;
    if (entries.length === options.limit) return { entries, truncated: true };
    entries.push(toEntry(candidate, stats));
  }
  return { entries, truncated: false };
}
