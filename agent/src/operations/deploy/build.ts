/**
 * deploy.build: a release of the project as it is on disk now (the files git
 * would consider, never .git or ignored ones), zipped to the agent's state
 * folder with its checksum, and recorded with the next version number.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { MAX_ARCHIVE_ENTRIES, MAX_UNPACKED_BYTES, type Release } from "@att/shared";
import { emitEvent, type Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { git } from "../projects/git.ts";
import { type ProjectFile, projectFiles } from "../projects/zip.ts";
import { artifactPath, writeArtifact } from "./artifact.ts";
import { exclusively } from "./lock.ts";
import { insertRelease, nextVersion } from "./store.ts";

/** Files that pin a release's dependencies, matched by name at any depth. */
const DEPENDENCY_FILE = /^(pyproject\.toml|uv\.lock|poetry\.lock|requirements[^/]*\.txt|package-lock\.json)$/;

export function dependencyFiles(files: readonly ProjectFile[]): string[] {
  return files.map((file) => file.name).filter((name) => DEPENDENCY_FILE.test(path.posix.basename(name)));
}

/** The commit HEAD points at, or null outside a git repository or before the first commit. */
async function headCommit(dir: string): Promise<string | null> {
  if (!existsSync(path.join(dir, ".git"))) return null;
  const result = await git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { cwd: dir, timeoutMs: 10_000 });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** Releases are unpacked with the import limits, so a release over them could never be deployed. */
function checkLimits(files: readonly ProjectFile[]): void {
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  if (files.length > MAX_ARCHIVE_ENTRIES || bytes > MAX_UNPACKED_BYTES) {
    throw new OperationError(
      "payload_too_large",
      `the project holds ${files.length} files and ${bytes} bytes; a release holds at most ${MAX_ARCHIVE_ENTRIES} files and ${MAX_UNPACKED_BYTES} bytes (add build outputs and data to .gitignore)`,
      { files: files.length, bytes },
    );
  }
}

const normalise = (configPath: string): string => path.posix.normalize(configPath).replace(/^\.\//, "");

export const buildRelease: Operation<"deploy.build"> = async (params, context) => {
  const project = await context.catalog.get(params.projectId);
  return exclusively("build", project.id, async () => {
    const requested = params.configPath ?? project.natConfigPath;
    if (requested === null) {
      throw new OperationError(
        "precondition_failed",
        "the project has no NAT config at configs/config.yml; pass configPath to name the one to release",
        { reason: "no_config" },
      );
    }
    const configPath = normalise(requested);
    const files = await projectFiles(project.path);
    if (!files.some((file) => file.name === configPath)) {
      throw new OperationError(
        "precondition_failed",
        `the config '${configPath}' is not among the release's files (it is missing, not a regular file, or ignored by .gitignore)`,
        { reason: "config_not_in_release", configPath },
      );
    }
    checkLimits(files);
    const version = nextVersion(context.db, project.id);
    emitEvent(context, { projectId: project.id, type: "build.started", payload: { version } });
    const target = artifactPath(context.config.stateDir, project.id, version);
    const { sha256, bytes } = await writeArtifact({
      dir: project.path,
      files,
      folder: `${project.name}-v${version}`,
      target,
    });
    const release: Release = {
      id: crypto.randomUUID(),
      projectId: project.id,
      version,
      label: params.label ?? null,
      sha256,
      bytes,
      files: files.length,
      configPath,
      gitCommit: await headCommit(project.path),
      dependencyFiles: dependencyFiles(files),
      createdAt: new Date().toISOString(),
    };
    insertRelease(context.db, { release, artifactPath: target });
    emitEvent(context, {
      projectId: project.id,
      type: "build.completed",
      payload: { releaseId: release.id, version, sha256, bytes, files: files.length },
    });
    return { release };
  });
};
