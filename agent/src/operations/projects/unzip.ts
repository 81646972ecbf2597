/**
 * Unpacks an uploaded zip into a project folder, refusing what could escape
 * the folder (absolute paths, `..`, backslashes, symlinks) or exhaust the
 * disk (too many entries, too many bytes: counted as they are inflated,
 * never taken from the headers).
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MAX_ARCHIVE_ENTRIES, MAX_UNPACKED_BYTES } from "@att/shared";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { OperationError } from "../errors.ts";

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** Never unpacked: a .git folder could carry hooks or config that run commands; __MACOSX is Finder's litter. */
// Compared lowercased: on case-insensitive file systems `.GIT/config` would land in `.git/`.
const SKIPPED_SEGMENTS = new Set([".git", "__macosx"]);

interface PlannedEntry {
  entry: Entry;
  /** Path inside the project, `/`-separated, without a trailing slash. */
  relative: string;
  directory: boolean;
}

function badArchive(message: string): OperationError {
  return new OperationError("bad_request", `cannot import the archive: ${message}`);
}

/** Our own check of an entry name, on top of yauzl's (defence in depth). */
function checkEntryName(name: string): string[] {
  if (name.includes("\\")) throw badArchive(`entry '${name}' contains a backslash`);
  if (name.includes("\0")) throw badArchive("an entry name contains NUL");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) throw badArchive(`entry '${name}' is an absolute path`);
  const segments = name.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) throw badArchive(`entry '${name}' climbs out of the project with '..'`);
  return segments;
}

function fileType(entry: Entry): number {
  return (entry.externalFileAttributes >>> 16) & S_IFMT;
}

/** Reads the central directory and decides what to write where; writes nothing. */
async function plan(zip: ZipFile): Promise<PlannedEntry[]> {
  if (zip.entryCount > MAX_ARCHIVE_ENTRIES) {
    throw new OperationError(
      "payload_too_large",
      `the archive has ${zip.entryCount} entries; at most ${MAX_ARCHIVE_ENTRIES}`,
    );
  }
  const planned: { entry: Entry; segments: string[]; directory: boolean }[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const segments = checkEntryName(entry.fileName);
      const type = fileType(entry);
      if (type === S_IFLNK) throw badArchive(`entry '${entry.fileName}' is a symbolic link`);
      const directory = entry.fileName.endsWith("/") || type === S_IFDIR;
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
        throw badArchive(`entry '${entry.fileName}' is not a regular file or folder`);
      }
      if (entry.isEncrypted()) throw badArchive(`entry '${entry.fileName}' is encrypted`);
      if (segments.length === 0 || segments.some((s) => SKIPPED_SEGMENTS.has(s.toLowerCase()))) continue;
      planned.push({ entry, segments, directory });
    }
  } catch (error) {
    if (error instanceof OperationError) throw error;
    throw badArchive(error instanceof Error ? error.message : String(error));
  }
  const strip = commonTopFolder(planned) ? 1 : 0;
  return planned
    .map(({ entry, segments, directory }) => ({ entry, relative: segments.slice(strip).join("/"), directory }))
    .filter((item) => item.relative !== "");
}

/** True when every entry sits inside one top-level folder (the usual "repo-main/" wrapper). */
function commonTopFolder(entries: readonly { segments: string[]; directory: boolean }[]): boolean {
  const top = entries[0]?.segments[0];
  if (top === undefined) return false;
  return entries.every((e) => e.segments[0] === top && (e.segments.length > 1 || e.directory));
}

/** Passes bytes through, failing once the archive's running total goes over the limit. */
function byteBudget(counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.bytes += chunk.length;
      if (counter.bytes > MAX_UNPACKED_BYTES) {
        callback(
          new OperationError(
            "payload_too_large",
            `the archive unpacks to more than ${MAX_UNPACKED_BYTES} bytes (the limit); refusing it`,
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  });
}

async function writeEntry(zip: ZipFile, item: PlannedEntry, dir: string, counter: { bytes: number }): Promise<void> {
  const target = path.resolve(dir, item.relative);
  if (!target.startsWith(path.resolve(dir) + path.sep))
    throw badArchive(`entry '${item.entry.fileName}' resolves outside the project`);
  if (item.directory) {
    await mkdir(target, { recursive: true });
    return;
  }
  await mkdir(path.dirname(target), { recursive: true });
  const executable = ((item.entry.externalFileAttributes >>> 16) & 0o111) !== 0;
  const source = await zip.openReadStreamPromise(item.entry);
  await pipeline(
    source,
    byteBudget(counter),
    createWriteStream(target, { flags: "wx", mode: executable ? 0o755 : 0o644 }),
  );
}

/** Unpacks `archive` into `dir` (created); returns how many files were written. */
export async function extractArchive(archive: Buffer, dir: string): Promise<number> {
  const zip = await yauzl
    .fromBufferPromise(archive, {
      lazyEntries: true,
      autoClose: false,
      strictFileNames: true,
      validateEntrySizes: true,
    })
    .catch((error: unknown) => {
      throw badArchive(`not a zip file (${error instanceof Error ? error.message : String(error)})`);
    });
  try {
    const entries = await plan(zip);
    if (!entries.some((item) => !item.directory)) throw badArchive("it holds no files");
    await mkdir(dir, { recursive: true });
    const counter = { bytes: 0 };
    for (const item of entries) {
      await writeEntry(zip, item, dir, counter).catch((error: unknown) => {
        if (error instanceof OperationError) throw error;
        const code = error instanceof Error && "code" in error ? error.code : undefined;
        if (code === "EEXIST" || code === "ENOTDIR") throw badArchive(`entry '${item.entry.fileName}' is duplicated`);
        throw badArchive(`entry '${item.entry.fileName}': ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    return entries.filter((item) => !item.directory).length;
  } finally {
    zip.close();
  }
}
