/** The shape of a listing and how one filesystem entry becomes a tree entry. */
import type { Stats } from "node:fs";
import type { TreeEntry } from "@att/shared";

export interface ListOptions {
  /** Realpath of the project root. */
  root: string;
  /** Directory to list, relative to `root` ('/'-separated, "" for the root). */
  dir: string;
  /** Include names starting with '.' below `dir`. */
  dotfiles: boolean;
  /** Include files .gitignore excludes. */
  ignored: boolean;
  limit: number;
}

export interface Listing {
  entries: TreeEntry[];
  truncated: boolean;
}

export function toEntry(relative: string, stats: Stats): TreeEntry {
  if (stats.isSymbolicLink()) return { path: relative, type: "symlink", size: stats.size };
  if (stats.isDirectory()) return { path: relative, type: "directory", size: 0 };
  return { path: relative, type: "file", size: stats.size };
}
