/**
 * The directory Durable Object: one instance for the deployment, holding who
 * exists (users, workspaces, memberships) and every credential's hash. The
 * Worker asks it on each request who a bearer secret belongs to; workspace
 * data itself stays in each workspace's own object.
 *
 * Roles are read live at every request: demoting or removing a member takes
 * effect on their next request, whatever tokens they hold.
 */

import { DurableObject } from "cloudflare:workers";
import {
  type AgentPairing,
  lesserRole,
  MAX_TOKEN_DAYS,
  type Member,
  type Membership,
  type Role,
  roleAllows,
  type TokenCreate,
  type TokenInfo,
  type User,
  type UserCreate,
  type UserCreated,
  type WorkspaceInfo,
} from "@att/shared";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../../drizzle-directory/migrations.js";
import type { Env } from "../env.ts";
import { failure, type Outcome, success } from "../workspace/outcome.ts";
import { type Admission, agentConnectLimit, RateLimiter, requestLimit } from "./rate-limit.ts";
import { newId, newSecret, secretHash, shownPrefix } from "./secrets.ts";
import { AccountStore, type CredentialRow, pairingInfo, tokenInfo } from "./store.ts";

/** Local mode's one user and workspace: the admin token acts as this owner. */
export const ADMIN_USER_ID = "admin";
export const DEFAULT_WORKSPACE_ID = "default";
export const DIRECTORY_NAME = "directory";

export const SESSION_HOURS = 12;
const DAY_MS = 86_400_000;
/** Last-used times are written at most this often per credential. */
const TOUCH_EVERY_MS = 60_000;

export interface UserAccess {
  userId: string;
  workspaceId: string;
  role: Role;
  credentialId: string;
  kind: "api" | "session";
  /** Sessions only: the CSRF token's hash, which state-changing requests must match. */
  csrfHash: string | null;
}

export type Authentication = { access: UserAccess; admission: Admission } | null;
export type AgentAuthentication = { pairingId: string; workspaceId: string; admission: Admission } | null;

export interface SessionIssued {
  secret: string;
  csrfToken: string;
  expiresAt: string;
}

const forbidden = (message: string) => failure({ code: "forbidden", message });
const notFound = (message: string) => failure({ code: "not_found", message });

