/**
 * code.search: lines matching a literal or a JavaScript regex, with context.
 *
 * Which files: in a git repository, tracked plus untracked-not-ignored files.
 * A literal query is first narrowed with `git grep -F -l` (a literal match in
 * git is a literal match in JS). Regex queries are not given to git: neither
 * `-E` (no `\d`, lookarounds) nor `-P` (PCRE: no `\u`, ASCII `\s`) has JS
 * semantics, and a prefilter that disagrees would silently drop matches, so
 * they scan git's file list in JS. Outside git, the .gitignore-aware walk.
 */
import { constants } from "node:fs";
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { MAX_SEARCH_FILE_BYTES, MAX_SEARCH_LINE_CHARS, type SearchMatch } from "@att/shared";
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { comparePaths, hasNulInStart } from "./content.ts";
import { isGitRoot, runGit, splitNul } from "./git.ts";
import { listEntries } from "./listing.ts";
import { type LineMatcher, lineMatcher } from "./matcher.ts";
import { jailInProject } from "./project.ts";

/** Most files a search looks at before it reports `truncated`. */
const MAX_SEARCH_FILES = 100_000;

interface Candidates {
  files: string[];
  truncated: boolean;
}

export const codeSearch: Operation<"code.search"> = async (params, context) => {
  const matcher = lineMatcher(params); // an invalid regex fails before any file is touched
  const jailed = await jailInProject(context, params.projectId, params.path ?? "");
  const stats = await stat(jailed.absolute).catch(() => null);
  if (stats === null) throw new OperationError("not_found", `no path '${params.path ?? ""}' in the project`);
  const candidates = stats.isFile()
    ? { files: [jailed.relative], truncated: false }
    : await candidateFiles(jailed.root, jailed.relative, params);
  const matches: SearchMatch[] = [];
  for (const file of candidates.files) {
    const found = await searchFile({ root: jailed.root, file, matcher, context: params.context });
    for (const match of found) {
      if (matches.length === params.limit) return { matches, truncated: true };
      matches.push(match);
    }
  }
  return { matches, truncated: candidates.truncated };
};

async function candidateFiles(
  root: string,
  dir: string,
  query: { query: string; regex: boolean; caseSensitive: boolean },
): Promise<Candidates> {
  // git's -i folds ASCII only; a non-ASCII case-insensitive literal would be missed.
  const gitCanNarrow = !query.regex && (query.caseSensitive || /^[\x20-\x7e]*$/.test(query.query));
  if (gitCanNarrow && (await isGitRoot(root))) {
    const { stdout } = await runGit(
      root,
      [
        "grep",
        "-l",
        "-z",
        "-I",
        "-F",
        "--untracked",
        "--no-color",
        ...(query.caseSensitive ? [] : ["-i"]),
        "-e",
        query.query,
        "--",
        ...(dir === "" ? [] : [dir]),
      ],
      { okExitCodes: [1] },
    );
    return { files: splitNul(stdout).sort(comparePaths), truncated: false };
  }
  const listing = await listEntries({ root, dir, dotfiles: true, ignored: false, limit: MAX_SEARCH_FILES });
  const files = listing.entries.filter((entry) => entry.type === "file").map((entry) => entry.path);
  return { files, truncated: listing.truncated };
}

async function searchFile(options: {
  root: string;
  file: string;
  matcher: LineMatcher;
  context: number;
}): Promise<SearchMatch[]> {
  const bytes = await readRegularFile(path.join(options.root, options.file));
  if (bytes === null || hasNulInStart(bytes)) return [];
  const lines = bytes.toString("utf8").split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop(); // the newline ending the last line starts no line
  const matches: SearchMatch[] = [];
  lines.forEach((line, index) => {
    const column = options.matcher(line);
    if (column === null) return;
    matches.push({
      path: options.file,
      line: index + 1,
      column,
      text: cut(line),
      before: lines.slice(Math.max(0, index - options.context), index).map(cut),
      after: lines.slice(index + 1, index + 1 + options.context).map(cut),
    });
  });
  return matches;
}

/**
 * The listings never descend through symlinks; a symlinked file itself is
 * skipped (O_NOFOLLOW), since its target may lie outside the project.
 */
async function readRegularFile(absolute: string): Promise<Buffer | null> {
  const handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    () => null,
  );
  if (handle === null) return null;
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > MAX_SEARCH_FILE_BYTES) return null;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function cut(line: string): string {
  return line.length > MAX_SEARCH_LINE_CHARS ? line.slice(0, MAX_SEARCH_LINE_CHARS) : line;
}
