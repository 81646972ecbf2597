/**
 * Who may do what: workspace roles, the role each agent operation needs, and
 * the account shapes of the REST API (users, workspaces, members, tokens,
 * agent pairings). REST routes and MCP tools both read `METHOD_ROLES`, so an
 * operation needs the same role however it is reached.
 */
import { z } from "zod";
import type { AgentMethod } from "./methods.ts";
import { Id, Timestamp } from "./models.ts";
import type { WorkflowCreate } from "./workflows.ts";

export const Role = z.enum(["viewer", "editor", "owner"]).meta({
  id: "Role",
  description: "viewer reads; editor also changes code, runs and deploys; owner also manages members and tokens.",
});
export type Role = z.infer<typeof Role>;

const RANK: Readonly<Record<Role, number>> = { viewer: 1, editor: 2, owner: 3 };

/** Whether a member holding `held` may do what needs `needed`. */
export const roleAllows = (held: Role, needed: Role): boolean => RANK[held] >= RANK[needed];

/** The lesser of two roles: a token's cap applied to its holder's membership. */
export const lesserRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/**
 * The role each agent operation needs. Complete by type: a new operation does
 * not compile until it says who may call it.
 */
export const METHOD_ROLES: Readonly<Record<AgentMethod, Role>> = {
  "agent.ping": "viewer",
  "diagnostics.emitEvents": "editor",
  "projects.list": "viewer",
  "projects.get": "viewer",
  "projects.templates": "viewer",
  "projects.create": "editor",
  "projects.clone": "editor",
  "projects.import": "editor",
  "projects.export": "viewer",
  "projects.delete": "owner",
  "code.tree": "viewer",
  "code.read": "viewer",
  "code.write": "editor",
  "code.search": "viewer",
  "code.diff": "viewer",
  "git.status": "viewer",
  "git.add": "editor",
  "git.commit": "editor",
  "git.push": "editor",
  "git.branch.list": "viewer",
  "git.branch.create": "editor",
  "git.branch.switch": "editor",
  "git.log": "viewer",
  "git.pr.create": "editor",
  "git.pr.list": "viewer",
  "git.pr.merge": "editor",
  "git.pr.reviews": "viewer",
  "git.pr.review": "editor",
  "git.actions": "viewer",
  "git.actions.log": "viewer",
  "runtime.start": "editor",
  "runtime.stop": "editor",
  "runtime.restart": "editor",
  "runtime.status": "viewer",
  "runtime.logs": "viewer",
  "runtime.send": "editor",
  "runtime.respond": "editor",
  "debug.errors": "viewer",
  "debug.traces": "viewer",
  "tests.run": "editor",
  "tests.results": "viewer",
  "nat.run": "editor",
  "nat.eval": "editor",
  "nat.runs": "viewer",
  "deploy.build": "editor",
  "deploy.run": "editor",
  "deploy.rollback": "editor",
  "deploy.status": "viewer",
  "terminal.run": "editor",
  // Changing ATT itself (its code, its restart) is the owner's call.
  "self.plan": "owner",
  "self.pullRequest": "owner",
  "self.restore": "owner",
  "self.restart": "owner",
  "self.restartStatus": "viewer",
  // The hub's stdio servers run on the agent's machine: registering one already needs editor.
  "mcp.stdio.check": "editor",
  "mcp.stdio.call": "editor",
  "mcp.stdio.resources": "viewer",
  "mcp.stdio.read": "viewer",
  "mcp.stdio.close": "editor",
};

/**
 * The role a workflow needs: its steps run later with no caller present, so
 * whoever starts it must already hold the role each step's operation needs.
 * Hub tool calls need editor, as their REST route does.
 */
export function workflowRole(definition: Pick<WorkflowCreate, "steps">): Role {
  let needed: Role = "editor";
  for (const step of definition.steps) {
    if (step.action.type !== "call") continue;
    const role = METHOD_ROLES[step.action.method];
    if (!roleAllows(needed, role)) needed = role;
  }
  return needed;
}

/**
 * MCP tool `_meta` keys: the role a workspace tool needs, and for agent tools
 * the role of each way of calling them (`""` for one operation, an action's
 * name, or `with:<field>` / `without:<field>`).
 */
export const TOOL_ROLE_META = "dev.att/role";
export const TOOL_ROLES_META = "dev.att/roles";

