/**
 * Release artifacts on disk: a zip written under a temporary name and renamed
 * into place, its sha256, and its unpacked copy that deployments run from
 * (checked against the recorded sha256 first: a changed artifact is refused).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Release } from "@att/shared";
import { OperationError } from "../errors.ts";
import { extractArchive } from "../projects/unzip.ts";
import { type ProjectFile, zipFiles } from "../projects/zip.ts";
import type { StoredRelease } from "./store.ts";

export function artifactPath(stateDir: string, projectId: string, version: number): string {
  return path.join(stateDir, "releases", projectId, `${version}.zip`);
}

/** Where a release runs from once unpacked. */
export function deploymentDir(stateDir: string, release: Release): string {
  return path.join(stateDir, "deployments", release.projectId, release.id);
}

const temporary = (target: string): string => `${target}.tmp-${crypto.randomUUID()}`;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/**
 * Zips `files` of `dir` to `target`. Every entry sits under `folder`, so
 * unpacking (which strips one folder shared by all entries) always lands the
 * files at the top, whatever the project's own layout.
 */
export async function writeArtifact(options: {
  dir: string;
  files: readonly ProjectFile[];
  folder: string;
  target: string;
}): Promise<{ sha256: string; bytes: number }> {
  await mkdir(path.dirname(options.target), { recursive: true });
  const partial = temporary(options.target);
  try {
    await pipeline(zipFiles(options.dir, options.files, options.folder), createWriteStream(partial, { flags: "wx" }));
    const [sha256, info] = await Promise.all([sha256File(partial), stat(partial)]);
    await rename(partial, options.target);
    return { sha256, bytes: info.size };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

function checkDigest(release: Release, actual: string): void {
  if (actual === release.sha256) return;
  throw new OperationError(
    "precondition_failed",
    `the artifact of release v${release.version} changed since it was built (sha256 ${actual}, recorded ${release.sha256}); refusing to deploy it`,
    { reason: "checksum_mismatch", releaseId: release.id, expected: release.sha256, actual },
  );
}

async function readArtifact(stored: StoredRelease): Promise<Buffer> {
  return readFile(stored.artifactPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    throw new OperationError(
      "precondition_failed",
      `the artifact of release v${stored.release.version} is missing (${stored.artifactPath}); build a new release`,
      { reason: "artifact_missing", releaseId: stored.release.id },
    );
  });
}

/**
 * The folder the release runs from: its artifact's checksum is verified on
 * every deploy; it is unpacked once (into a temporary folder renamed into
 * place, so an existing folder is always complete) and reused afterwards.
 */
export async function unpackRelease(stateDir: string, stored: StoredRelease): Promise<string> {
  const { release } = stored;
  const dir = deploymentDir(stateDir, release);
  const archive = await readArtifact(stored);
  checkDigest(release, createHash("sha256").update(archive).digest("hex"));
  if (existsSync(dir)) return dir;
  const partial = temporary(dir);
  try {
    await extractArchive(archive, partial);
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return dir;
}
