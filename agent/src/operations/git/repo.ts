/**
 * Opens a project's repository with simple-git in a predictable environment:
 * git never prompts (a prompt would hang the agent), never climbs above the
 * project into a parent repository, and every command is bounded by a timeout.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Project } from "@att/shared";
import { type SimpleGit, simpleGit } from "simple-git";
import type { OperationContext } from "../context.ts";
import { OperationError } from "../errors.ts";

/** Kill a git command that stays silent this long (local commands). */
export const LOCAL_TIMEOUT_MS = 30_000;
/** Network commands may be slow to start on a bad link, but not forever. */
export const NETWORK_TIMEOUT_MS = 120_000;

/** Variables we set ourselves; simple-git's environment guard must be told about them. */
const OWN_VARIABLES = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_PAGER: "cat",
  PAGER: "cat",
} as const;

/**
 * Ambient variables a developer sets for their own transport (keys, CAs) that
 * must keep working; every other GIT_* variable (GIT_DIR, GIT_INDEX_FILE, ...)
 * could point git at another repository, so it is dropped.
 */
const PASS_THROUGH = ["GIT_SSH_COMMAND", "GIT_SSH", "GIT_SSL_CAINFO", "GIT_SSL_CAPATH"] as const;

/** Non-GIT variables that change which programs git runs. */
const DROPPED = new Set(["EDITOR", "VISUAL", "PAGER", "SSH_ASKPASS", "PREFIX"]);

export interface RepoOptions {
  /** Extra variables for this command, e.g. GIT_AUTHOR_NAME. Must start with GIT_. */
  env?: Record<string, string>;
  /** Per-command `-c key=value` settings. */
  config?: string[];
  timeoutMs?: number;
}

export interface ProjectRepo {
  project: Project;
  git: SimpleGit;
  /** A differently configured instance on the same repository. */
  with: (options: RepoOptions) => SimpleGit;
}

/** The project's repository; precondition_failed when the project is not one. */
export async function openProjectRepo(
  context: OperationContext,
  projectId: string,
  options: RepoOptions = {},
): Promise<ProjectRepo> {
  const project = await context.catalog.get(projectId);
  if (!existsSync(path.join(project.path, ".git"))) {
    throw new OperationError(
      "precondition_failed",
      `project '${project.name}' is not a git repository: run \`git init\` in ${project.path}, or clone one with projects.clone`,
    );
  }
  const open = (more: RepoOptions) => gitIn(project.path, { ...options, ...more });
  return { project, git: open({}), with: open };
}

/** A simple-git instance rooted at `dir` (which must be a repository's top level). */
export function gitIn(dir: string, options: RepoOptions = {}): SimpleGit {
  const extra = options.env ?? {};
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || isGuarded(key)) continue;
    env[key] = value;
  }
  const passed = PASS_THROUGH.filter((key) => process.env[key] !== undefined);
  for (const key of passed) env[key] = process.env[key] ?? "";
  Object.assign(env, OWN_VARIABLES, extra, { GIT_CEILING_DIRECTORIES: path.dirname(dir) });
  return simpleGit({
    baseDir: dir,
    config: options.config ?? [],
    timeout: { block: options.timeoutMs ?? LOCAL_TIMEOUT_MS },
    // simple-git only fails a command that wrote to stderr; probes like
    // `show-ref --quiet` fail silently, so any non-zero exit is an error here.
    errors: (error, result) => error ?? (result.exitCode === 0 ? undefined : silentFailure(result)),
    allowEnvironment: [...Object.keys(OWN_VARIABLES), ...passed, ...Object.keys(extra), "GIT_CEILING_DIRECTORIES"],
    unsafe: {
      allowUnsafePager: true, // only our own "cat"
      allowUnsafeSshCommand: passed.some((key) => key.startsWith("GIT_SSH")),
    },
  }).env(env);
}

function silentFailure(result: { exitCode: number; stdOut: Buffer[]; stdErr: Buffer[] }): Buffer {
  const output = Buffer.concat([...result.stdErr, ...result.stdOut]);
  return output.length > 0 ? output : Buffer.from(`git exited with code ${result.exitCode}`);
}

function isGuarded(key: string): boolean {
  const upper = key.toUpperCase();
  return upper.startsWith("GIT") || DROPPED.has(upper);
}
