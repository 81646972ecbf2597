/**
 * The control plane's record of the agent's projects. The agent owns the
 * files; this copy is refreshed from every hello and project answer, so
 * events and lookups work while the agent is away.
 */
import type { Project } from "@att/shared";
import { eq, notInArray, sql } from "drizzle-orm";
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

  /** Makes the records exactly `list`: projects the agent no longer has are dropped (their events stay). */
  replaceAll(list: readonly Project[]): void {
    this.#db.transaction((tx) => {
      const keep = list.map((project) => project.id);
      if (keep.length === 0) tx.delete(projects).run();
      else tx.delete(projects).where(notInArray(projects.id, keep)).run();
    });
    this.upsert(list);
  }

  remove(id: string): void {
    this.#db.delete(projects).where(eq(projects.id, id)).run();
  }

  exists(id: string): boolean {
    return this.#db.select({ id: projects.id }).from(projects).where(eq(projects.id, id)).get() !== undefined;
  }
}
