/** Shared by the projects-*.test.ts files: project operations called as the link calls them (params parsed). */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import {
  type AgentEvent,
  ProjectsCloneParams,
  ProjectsCreateParams,
  ProjectsDeleteParams,
  ProjectsExportParams,
  ProjectsImportParams,
  ProjectsTemplatesParams,
} from "@att/shared";
import type { z } from "zod";
import type { OperationContext } from "../src/operations/context.ts";
import { projectOperations as op } from "../src/operations/project-operations.ts";

type In<S extends z.ZodType> = z.input<S>;

export const projects = {
  templates: async (c: OperationContext) => op["projects.templates"](ProjectsTemplatesParams.parse({}), c),
  create: async (c: OperationContext, p: In<typeof ProjectsCreateParams>) =>
    op["projects.create"](ProjectsCreateParams.parse(p), c),
  clone: async (c: OperationContext, p: In<typeof ProjectsCloneParams>) =>
    op["projects.clone"](ProjectsCloneParams.parse(p), c),
  import: async (c: OperationContext, p: In<typeof ProjectsImportParams>) =>
    op["projects.import"](ProjectsImportParams.parse(p), c),
  export: async (c: OperationContext, p: In<typeof ProjectsExportParams>) =>
    op["projects.export"](ProjectsExportParams.parse(p), c),
  delete: async (c: OperationContext, p: In<typeof ProjectsDeleteParams>) =>
    op["projects.delete"](ProjectsDeleteParams.parse(p), c),
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
