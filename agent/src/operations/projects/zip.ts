/**
 * Packs a project into a zip: the files git would consider (tracked, plus
 * untracked ones .gitignore does not exclude), never .git itself. Export is
 * for small projects, since the archive travels in one link frame; releases
 * (deploy.build) use the same listing and zipping, written to disk uncapped.
 */
import { lstat, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MAX_ARCHIVE_BYTES, MAX_UNPACKED_BYTES } from "@att/shared";
import yazl from "yazl";
import { OperationError } from "../errors.ts";
import { gitOrFail } from "./git.ts";

const TOO_BIG_HINT = "export is for small projects: push it to a git remote and clone it instead";

/**
 * Paths (relative, `/`-separated) of the files to export. A folder that is not
 * a git repository is listed through a throwaway repository, so its
 * .gitignore files apply exactly as git would apply them.
 */
async function listFiles(dir: string): Promise<string[]> {
  let output: string;
  if ((await lstat(path.join(dir, ".git")).catch(() => null)) !== null) {
    output = await gitOrFail(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], dir);
  } else {
    const scratch = await mkdtemp(path.join(os.tmpdir(), "att-export-"));
    try {
      await gitOrFail(["init", "--quiet", "--bare", scratch], dir);
      output = await gitOrFail(
        [`--git-dir=${scratch}`, `--work-tree=${dir}`, "ls-files", "-z", "--others", "--exclude-standard"],
        dir,
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return [...new Set(output.split("\0").filter((name) => name !== ""))].sort();
}

export interface ProjectFile {
  /** Relative, `/`-separated. */
  name: string;
  size: number;
}

/** Regular files only: symlinks, submodules and deleted-but-tracked paths are left out. */
async function regularFiles(dir: string, names: readonly string[]): Promise<ProjectFile[]> {
  const files: ProjectFile[] = [];
  for (const name of names) {
    const stats = await lstat(path.join(dir, name)).catch(() => null);
    if (stats?.isFile()) files.push({ name, size: stats.size });
  }
  return files;
}

/** The files a project's archive holds, sorted by name. */
export async function projectFiles(dir: string): Promise<ProjectFile[]> {
  return regularFiles(dir, await listFiles(dir));
}

/** A zip of `files` (read from `dir`), streamed; `prefix` puts every entry under that folder. */
export function zipFiles(dir: string, files: readonly ProjectFile[], prefix = ""): NodeJS.ReadableStream {
  const zip = new yazl.ZipFile();
  for (const file of files)
    zip.addFile(path.join(dir, file.name), prefix === "" ? file.name : `${prefix}/${file.name}`);
  zip.end();
  return zip.outputStream;
}

export async function archiveProject(dir: string): Promise<{ archive: Buffer; files: number }> {
  const files = await projectFiles(dir);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > MAX_UNPACKED_BYTES) {
    throw new OperationError("payload_too_large", `the project holds ${total} bytes of files; ${TOO_BIG_HINT}`);
  }
  // Read it all (yazl cannot be stopped midway cleanly) but keep only what fits.
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of zipFiles(dir, files)) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    bytes += buffer.length;
    if (bytes <= MAX_ARCHIVE_BYTES) chunks.push(buffer);
  }
  if (bytes > MAX_ARCHIVE_BYTES) {
    throw new OperationError(
      "payload_too_large",
      `the archive would be ${bytes} bytes, over the ${MAX_ARCHIVE_BYTES}-byte limit; ${TOO_BIG_HINT}`,
      { bytes, limit: MAX_ARCHIVE_BYTES },
    );
  }
  return { archive: Buffer.concat(chunks), files: files.length };
}
