/**
 * Releases and deployments in the agent's database: the full record as JSON
 * (parsed back through the contract's schemas), plus the columns lookups use.
 */
import { Deployment, Release } from "@att/shared";
import { and, desc, eq, sql } from "drizzle-orm";
import type { AgentDb } from "../../state/db.ts";
import { deployments, releases } from "../../state/schema.ts";
import { OperationError } from "../errors.ts";

export interface StoredRelease {
  release: Release;
  /** Absolute path of the zip on disk. */
  artifactPath: string;
}

function toStored(row: typeof releases.$inferSelect): StoredRelease {
  return { release: Release.parse(JSON.parse(row.record)), artifactPath: row.artifactPath };
}

/** The version the project's next release gets: one above its newest, from 1. */
export function nextVersion(db: AgentDb, projectId: string): number {
  const row = db
    .select({ top: sql<number | null>`max(${releases.version})` })
    .from(releases)
    .where(eq(releases.projectId, projectId))
    .get();
  return (row?.top ?? 0) + 1;
}

export function insertRelease(db: AgentDb, stored: StoredRelease): void {
  const { release, artifactPath } = stored;
  db.insert(releases)
    .values({
      id: release.id,
      projectId: release.projectId,
      version: release.version,
      record: JSON.stringify(release),
      artifactPath,
      createdAt: release.createdAt,
    })
    .run();
}

/** The project's releases, newest first. */
export function listReleases(db: AgentDb, projectId: string): StoredRelease[] {
  return db
    .select()
    .from(releases)
    .where(eq(releases.projectId, projectId))
    .orderBy(desc(releases.version))
    .all()
    .map(toStored);
}

/** One release of the project, or null when it has no such release. */
export function findRelease(db: AgentDb, projectId: string, releaseId: string): StoredRelease | null {
  const row = db
    .select()
    .from(releases)
    .where(and(eq(releases.projectId, projectId), eq(releases.id, releaseId)))
    .get();
  return row === undefined ? null : toStored(row);
}

/** One release of the project; not_found when it has no such release. */
export function getRelease(db: AgentDb, projectId: string, releaseId: string): StoredRelease {
  const stored = findRelease(db, projectId, releaseId);
  if (stored === null) throw new OperationError("not_found", `no release '${releaseId}' in this project`);
  return stored;
}

/** The project's newest release; not_found when it has none. */
export function newestRelease(db: AgentDb, projectId: string): StoredRelease {
  const newest = listReleases(db, projectId)[0];
  if (newest === undefined) {
    throw new OperationError("not_found", "the project has no releases yet; build one with deploy.build");
  }
  return newest;
}

/** Inserts the deployment or replaces its record. */
export function saveDeployment(db: AgentDb, deployment: Deployment): void {
  const record = JSON.stringify(deployment);
  db.insert(deployments)
    .values({
      id: deployment.id,
      projectId: deployment.projectId,
      releaseId: deployment.releaseId,
      record,
      createdAt: deployment.startedAt,
    })
    .onConflictDoUpdate({ target: deployments.id, set: { record } })
    .run();
}

/** The project's deployments and rollbacks, newest first. */
export function listDeployments(db: AgentDb, projectId: string): Deployment[] {
  return db
    .select()
    .from(deployments)
    .where(eq(deployments.projectId, projectId))
    .orderBy(desc(deployments.createdAt), desc(sql`rowid`))
    .all()
    .map((row) => Deployment.parse(JSON.parse(row.record)));
}
