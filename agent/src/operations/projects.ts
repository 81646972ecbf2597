/**
 * Projects are the directories under the agent's projects root. Their ids live
 * in the agent's database so they stay stable across scans; a directory that
 * disappears loses its record.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { type Project, ProjectStatus } from "@att/shared";
import { eq, notInArray } from "drizzle-orm";
import { execa } from "execa";
import type { AgentDb } from "../state/db.ts";
import { projects } from "../state/schema.ts";
import { OperationError } from "./errors.ts";

const NAT_CONFIG = path.join("configs", "config.yml");

export class ProjectCatalog {
  readonly #db: AgentDb;
  readonly #root: string;
  constructor(options: { db: AgentDb; root: string }) {
    this.#db = options.db;
    this.#root = options.root;
  }

  get root(): string {
    return this.#root;
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
  return result.exitCode === 0 && result.stdout.trim() !== "" ? result.stdout.trim() : null;
}