/** How a request proved who it is. */
export const CredentialKind = z.enum(["admin", "token", "oauth", "session"]);
export type CredentialKind = z.infer<typeof CredentialKind>;

export const User = z.object({ id: Id, name: z.string().min(1).max(100), createdAt: Timestamp }).meta({ id: "User" });
export type User = z.infer<typeof User>;

export const WorkspaceInfo = z
  .object({ id: Id, name: z.string().min(1).max(100), createdAt: Timestamp })
  .meta({ id: "Workspace" });
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const Membership = WorkspaceInfo.extend({ role: Role }).meta({ id: "Membership" });
export type Membership = z.infer<typeof Membership>;

export const Member = z.object({ user: User, role: Role, addedAt: Timestamp }).meta({ id: "Member" });
export type Member = z.infer<typeof Member>;

export const Me = z
  .object({
    user: User,
    workspace: WorkspaceInfo,
    role: Role.meta({ description: "What this credential may do here: the membership's role, capped by the token's." }),
    credential: CredentialKind,
    operator: z.boolean().meta({ description: "Holds the deployment's admin token: may create users." }),
  })
  .meta({ id: "Me" });
export type Me = z.infer<typeof Me>;

const Name = z.string().trim().min(1).max(100);

/** Personal API token lifetimes: a token that never expires is not offered. */
export const MAX_TOKEN_DAYS = 366;

export const TokenCreate = z
  .object({
    name: Name,
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).default(90),
    role: Role.optional().meta({
      description: "Cap the token below your own role (e.g. a viewer token for a dashboard).",
    }),
    workspaceId: Id.optional().meta({ description: "The workspace the token acts in; the current one by default." }),
  })
  .meta({ id: "TokenCreate" });
export type TokenCreate = z.infer<typeof TokenCreate>;

export const TokenInfo = z
  .object({
    id: Id,
    name: z.string(),
    userId: Id,
    workspaceId: Id,
    role: Role.nullable().meta({ description: "The cap set at creation; null means the holder's own role." }),
    prefix: z
      .string()
      .meta({ description: "The token's first characters, to recognise it; the rest is never shown again." }),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: "TokenInfo" });
export type TokenInfo = z.infer<typeof TokenInfo>;

export const TokenCreated = z
  .object({ token: TokenInfo, secret: z.string().meta({ description: "The bearer token. Shown once: store it now." }) })
  .meta({ id: "TokenCreated" });
export type TokenCreated = z.infer<typeof TokenCreated>;

export const AgentPairingCreate = z.object({ name: Name }).meta({ id: "AgentPairingCreate" });
export type AgentPairingCreate = z.infer<typeof AgentPairingCreate>;

export const AgentPairing = z
  .object({
    id: Id,
    name: z.string(),
    workspaceId: Id,
    prefix: z.string(),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: "AgentPairing" });
export type AgentPairing = z.infer<typeof AgentPairing>;

export const AgentPairingCreated = z
  .object({
    pairing: AgentPairing,
    secret: z.string().meta({ description: "The agent's token (ATT_AGENT_TOKEN on its machine). Shown once." }),
  })
  .meta({ id: "AgentPairingCreated" });

export const UserCreate = z
  .object({
    name: Name,
    workspaceName: Name.optional().meta({ description: "Their first workspace; named after them by default." }),
  })
  .meta({ id: "UserCreate" });
export type UserCreate = z.infer<typeof UserCreate>;

export const UserCreated = z
  .object({ user: User, workspace: WorkspaceInfo, token: TokenCreated })
  .meta({ id: "UserCreated" });
export type UserCreated = z.infer<typeof UserCreated>;

export const WorkspaceCreate = z.object({ name: Name }).meta({ id: "WorkspaceCreate" });

export const MemberPut = z.object({ role: Role }).meta({ id: "MemberPut" });

export const SessionCreate = z
  .object({
    token: z
      .string()
      .min(1)
      .max(512)
      .meta({ description: "A personal API token (or the admin token) to sign in with." }),
  })
  .meta({ id: "SessionCreate" });

export const SessionCreated = z
  .object({
    me: Me,
    csrfToken: z
      .string()
      .meta({ description: "Send as `X-CSRF-Token` on every state-changing request made with the session cookie." }),
    expiresAt: Timestamp,
  })
  .meta({ id: "SessionCreated" });
export type SessionCreated = z.infer<typeof SessionCreated>;
