/**
 * Real repositories for the git operation tests: projects in a test context,
 * a git CLI with a fixed identity (never global config), and a `call` that
 * validates params and results against the shared contract, as the link does.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import type { TestContext } from "./context.ts";

export const IDENTITY_ENV = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.test",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.test",
};

/** Runs the git CLI in `dir` and returns trimmed stdout; throws on failure. */
export async function git(dir: string, args: string[]): Promise<string> {
  const result = await execa("git", args, {
    cwd: dir,
    env: { ...IDENTITY_ENV, GIT_TERMINAL_PROMPT: "0" },
    timeout: 20_000,
  });
  return result.stdout.trim();
}

export function write(dir: string, relative: string, content: string): void {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export interface TestRepo {
  projectId: string;
  dir: string;
}

/**
 * A project directory under the context's projects root; `git init -b main`
 * unless `init` is false, with one commit of README.md when `commit` is true.
 */
export async function makeProject(
  context: TestContext,
  name: string,
  options: { init?: boolean; commit?: boolean } = {},
): Promise<TestRepo> {
  const dir = path.join(context.config.projectsDir, name);
  mkdirSync(dir, { recursive: true });
  if (options.init ?? true) {
    await git(dir, ["init", "-q", "-b", "main"]);
    // Repository-local identity: the operations under test must find it without global config.
    await git(dir, ["config", "user.name", "Repo User"]);
    await git(dir, ["config", "user.email", "repo@example.test"]);
  }
  if (options.commit ?? false) {
    write(dir, "README.md", "# hello\n");
    await git(dir, ["add", "README.md"]);
    await git(dir, ["commit", "-q", "-m", "first"]);
  }
  const project = (await context.catalog.list()).find((p) => p.name === name);
  if (project === undefined) throw new Error(`project ${name} was not registered`);
  return { projectId: project.id, dir };
}

/** A bare repository outside the projects root, usable as a remote by path. */
export async function makeBareRemote(context: TestContext, name: string): Promise<string> {
  const remote = path.join(context.dir, `${name}.git`);
  await git(context.dir, ["init", "-q", "--bare", "-b", "main", remote]);
  return remote;
}

export { callOperation as call } from "./call.ts";
