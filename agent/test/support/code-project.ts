/**
 * A real project for the code-operation tests: a test context, one project
 * directory (optionally a git repository), and each code operation called the
 * way the link calls it (params parsed with defaults, results checked against
 * the contract).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type {
  CodeDiffParams,
  CodeReadParams,
  CodeSearchParams,
  CodeTreeParams,
  CodeWriteParams,
  MethodResult,
} from "@att/shared";
import type { z } from "zod";
import { callOperation } from "./call.ts";
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
  tree: (params?: Input<typeof CodeTreeParams>) => Promise<MethodResult<"code.tree">>;
  read: (params: Input<typeof CodeReadParams>) => Promise<MethodResult<"code.read">>;
  write: (params: Input<typeof CodeWriteParams>) => Promise<MethodResult<"code.write">>;
  search: (params: Input<typeof CodeSearchParams>) => Promise<MethodResult<"code.search">>;
  diff: (params?: Input<typeof CodeDiffParams>) => Promise<MethodResult<"code.diff">>;
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
    tree: async (params = {}) => callOperation(context, "code.tree", { ...params, projectId }),
    read: async (params) => callOperation(context, "code.read", { ...params, projectId }),
    write: async (params) => callOperation(context, "code.write", { ...params, projectId }),
    search: async (params) => callOperation(context, "code.search", { ...params, projectId }),
    diff: async (params = {}) => callOperation(context, "code.diff", { ...params, projectId }),
    dispose: () => {
      context.dispose();
    },
  };
}
