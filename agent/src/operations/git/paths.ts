/** Project paths for git: checked by the jail, then handed to git as literal pathspecs. */
import path from "node:path";
import { resolveInProject } from "../jail.ts";

/**
 * The pathspecs for `paths`, each proven by the jail to stay inside `root`
 * (forbidden otherwise). git gets the requested path, not the jail's
 * symlink-resolved one: staging a symlink must stage the link itself.
 */
export async function jailedPathspecs(root: string, paths: readonly string[]): Promise<string[]> {
  const specs: string[] = [];
  for (const relative of paths) {
    await resolveInProject(root, relative, { mode: "read" });
    const normal = path.posix.normalize(relative).replace(/\/+$/, "");
    // `:(literal)` stops git from reading glob characters or magic in a file name.
    specs.push(normal === "." || normal === "" ? "." : `:(literal)${normal}`);
  }
  return specs;
}
