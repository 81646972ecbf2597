/**
 * The project jail: every path an operation touches is resolved here first.
 * Requests are checked lexically (no `..`, absolute or drive prefixes,
 * backslashes, encoded separators or dots, NUL), then resolved component by
 * component against the realpath of the root, following symlinks ourselves so
 * that dangling links and not-yet-existing paths are judged too.
 */
import type { Stats } from "node:fs";
import { lstat, mkdir, readlink, realpath } from "node:fs/promises";
import path from "node:path";
import { OperationError } from "./errors.ts";

/** A path proven to lie inside the project. */
export interface JailedPath {
  /** Realpath of the project root. */
  root: string;
  /** Absolute path with every existing symlink resolved. */
  absolute: string;
  /** `absolute` relative to `root`, '/'-separated; "" for the root itself. */
  relative: string;
}

export type JailMode = { mode: "read" | "write" };

/** Symlinks followed in one resolution before giving up (the kernel's ELOOP limit). */
const MAX_SYMLINK_HOPS = 40;
/** How many rounds of percent-decoding we look through for hidden separators. */
const MAX_DECODE_ROUNDS = 4;
const ENCODED_SEPARATOR_OR_DOT = /%(2e|2f|5c)/i;
/** The longest file name (NAME_MAX) Linux and macOS accept. */
const MAX_NAME_BYTES = 255;

/**
 * Resolves `relative` inside the project directory `root` and returns the
 * absolute path, or throws OperationError("forbidden") when it is absolute,
 * climbs out with `..`, carries encoded separators or NUL, or (through a
 * symlink, at any depth, existing or not yet) resolves outside `root`.
 * `mode: "write"` also checks the parents a write would create.
 */
export async function resolveInProject(
  root: string,
  relative: string,
  options: JailMode = { mode: "read" },
): Promise<string> {
  return (await jailPath(root, relative, options)).absolute;
}

/** Like `resolveInProject`, with the real root and the resolved relative path as well. */
export async function jailPath(
  root: string,
  relative: string,
  options: JailMode = { mode: "read" },
): Promise<JailedPath> {
  const segments = requestSegments(relative);
  const realRoot = await realpath(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new OperationError("not_found", "the project directory does not exist");
    throw error;
  });
  const absolute = await resolveComponents(realRoot, segments, relative);
  if (!isInside(realRoot, absolute)) throw outside(relative);
  const jailed = { root: realRoot, absolute, relative: toProjectPath(realRoot, absolute) };
  if (options.mode === "write") checkWritable(jailed, relative);
  return jailed;
}

/**
 * Creates the missing parent directories of a jailed write target one level at
 * a time (never `mkdir -p`), refusing any component that is, or has become,
 * a symlink, so creation cannot walk out of the root.
 */
export async function makeParentDirectories(jailed: JailedPath): Promise<void> {
  const parents = path.relative(jailed.root, path.dirname(jailed.absolute)).split(path.sep).filter(Boolean);
  let current = jailed.root;
  for (const part of parents) {
    current = path.join(current, part);
    await mkdir(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST") return;
      if (error.code === "ENOTDIR") throw notADirectory(jailed.root, current);
      throw error;
    });
    const stats = await lstat(current);
    // The resolution above left no symlink on this path; one here appeared since.
    if (stats.isSymbolicLink()) throw outside(toProjectPath(jailed.root, current));
    if (!stats.isDirectory()) throw notADirectory(jailed.root, current);
  }
}

/** True when `candidate` is `root` or below it (both absolute and normalized). */
export function isInside(root: string, candidate: string): boolean {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate === root || candidate.startsWith(prefix);
}

/** `absolute` relative to `root` with '/' separators. */
export function toProjectPath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join("/");
}

/** Lexical checks; returns the request's meaningful segments. */
function requestSegments(relative: string): string[] {
  const refuse = (why: string) => new OperationError("forbidden", `path '${printable(relative)}' is refused: ${why}`);
  if (relative.includes("\0")) throw refuse("it contains a NUL byte");
  if (relative.includes("\\")) throw refuse("backslashes are not path separators here; use '/'");
  if (relative.startsWith("/")) throw refuse("absolute paths are not allowed; use a path relative to the project");
  if (/^[A-Za-z]:/.test(relative))
    throw refuse("drive-letter paths are not allowed; use a path relative to the project");
  let decoded = relative;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round += 1) {
    if (ENCODED_SEPARATOR_OR_DOT.test(decoded)) throw refuse("percent-encoded '/', '\\' or '.' is not allowed");
    const next = decoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (next === decoded) break;
    decoded = next;
  }
  const segments = relative.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) throw refuse("'..' is not allowed");
  // Too long to name a file anywhere: a plain bad request rather than the kernel's ENAMETOOLONG as an internal error.
  if (segments.some((segment) => Buffer.byteLength(segment) > MAX_NAME_BYTES)) {
    throw tooLong(relative, `a path component is longer than ${MAX_NAME_BYTES} bytes`);
  }
  return segments;
}

/**
 * Walks the segments from the real root, resolving each symlink by hand
 * (also dangling ones), so the result is the path the kernel would reach.
 * Once a component is missing, the rest is joined lexically: that is where a
 * write would create it.
 */
async function resolveComponents(realRoot: string, segments: string[], request: string): Promise<string> {
  const pending = [...segments];
  let current = realRoot;
  let missing = false;
  let hops = 0;
  for (let segment = pending.shift(); segment !== undefined; segment = pending.shift()) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      current = path.dirname(current); // only from symlink targets; `current` is real, so this is exact
      continue;
    }
    const candidate = path.join(current, segment);
    const stats: Stats | null = missing ? null : await lstatOrNull(candidate, request);
    if (stats?.isSymbolicLink()) {
      hops += 1;
      if (hops > MAX_SYMLINK_HOPS)
        throw new OperationError("forbidden", `path '${printable(request)}' has a symlink loop`);
      const target = await readlink(candidate);
      if (path.isAbsolute(target)) current = path.parse(target).root;
      pending.unshift(...target.split(path.sep));
      continue;
    }
    missing = stats === null;
    current = candidate;
  }
  return current;
}

function checkWritable(jailed: JailedPath, request: string): void {
  if (jailed.relative === "") {
    throw new OperationError("bad_request", `path '${printable(request)}' is the project root, not a file`);
  }
  if (jailed.relative.split("/").some((segment) => segment.toLowerCase() === ".git")) {
    throw new OperationError(
      "forbidden",
      `path '${printable(request)}' is inside .git; use the git operations instead`,
    );
  }
}

async function lstatOrNull(candidate: string, request: string): Promise<Stats | null> {
  return lstat(candidate).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return null;
    // Longer than PATH_MAX once joined to the root (or a symlink's target).
    if (error.code === "ENAMETOOLONG") throw tooLong(request, "the path is too long");
    throw error;
  });
}

function tooLong(request: string, why: string): OperationError {
  return new OperationError("bad_request", `path '${printable(request)}' cannot name a file: ${why}`);
}

function outside(request: string): OperationError {
  return new OperationError("forbidden", `path '${printable(request)}' resolves outside the project`);
}

function notADirectory(root: string, absolute: string): OperationError {
  return new OperationError("bad_request", `'${toProjectPath(root, absolute)}' exists and is not a directory`);
}

/** Paths go into messages; keep them short and free of control characters. */
function printable(request: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const clean = request.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}
