/** Project operations: create (empty, template, NAT scaffold), clone, zip import/export, delete. */
import { z } from "zod";
import { Project } from "../models.ts";
import { ProjectScoped } from "./common.ts";

/**
 * Project names become directory names and Python package names; NAT rejects
 * hyphenated package names, so names are snake_case from the start.
 */
export const ProjectName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "must be snake_case: a lowercase letter, then lowercase letters, digits or '_'")
  .meta({ example: "my_chatbot" });

export const TemplateId = z
  .enum(["empty", "chatbot", "tool_calling_agent", "rag", "mcp_server", "nat_workflow_create"])
  .meta({
    id: "TemplateId",
    description:
      "empty: a git repository with a README; chatbot/tool_calling_agent/rag/mcp_server: ATT's built-in NAT projects (chatbot, rag and mcp_server run offline; tool_calling_agent needs an LLM with tool calling); nat_workflow_create: `nat workflow create` (needs NAT installed). Every project starts as a git repository with one commit on main.",
  });
export type TemplateId = z.infer<typeof TemplateId>;

export const Template = z
  .object({ id: TemplateId, title: z.string(), description: z.string(), available: z.boolean() })
  .meta({ id: "Template" });

export const ProjectsListParams = z.object({});
export const ProjectsListResult = z.object({ projects: z.array(Project) });

export const ProjectsGetParams = ProjectScoped;
export const ProjectsGetResult = z.object({ project: Project });

export const ProjectsTemplatesParams = z.object({});
export const ProjectsTemplatesResult = z.object({ templates: z.array(Template) });

export const ProjectsCreateParams = z.object({
  name: ProjectName,
  template: TemplateId.default("empty"),
  description: z.string().max(1024).optional(),
});
export const ProjectsCreateResult = z.object({ project: Project });

export const CloneUrl = z.string().min(1).max(2048).meta({
  description: "https://, ssh://, git@host:path, file:// or a local path.",
  example: "https://github.com/org/repo.git",
});
export const ProjectsCloneParams = z.object({
  url: CloneUrl,
  name: ProjectName.optional().meta({ description: "Defaults to the repository name, snake_cased." }),
  ref: z.string().min(1).max(255).optional().meta({ description: "Branch or tag to check out." }),
});
export const ProjectsCloneResult = z.object({ project: Project });

/** Largest zip accepted or produced, compressed. It travels base64 in one link frame. */
export const MAX_ARCHIVE_BYTES = 640 * 1024;
/** Largest total size an archive may unpack to (zip-bomb guard). */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
export const MAX_ARCHIVE_ENTRIES = 20_000;

export const ArchiveBase64 = z
  .string()
  .min(1)
  .max(Math.ceil(MAX_ARCHIVE_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64")
  .meta({ description: `A zip archive, base64 (at most ${MAX_ARCHIVE_BYTES} bytes before encoding).` });

/**
 * A zip becomes a new git repository. Refused: entries with absolute paths,
 * `..` or backslashes, symlinks and other special files (bad_request); more
 * than MAX_ARCHIVE_ENTRIES entries or more than MAX_UNPACKED_BYTES unpacked
 * (payload_too_large). A single top-level folder is stripped; `.git` entries
 * are skipped.
 */
export const ProjectsImportParams = z.object({ name: ProjectName, archiveBase64: ArchiveBase64 });
export const ProjectsImportResult = z.object({ project: Project, files: z.number().int().min(0) });

export const ProjectsExportParams = ProjectScoped;
export const ProjectsExportResult = z.object({
  archiveBase64: z.string(),
  bytes: z.number().int().min(0),
  files: z.number().int().min(0),
});

export const ProjectsDeleteParams = ProjectScoped;
export const ProjectsDeleteResult = z.object({ deleted: Project });

export const PROJECT_METHODS = {
  "projects.list": { params: ProjectsListParams, result: ProjectsListResult },
  "projects.get": { params: ProjectsGetParams, result: ProjectsGetResult },
  "projects.templates": { params: ProjectsTemplatesParams, result: ProjectsTemplatesResult },
  "projects.create": { params: ProjectsCreateParams, result: ProjectsCreateResult },
  "projects.clone": { params: ProjectsCloneParams, result: ProjectsCloneResult },
  "projects.import": { params: ProjectsImportParams, result: ProjectsImportResult },
  "projects.export": { params: ProjectsExportParams, result: ProjectsExportResult },
  "projects.delete": { params: ProjectsDeleteParams, result: ProjectsDeleteResult },
} as const;
