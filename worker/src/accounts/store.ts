/**
 * Users, workspaces, memberships and credentials in the directory's SQLite.
 * Plain reads and writes; the rules (who may, last owner, caps) live in
 * directory.ts.
 */
import type { AgentPairing, Member, Membership, Role, TokenInfo, User, WorkspaceInfo } from "@att/shared";
import { and, eq, isNull } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { credentials, members, users, workspaces } from "./schema.ts";

export type DirectoryDb = DrizzleSqliteDODatabase<Record<string, never>>;
export type CredentialRow = typeof credentials.$inferSelect;
export type CredentialKind = "api" | "session" | "agent";

export function tokenInfo(row: CredentialRow): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    userId: row.userId ?? "",
    workspaceId: row.workspaceId,
    role: (row.roleCap as Role | null) ?? null,
    prefix: row.prefix,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt ?? row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export function pairingInfo(row: CredentialRow): AgentPairing {
  return {
    id: row.id,
    name: row.name,
    workspaceId: row.workspaceId,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export class AccountStore {
  readonly #db: DirectoryDb;

  constructor(db: DirectoryDb) {
    this.#db = db;
  }

  user(id: string): User | undefined {
    return this.#db.select().from(users).where(eq(users.id, id)).get();
  }

  workspace(id: string): WorkspaceInfo | undefined {
    return this.#db.select().from(workspaces).where(eq(workspaces.id, id)).get();
  }

  insertUser(user: User): void {
    this.#db.insert(users).values(user).onConflictDoNothing().run();
  }

  insertWorkspace(workspace: WorkspaceInfo): void {
    this.#db.insert(workspaces).values(workspace).onConflictDoNothing().run();
  }

  role(workspaceId: string, userId: string): Role | undefined {
    const row = this.#db
      .select({ role: members.role })
      .from(members)
      .where(and(eq(members.workspaceId, workspaceId), eq(members.userId, userId)))
      .get();
    return row?.role as Role | undefined;
  }

  putMember(workspaceId: string, userId: string, role: Role, now: string): void {
    this.#db
      .insert(members)
      .values({ workspaceId, userId, role, addedAt: now })
      .onConflictDoUpdate({ target: [members.workspaceId, members.userId], set: { role } })
      .run();
  }

  removeMember(workspaceId: string, userId: string): void {
    this.#db
      .delete(members)
      .where(and(eq(members.workspaceId, workspaceId), eq(members.userId, userId)))
      .run();
  }

  members(workspaceId: string): Member[] {
    return this.#db
      .select({ user: users, role: members.role, addedAt: members.addedAt })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(eq(members.workspaceId, workspaceId))
      .orderBy(members.addedAt)
      .all()
      .map((row) => ({ ...row, role: row.role as Role }));
  }

  owners(workspaceId: string): number {
    return this.#db
      .select({ userId: members.userId })
      .from(members)
      .where(and(eq(members.workspaceId, workspaceId), eq(members.role, "owner")))
      .all().length;
  }

  memberships(userId: string): Membership[] {
    return this.#db
      .select({ workspace: workspaces, role: members.role })
      .from(members)
      .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
      .where(eq(members.userId, userId))
      .orderBy(workspaces.createdAt)
      .all()
      .map((row) => ({ ...row.workspace, role: row.role as Role }));
  }

  insertCredential(row: CredentialRow): void {
    this.#db.insert(credentials).values(row).run();
  }

  credentialByHash(hash: string): CredentialRow | undefined {
    return this.#db.select().from(credentials).where(eq(credentials.hash, hash)).get();
  }

  credential(id: string, kind: CredentialKind): CredentialRow | undefined {
    return this.#db
      .select()
      .from(credentials)
      .where(and(eq(credentials.id, id), eq(credentials.kind, kind)))
      .get();
  }

  credentialsOfUser(userId: string, kind: CredentialKind): CredentialRow[] {
    return this.#db
      .select()
      .from(credentials)
      .where(and(eq(credentials.userId, userId), eq(credentials.kind, kind)))
      .orderBy(credentials.createdAt)
      .all();
  }

  credentialsOfWorkspace(workspaceId: string, kind: CredentialKind): CredentialRow[] {
    return this.#db
      .select()
      .from(credentials)
      .where(and(eq(credentials.workspaceId, workspaceId), eq(credentials.kind, kind)))
      .orderBy(credentials.createdAt)
      .all();
  }

  touch(id: string, now: string): void {
    this.#db.update(credentials).set({ lastUsedAt: now }).where(eq(credentials.id, id)).run();
  }

  revoke(id: string, now: string): void {
    this.#db
      .update(credentials)
      .set({ revokedAt: now })
      .where(and(eq(credentials.id, id), isNull(credentials.revokedAt)))
      .run();
  }

  /** A member who leaves a workspace loses every credential that acted in it. */
  revokeUserIn(workspaceId: string, userId: string, now: string): void {
    this.#db
      .update(credentials)
      .set({ revokedAt: now })
      .where(
        and(eq(credentials.workspaceId, workspaceId), eq(credentials.userId, userId), isNull(credentials.revokedAt)),
      )
      .run();
  }
}
