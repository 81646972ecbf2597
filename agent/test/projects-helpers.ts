/** Shared by the projects-*.test.ts files: project operations called as the link calls them (params parsed). */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import type {
  AgentEvent,
  ProjectsCloneParams,
  ProjectsCreateParams,
  ProjectsDeleteParams,
  ProjectsExportParams,
  ProjectsImportParams,
} from "@att/shared";
import type { z } from "zod";
import type { OperationContext } from "../src/operations/context.ts";
import { callOperation } from "./support/call.ts";

type In<S extends z.ZodType> = z.input<S>;

export const projects = {
  templates: async (c: OperationContext) => callOperation(c, "projects.templates", {}),
  create: async (c: OperationContext, p: In<typeof ProjectsCreateParams>) => callOperation(c, "projects.create", p),
  clone: async (c: OperationContext, p: In<typeof ProjectsCloneParams>) => callOperation(c, "projects.clone", p),
  import: async (c: OperationContext, p: In<typeof ProjectsImportParams>) => callOperation(c, "projects.import", p),
  export: async (c: OperationContext, p: In<typeof ProjectsExportParams>) => callOperation(c, "projects.export", p),
  delete: async (c: OperationContext, p: In<typeof ProjectsDeleteParams>) => callOperation(c, "projects.delete", p),
};

/** Runs git with a fixed identity (never the machine's global config). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** Everything in `dir`, hidden entries included: proves a failure left nothing behind. */
export function entriesOf(dir: string): string[] {
  return readdirSync(dir).sort();
}

export function eventsOf(context: OperationContext): AgentEvent[] {
  return context.outbox.after(0, 1000).map((entry) => entry.event);
}
