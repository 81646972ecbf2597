/** Pieces every operation family uses. */
import { z } from "zod";
import { Id } from "../models.ts";

/** Every project-scoped operation names its project. */
export const ProjectScoped = z.object({ projectId: Id });

/**
 * A path inside a project, relative to its root, with `/` separators. The
 * agent's jail is the real guard (it resolves symlinks); this only rejects
 * what can never be valid so clients get a schema error early.
 */
export const ProjectPath = z
  .string()
  .min(1)
  .max(4096)
  .meta({ description: "Path relative to the project root, '/'-separated.", example: "src/app/register.py" });

/** A git ref: branch, tag or commit. Leading '-' would turn it into an option. */
export const GitRef = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^[^-\s][^\s:?*[\\]*$/,
    "must be a branch, tag or commit, e.g. main or HEAD~1 (no spaces or :?*[\\, not starting with '-')",
  )
  .meta({ example: "main" });

export const Sha = z.string().regex(/^[0-9a-f]{7,64}$/, "must be a hex commit id");