export class Directory extends DurableObject<Env> {
  readonly #store: AccountStore;
  readonly #limiter = new RateLimiter();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = drizzle(ctx.storage, { logger: false });
    this.#store = new AccountStore(db);
    ctx.blockConcurrencyWhile(async () => {
      await migrate(db, migrations);
      const now = new Date().toISOString();
      this.#store.insertUser({ id: ADMIN_USER_ID, name: "admin", createdAt: now });
      this.#store.insertWorkspace({ id: DEFAULT_WORKSPACE_ID, name: "default", createdAt: now });
      if (this.#store.role(DEFAULT_WORKSPACE_ID, ADMIN_USER_ID) === undefined) {
        this.#store.putMember(DEFAULT_WORKSPACE_ID, ADMIN_USER_ID, "owner", now);
      }
    });
  }

  // --- authentication -------------------------------------------------------

  /** Who a personal token or session belongs to, and whether its rate budget admits this request. */
  authenticate(hash: string, kind: "api" | "session"): Authentication {
    const row = this.#live(hash, kind);
    if (row === undefined || row.userId === null) return null;
    const membership = this.#store.role(row.workspaceId, row.userId);
    if (membership === undefined) return null;
    const role = row.roleCap === null ? membership : lesserRole(membership, row.roleCap as Role);
    return {
      access: {
        userId: row.userId,
        workspaceId: row.workspaceId,
        role,
        credentialId: row.id,
        kind,
        csrfHash: row.csrfHash,
      },
      admission: this.#limiter.admit(`user:${row.userId}:${row.id}`, requestLimit(this.env)),
    };
  }

  authenticateAgent(hash: string): AgentAuthentication {
    const row = this.#live(hash, "agent");
    if (row === undefined) return null;
    return {
      pairingId: row.id,
      workspaceId: row.workspaceId,
      admission: this.#limiter.admit(`agent:${row.id}`, agentConnectLimit),
    };
  }

  /** Rate budget for a credential the directory does not store (OAuth access tokens). */
  admit(key: string): Admission {
    return this.#limiter.admit(key, requestLimit(this.env));
  }

  /** The role a user holds in a workspace now, if any (OAuth grants are checked against it per request). */
  roleOf(userId: string, workspaceId: string): Role | null {
    return this.#store.role(workspaceId, userId) ?? null;
  }

  #live(hash: string, kind: CredentialRow["kind"]): CredentialRow | undefined {
    const row = this.#store.credentialByHash(hash);
    if (row === undefined || row.kind !== kind || row.revokedAt !== null) return undefined;
    const now = Date.now();
    if (row.expiresAt !== null && Date.parse(row.expiresAt) <= now) return undefined;
    if (row.lastUsedAt === null || now - Date.parse(row.lastUsedAt) > TOUCH_EVERY_MS) {
      this.#store.touch(row.id, new Date(now).toISOString());
    }
    return row;
  }

  // --- users and workspaces -------------------------------------------------

  async createUser(input: UserCreate): Promise<UserCreated> {
    const now = new Date().toISOString();
    const user: User = { id: newId("u"), name: input.name, createdAt: now };
    const workspace: WorkspaceInfo = {
      id: newId("w"),
      name: input.workspaceName ?? `${input.name}'s workspace`,
      createdAt: now,
    };
    this.#store.insertUser(user);
    this.#store.insertWorkspace(workspace);
    this.#store.putMember(workspace.id, user.id, "owner", now);
    const token = await this.#issueToken(user.id, workspace.id, { name: "first token", expiresInDays: 90 }, null);
    return { user, workspace, token };
  }

  user(id: string): User | null {
    return this.#store.user(id) ?? null;
  }

  workspace(id: string): WorkspaceInfo | null {
    return this.#store.workspace(id) ?? null;
  }

  memberships(userId: string): Membership[] {
    return this.#store.memberships(userId);
  }

  createWorkspace(userId: string, name: string): Membership {
    const now = new Date().toISOString();
    const workspace: WorkspaceInfo = { id: newId("w"), name, createdAt: now };
    this.#store.insertWorkspace(workspace);
    this.#store.putMember(workspace.id, userId, "owner", now);
    return { ...workspace, role: "owner" };
  }

  members(workspaceId: string): Member[] {
    return this.#store.members(workspaceId);
  }

  putMember(workspaceId: string, userId: string, role: Role): Outcome<Member> {
    const user = this.#store.user(userId);
    if (user === undefined) return notFound(`no user '${userId}'`);
    const current = this.#store.role(workspaceId, userId);
    if (current === "owner" && role !== "owner" && this.#store.owners(workspaceId) <= 1) {
      return failure({
        code: "conflict",
        message: "a workspace keeps at least one owner: make someone else owner first",
      });
    }
    const now = new Date().toISOString();
    this.#store.putMember(workspaceId, userId, role, now);
    const member = this.#store.members(workspaceId).find((entry) => entry.user.id === userId);
    return member === undefined ? notFound(`no member '${userId}'`) : success(member);
  }

  removeMember(workspaceId: string, userId: string): Outcome<null> {
    const current = this.#store.role(workspaceId, userId);
    if (current === undefined) return notFound(`'${userId}' is not a member of this workspace`);
    if (current === "owner" && this.#store.owners(workspaceId) <= 1) {
      return failure({
        code: "conflict",
        message: "a workspace keeps at least one owner: make someone else owner first",
      });
    }
    const now = new Date().toISOString();
    this.#store.removeMember(workspaceId, userId);
    this.#store.revokeUserIn(workspaceId, userId, now);
    return success(null);
  }

  // --- personal API tokens --------------------------------------------------

  /** A token for `userId`, acting in `input.workspaceId` (default: `currentWorkspace`) at most at their role there. */
  async createToken(
    userId: string,
    input: TokenCreate,
    currentWorkspace: string,
    callerRole: Role,
  ): Promise<Outcome<{ token: TokenInfo; secret: string }>> {
    const workspaceId = input.workspaceId ?? currentWorkspace;
    const membership = this.#store.role(workspaceId, userId);
    if (membership === undefined) return forbidden(`you are not a member of workspace '${workspaceId}'`);
    // A token made with a capped credential cannot exceed that cap in the same workspace.
    const ceiling = workspaceId === currentWorkspace ? lesserRole(membership, callerRole) : membership;
    const cap = input.role ?? ceiling;
    if (!roleAllows(ceiling, cap)) return forbidden(`you cannot create a ${cap} token: your role here is ${ceiling}`);
    return success(await this.#issueToken(userId, workspaceId, input, input.role === undefined ? null : cap));
  }

  tokens(userId: string): TokenInfo[] {
    return this.#store.credentialsOfUser(userId, "api").map(tokenInfo);
  }

  /** Revokes one of the caller's tokens, or, for a workspace owner, any token acting in that workspace. */
  revokeToken(id: string, caller: { userId: string; workspaceId: string; role: Role }): Outcome<TokenInfo> {
    const row = this.#store.credential(id, "api");
    const mayRevoke =
      row !== undefined &&
      (row.userId === caller.userId || (row.workspaceId === caller.workspaceId && caller.role === "owner"));
    if (row === undefined || !mayRevoke) return notFound(`no token '${id}' that you may revoke`);
    this.#store.revoke(id, new Date().toISOString());
    return success(tokenInfo(this.#store.credential(id, "api") ?? row));
  }

  async #issueToken(
    userId: string,
    workspaceId: string,
    input: { name: string; expiresInDays: number },
    roleCap: Role | null,
  ): Promise<{ token: TokenInfo; secret: string }> {
    const secret = newSecret("api");
    const now = Date.now();
    const days = Math.min(input.expiresInDays, MAX_TOKEN_DAYS);
    const row = this.#credentialRow("api", secret, await secretHash(secret), {
      name: input.name,
      userId,
      workspaceId,
      roleCap,
      expiresAt: new Date(now + days * DAY_MS).toISOString(),
    });
    this.#store.insertCredential(row);
    return { token: tokenInfo(row), secret };
  }

  // --- browser sessions -----------------------------------------------------

  async createSession(access: { userId: string; workspaceId: string; role: Role }): Promise<SessionIssued> {
    const secret = newSecret("session");
    const csrfToken = newSecret("csrf");
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000).toISOString();
    const row = this.#credentialRow("session", secret, await secretHash(secret), {
      name: "browser session",
      userId: access.userId,
      workspaceId: access.workspaceId,
      roleCap: access.role,
      expiresAt,
      csrfHash: await secretHash(csrfToken),
    });
    this.#store.insertCredential(row);
    return { secret, csrfToken, expiresAt };
  }

  endSession(credentialId: string): void {
    this.#store.revoke(credentialId, new Date().toISOString());
  }

  // --- agent pairings -------------------------------------------------------

  async createPairing(workspaceId: string, name: string): Promise<{ pairing: AgentPairing; secret: string }> {
    const secret = newSecret("agent");
    const row = this.#credentialRow("agent", secret, await secretHash(secret), {
      name,
      userId: null,
      workspaceId,
      roleCap: null,
      expiresAt: null,
    });
    this.#store.insertCredential(row);
    return { pairing: pairingInfo(row), secret };
  }

  pairings(workspaceId: string): AgentPairing[] {
    return this.#store.credentialsOfWorkspace(workspaceId, "agent").map(pairingInfo);
  }

  revokePairing(workspaceId: string, id: string): Outcome<AgentPairing> {
    const row = this.#store.credential(id, "agent");
    if (row === undefined || row.workspaceId !== workspaceId) return notFound(`no agent pairing '${id}' here`);
    this.#store.revoke(id, new Date().toISOString());
    return success(pairingInfo(this.#store.credential(id, "agent") ?? row));
  }

  #credentialRow(
    kind: CredentialRow["kind"],
    secret: string,
    hash: string,
    fields: Pick<CredentialRow, "name" | "userId" | "workspaceId" | "roleCap" | "expiresAt"> & {
      csrfHash?: string;
    },
  ): CredentialRow {
    return {
      id: newId(kind === "agent" ? "ag" : kind === "session" ? "s" : "t"),
      kind,
      hash,
      prefix: shownPrefix(secret),
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
      csrfHash: null,
      ...fields,
    };
  }
}
