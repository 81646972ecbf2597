/**
 * Parses git's unified diff text (`git diff --no-color --find-renames`, as
 * code.diff returns it) into files, hunks and numbered lines. Pure, so the
 * diff viewer's logic is unit-tested without a browser. Tolerates a diff cut
 * at a line boundary (code.diff caps its size): the last hunk just ends early.
 */

export type DiffLineKind = "context" | "add" | "del";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** Line number in the old file (context and deleted lines). */
  oldNo: number | null;
  /** Line number in the new file (context and added lines). */
  newNo: number | null;
  /** git printed "\ No newline at end of file" after this line. */
  noNewline: boolean;
}

export interface DiffHunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The function or section name git prints after the second @@, if any. */
  section: string;
  lines: DiffLine[];
}

export type DiffFileStatus = "added" | "deleted" | "modified" | "renamed" | "copied" | "mode_changed";

export interface ParsedDiffFile {
  /** Path before the change; null for an added file. */
  oldPath: string | null;
  /** Path after the change; null for a deleted file. */
  newPath: string | null;
  status: DiffFileStatus;
  binary: boolean;
  oldMode: string | null;
  newMode: string | null;
  /** Rename or copy similarity in percent. */
  similarity: number | null;
  hunks: DiffHunk[];
  additions: number;
  deletions: number;
}

/** The path to show for a file: the new one, or the old one when it was deleted. */
export function displayPath(file: ParsedDiffFile): string {
  return file.newPath ?? file.oldPath ?? "(unknown)";
}

