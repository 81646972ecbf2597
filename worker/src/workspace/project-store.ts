/**
 * The control plane's record of the agent's projects. The agent owns the
 * files; this copy is refreshed from every hello and project answer, so
 * events and lookups work while the agent is away.
 */
import type { Project } from "@att/shared";
import { eq, sql } from "drizzle-orm";
import type { WorkspaceDb } from "./event-log.ts";
import { projects } from "./schema.ts";

export class ProjectStore {
  readonly #db: WorkspaceDb;
  constructor(db: WorkspaceDb) {
    this.#db = db;
  }

  upsert(list: readonly Project[]): void {
    if (list.length === 0) return;
    this.#db.transaction((tx) => {
      for (const project of list) {
        tx.insert(projects)
          .values(project)
          .onConflictDoUpdate({
            target: projects.id,
            set: {
              name: sql`excluded.name`,
              path: sql`excluded.path`,
              gitRemote: sql`excluded.git_remote`,
              natConfigPath: sql`excluded.nat_config_path`,
              status: sql`excluded.status`,
              updatedAt: sql`excluded.updated_at`,
            },
          })
          .run();
      }
    });
  }

  exists(id: string): boolean {
    return this.#db.select({ id: projects.id }).from(projects).where(eq(projects.id, id)).get() !== undefined;
  }
}
