/** code.tree: the entries under a project directory, .gitignore-aware. */
import { stat } from "node:fs/promises";
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { listEntries } from "./listing.ts";
import { jailInProject } from "./project.ts";

export const codeTree: Operation<"code.tree"> = async (params, context) => {
  const jailed = await jailInProject(context, params.projectId, params.path);
  const stats = await stat(jailed.absolute).catch(() => null);
  if (stats === null) throw new OperationError("not_found", `no directory '${params.path}' in the project`);
  if (!stats.isDirectory())
    throw new OperationError("bad_request", `'${params.path}' is not a directory; use code.read`);
  return listEntries({
    root: jailed.root,
    dir: jailed.relative,
    dotfiles: params.hidden,
    ignored: params.hidden,
    limit: params.limit,
  });
};
