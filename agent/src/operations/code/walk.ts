/**
 * The filesystem walk behind `listEntries` outside git: depth first with names
 * sorted, so entries come out in path order and the walk can stop at the limit.
 * Each directory's .gitignore applies to what lies below it.
 */
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { TreeEntry } from "@att/shared";
import ignore, { type Ignore } from "ignore";
import { comparePaths } from "./content.ts";
import { type Listing, type ListOptions, toEntry } from "./entry.ts";

/** A .gitignore's rules and the directory (relative to the root) they belong to. */
interface Rules {
  base: string;
  matcher: Ignore;
}

export async function walkEntries(options: ListOptions): Promise<Listing> {
  const rules: Rules[] = [];
  if (!options.ignored) {
    // .gitignore files above `dir` apply too.
    const parts = options.dir === "" ? [] : options.dir.split("/");
    for (let depth = 0; depth < parts.length; depth += 1) {
      await pushRules(rules, options.root, parts.slice(0, depth).join("/"));
    }
  }
  const entries: TreeEntry[] = [];
  const full = await walk(options, options.dir, rules, entries);
  return { entries, truncated: !full };
}

/** Returns false once the limit stopped the walk. */
async function walk(options: ListOptions, dir: string, rules: Rules[], entries: TreeEntry[]): Promise<boolean> {
  const scoped = [...rules];
  if (!options.ignored) await pushRules(scoped, options.root, dir);
  const children = await readdir(path.join(options.root, dir), { withFileTypes: true }).catch(() => [] as Dirent[]);
  children.sort((a, b) => comparePaths(a.name, b.name));
  for (const child of children) {
    if (child.name === ".git") continue;
    if (!options.dotfiles && child.name.startsWith(".")) continue;
    const relative = dir === "" ? child.name : `${dir}/${child.name}`;
    if (!options.ignored && isIgnored(scoped, relative, child.isDirectory())) continue;
    const stats = await lstat(path.join(options.root, relative)).catch(() => null);
    if (stats === null) continue;
    if (entries.length === options.limit) return false;
    entries.push(toEntry(relative, stats));
    if (stats.isDirectory() && !(await walk(options, relative, scoped, entries))) return false;
  }
  return true;
}

async function pushRules(rules: Rules[], root: string, dir: string): Promise<void> {
  const text = await readFile(path.join(root, dir, ".gitignore"), "utf8").catch(() => null);
  if (text !== null) rules.push({ base: dir, matcher: ignore().add(text) });
}

function isIgnored(rules: Rules[], relative: string, directory: boolean): boolean {
  return rules.some(({ base, matcher }) => {
    const below = base === "" ? relative : relative.slice(base.length + 1);
    return matcher.ignores(directory ? `${below}/` : below);
  });
}