/** Lines a file renders (hunk headers included): used to collapse large files. */
export function renderedLines(file: ParsedDiffFile): number {
  return file.hunks.reduce((sum, hunk) => sum + hunk.lines.length + 1, 0);
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** Splits `text` into one entry per file of the diff. */
export function parseUnifiedDiff(text: string): ParsedDiffFile[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const files: ParsedDiffFile[] = [];
  let file: ParsedDiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldNo = 0;
  let newNo = 0;
  let oldLeft = 0;
  let newLeft = 0;

  for (const line of lines) {
    if (hunk !== null && file !== null && (oldLeft > 0 || newLeft > 0) && isHunkBody(line)) {
      const kind = bodyKind(line);
      const body = line.slice(1);
      if (kind === "add") {
        hunk.lines.push({ kind, text: body, oldNo: null, newNo: newNo++, noNewline: false });
        newLeft -= 1;
        file.additions += 1;
      } else if (kind === "del") {
        hunk.lines.push({ kind, text: body, oldNo: oldNo++, newNo: null, noNewline: false });
        oldLeft -= 1;
        file.deletions += 1;
      } else {
        hunk.lines.push({ kind, text: body, oldNo: oldNo++, newNo: newNo++, noNewline: false });
        oldLeft -= 1;
        newLeft -= 1;
      }
      continue;
    }
    if (line.startsWith("\\")) {
      const last = hunk?.lines.at(-1);
      if (last !== undefined) last.noNewline = true;
      continue;
    }
    if (line.startsWith("diff --git ")) {
      file = startFile(line.slice("diff --git ".length));
      files.push(file);
      hunk = null;
      continue;
    }
    if (file === null) continue;
    const match = HUNK.exec(line);
    if (match !== null) {
      hunk = {
        header: line,
        oldStart: Number(match[1]),
        oldLines: match[2] === undefined ? 1 : Number(match[2]),
        newStart: Number(match[3]),
        newLines: match[4] === undefined ? 1 : Number(match[4]),
        section: match[5] ?? "",
        lines: [],
      };
      file.hunks.push(hunk);
      oldNo = hunk.oldStart;
      newNo = hunk.newStart;
      oldLeft = hunk.oldLines;
      newLeft = hunk.newLines;
      continue;
    }
    if (hunk === null) readHeaderLine(file, line);
  }
  // A content change that is also a mode change is still "modified".
  for (const parsed of files)
    if (parsed.status === "mode_changed" && parsed.hunks.length > 0) parsed.status = "modified";
  return files;
}

/** Inside a hunk, a body line starts with ' ', '+' or '-' (an empty line counts as empty context). */
function isHunkBody(line: string): boolean {
  return line === "" || line[0] === " " || line[0] === "+" || line[0] === "-";
}

function bodyKind(line: string): DiffLineKind {
  if (line[0] === "+") return "add";
  if (line[0] === "-") return "del";
  return "context";
}

function startFile(rest: string): ParsedDiffFile {
  const [oldPath, newPath] = splitGitHeader(rest);
  return {
    oldPath,
    newPath,
    status: "modified",
    binary: false,
    oldMode: null,
    newMode: null,
    similarity: null,
    hunks: [],
    additions: 0,
    deletions: 0,
  };
}

/** Extended header lines between "diff --git" and the first hunk. */
function readHeaderLine(file: ParsedDiffFile, line: string): void {
  const value = (prefix: string) => line.slice(prefix.length);
  if (line.startsWith("new file mode ")) {
    file.status = "added";
    file.oldPath = null;
    file.newMode = value("new file mode ");
  } else if (line.startsWith("deleted file mode ")) {
    file.status = "deleted";
    file.newPath = null;
    file.oldMode = value("deleted file mode ");
  } else if (line.startsWith("old mode ")) {
    file.oldMode = value("old mode ");
    if (file.status === "modified") file.status = "mode_changed";
  } else if (line.startsWith("new mode ")) {
    file.newMode = value("new mode ");
  } else if (line.startsWith("similarity index ")) {
    file.similarity = Number.parseInt(value("similarity index "), 10);
  } else if (line.startsWith("rename from ")) {
    file.status = "renamed";
    file.oldPath = unquote(value("rename from "));
  } else if (line.startsWith("rename to ")) {
    file.status = "renamed";
    file.newPath = unquote(value("rename to "));
  } else if (line.startsWith("copy from ")) {
    file.status = "copied";
    file.oldPath = unquote(value("copy from "));
  } else if (line.startsWith("copy to ")) {
    file.status = "copied";
    file.newPath = unquote(value("copy to "));
  } else if (line.startsWith("Binary files ") || line === "GIT binary patch") {
    file.binary = true;
  } else if (line.startsWith("--- ")) {
    const path = filePath(value("--- "), "a/");
    if (path !== null) file.oldPath = path;
  } else if (line.startsWith("+++ ")) {
    const path = filePath(value("+++ "), "b/");
    if (path !== null) file.newPath = path;
  }
}

/** The path on a ---/+++ line without its a/ or b/ prefix; null for /dev/null. */
function filePath(raw: string, prefix: string): string | null {
  // git ends the name with a tab when it contains a space.
  const name = unquote(raw.endsWith("\t") ? raw.slice(0, -1) : raw);
  if (name === "/dev/null") return null;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * The two paths of `a/<old> b/<new>`. Quoted names are read as C strings;
 * unquoted ones may hold spaces, so the common case of an unchanged name is
 * found by splitting in the middle (renames are corrected by the
 * rename/---/+++ lines that follow).
 */
function splitGitHeader(rest: string): [string | null, string | null] {
  if (rest.startsWith('"')) {
    const end = quotedEnd(rest);
    const first = unquote(rest.slice(0, end + 1));
    const second = unquote(rest.slice(end + 2));
    return [strip(first, "a/"), strip(second, "b/")];
  }
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === " ") {
    const first = rest.slice(0, half);
    const second = rest.slice(half + 1);
    if (first.slice(2) === second.slice(2)) return [strip(first, "a/"), strip(second, "b/")];
  }
  const split = rest.endsWith('"') ? rest.lastIndexOf(' "') : rest.indexOf(" b/");
  if (split < 0) return [null, null];
  return [strip(unquote(rest.slice(0, split)), "a/"), strip(unquote(rest.slice(split + 1)), "b/")];
}

function strip(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function quotedEnd(text: string): number {
  for (let i = 1; i < text.length; i += 1) {
    if (text[i] === "\\") i += 1;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, "\\": 92 };

/** Reads git's C-style quoted name ("a/\303\251t\303\251.txt") as UTF-8; unquoted names pass through. */
export function unquote(name: string): string {
  if (!(name.length >= 2 && name.startsWith('"') && name.endsWith('"'))) return name;
  const bytes: number[] = [];
  const body = name.slice(1, -1);
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] ?? "";
    if (char !== "\\") {
      bytes.push(...new TextEncoder().encode(char));
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal !== null) {
      bytes.push(Number.parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
