/**
 * Projects are the directories under the agent's projects root. Their ids live
 * in the agent's database so they stay stable across scans; a directory that
 * disappears loses its record.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { canTransition, type Project, ProjectStatus } from "@att/shared";
import { eq, notInArray } from "drizzle-orm";
import { execa } from "execa";
import type { AgentDb } from "../state/db.ts";
import { projects } from "../state/schema.ts";
import { OperationError } from "./errors.ts";
import { redactUrl } from "./git/failure.ts";

const NAT_CONFIG = path.join("configs", "config.yml");

/** Stops a project's running app; the runtime (a later issue) supplies it. */
export type StopApp = (projectId: string) => Promise<void>;

export class ProjectCatalog {
  readonly #db: AgentDb;
  readonly #root: string;
  /** Names being created right now, so two creations of one name cannot race. */
  readonly #reserved = new Set<string>();
  /**
   * The seam for the app runtime: delete calls it before removing a project.
   * Until the runtime exists nothing runs, so the default does nothing.
   */
  readonly stopApp: StopApp;
  constructor(options: { db: AgentDb; root: string; stopApp?: StopApp }) {
    this.#db = options.db;
    this.#root = options.root;
    this.stopApp = options.stopApp ?? (async () => {});
  }

  get root(): string {
    return this.#root;
  }

  /** Whether a project of this name exists: its directory or its record. */
  async isTaken(name: string): Promise<boolean> {
    await this.list(); // drops records whose directory is gone
    if (existsSync(path.join(this.#root, name))) return true;
    return this.#db.select().from(projects).where(eq(projects.name, name)).get() !== undefined;
  }

  /** Holds `name` until the returned release is called; null when it is already held. */
  reserve(name: string): (() => void) | null {
    if (this.#reserved.has(name)) return null;
    this.#reserved.add(name);
    return () => {
      this.#reserved.delete(name);
    };
  }

  /** Records a project whose directory was just moved into place. */
  async register(name: string, status: ProjectStatus): Promise<Project> {
    const now = new Date().toISOString();
    this.#db
      .insert(projects)
      .values({ id: crypto.randomUUID(), name, status, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: projects.name, set: { status, updatedAt: now } })
      .run();
    const row = this.#db.select().from(projects).where(eq(projects.name, name)).get();
    if (row === undefined) throw new OperationError("internal", `project '${name}' was not recorded`);
    return this.#describe(row);
  }

  /** Changes a project's status when PROJECT_TRANSITIONS allows it; otherwise a conflict. */
  async setStatus(projectId: string, to: ProjectStatus): Promise<Project> {
    const project = await this.get(projectId);
    if (!canTransition(project.status, to)) {
      throw new OperationError("conflict", `project '${project.name}' cannot go from '${project.status}' to '${to}'`, {
        from: project.status,
        to,
      });
    }
    const now = new Date().toISOString();
    this.#db.update(projects).set({ status: to, updatedAt: now }).where(eq(projects.id, projectId)).run();
    return { ...project, status: to, updatedAt: now };
  }

  /** Forgets a project's record (its directory is the caller's business). */
  remove(projectId: string): void {
    this.#db.delete(projects).where(eq(projects.id, projectId)).run();
  }

  async list(): Promise<Project[]> {
    const names = await this.#directoryNames();
    const now = new Date().toISOString();
    this.#db.transaction((tx) => {
      if (names.length === 0) tx.delete(projects).run();
      else tx.delete(projects).where(notInArray(projects.name, names)).run();
      for (const name of names) {
        tx.insert(projects)
          .values({ id: crypto.randomUUID(), name, status: "created", createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .run();
      }
    });
    const rows = this.#db.select().from(projects).orderBy(projects.name).all();
    return Promise.all(rows.map((row) => this.#describe(row)));
  }

  async get(projectId: string): Promise<Project> {
    await this.list();
    const row = this.#db.select().from(projects).where(eq(projects.id, projectId)).get();
    if (row === undefined) throw new OperationError("not_found", `no project with id '${projectId}'`);
    return this.#describe(row);
  }

  async #directoryNames(): Promise<string[]> {
    const entries = await readdir(this.#root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name);
  }

  async #describe(row: typeof projects.$inferSelect): Promise<Project> {
    const dir = path.join(this.#root, row.name);
    const gitRemote = await originUrl(dir);
    const status = ProjectStatus.parse(row.status === "created" && gitRemote !== null ? "cloned" : row.status);
    return {
      id: row.id,
      name: row.name,
      path: dir,
      gitRemote,
      natConfigPath: existsSync(path.join(dir, NAT_CONFIG)) ? NAT_CONFIG : null,
      status,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

async function originUrl(dir: string): Promise<string | null> {
  if (!existsSync(path.join(dir, ".git"))) return null;
  const result = await execa("git", ["config", "--get", "remote.origin.url"], {
    cwd: dir,
    reject: false,
    timeout: 5000,
  });
  // A hand-made clone may keep a token in its URL; it must not travel to the control plane.
  return result.exitCode === 0 && result.stdout.trim() !== "" ? redactUrl(result.stdout.trim()) : null;
}
