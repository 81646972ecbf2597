/**
 * A real project for the code-operation tests: a test context, one project
 * directory (optionally a git repository), and each code operation called the
 * way the link calls it (params parsed with defaults, results checked against
 * the contract).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  CodeDiffParams,
  CodeDiffResult,
  CodeReadParams,
  CodeReadResult,
  CodeSearchParams,
  CodeSearchResult,
  CodeTreeParams,
  CodeTreeResult,
  CodeWriteParams,
  CodeWriteResult,
} from "@att/shared";
import type { z } from "zod";
import { codeOperations } from "../../src/operations/code/index.ts";
import { createTestContext, type TestContext } from "./context.ts";

type Input<S extends z.ZodType> = Omit<z.input<S>, "projectId">;

export interface CodeProject {
  context: TestContext;
  projectId: string;
  /** The project directory. */
  root: string;
  /** Writes files (creating directories) relative to the root. */
  files: (files: Record<string, string | Buffer>) => void;
  /** Runs git in the project with a fixed identity. */
  git: (...args: string[]) => string;
  tree: (params?: Input<typeof CodeTreeParams>) => Promise<z.infer<typeof CodeTreeResult>>;
  read: (params: Input<typeof CodeReadParams>) => Promise<z.infer<typeof CodeReadResult>>;
  write: (params: Input<typeof CodeWriteParams>) => Promise<z.infer<typeof CodeWriteResult>>;
  search: (params: Input<typeof CodeSearchParams>) => Promise<z.infer<typeof CodeSearchResult>>;
  diff: (params?: Input<typeof CodeDiffParams>) => Promise<z.infer<typeof CodeDiffResult>>;
  dispose: () => void;
}

export async function createCodeProject(options: { git?: boolean; name?: string } = {}): Promise<CodeProject> {
  const context = createTestContext();
  const root = path.join(context.config.projectsDir, options.name ?? "demo");
  mkdirSync(root, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=ATT Test", "-c", "user.email=test@att.invalid", ...args], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  if (options.git === true) git("init", "-q", "-b", "main");
  const [project] = await context.catalog.list();
  if (project === undefined) throw new Error("the test project was not listed");
  const projectId = project.id;
  const ops = codeOperations;
  return {
    context,
    projectId,
    root,
    git,
    files: (files) => {
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        writeFileSync(path.join(root, name), content);
      }
    },
    tree: async (params = {}) =>
      CodeTreeResult.parse(await ops["code.tree"](CodeTreeParams.parse({ ...params, projectId }), context)),
    read: async (params) =>
      CodeReadResult.parse(await ops["code.read"](CodeReadParams.parse({ ...params, projectId }), context)),
    write: async (params) =>
      CodeWriteResult.parse(await ops["code.write"](CodeWriteParams.parse({ ...params, projectId }), context)),
    search: async (params) =>
      CodeSearchResult.parse(await ops["code.search"](CodeSearchParams.parse({ ...params, projectId }), context)),
    diff: async (params = {}) =>
      CodeDiffResult.parse(await ops["code.diff"](CodeDiffParams.parse({ ...params, projectId }), context)),
    dispose: () => {
      context.dispose();
    },
  };
}
