/**
 * Accounts: who am I, my workspaces, their members, my personal API tokens,
 * the workspace's agent pairings, new users (the deployment's operator only)
 * and browser sessions. Answered by the directory Durable Object; a revoked
 * agent pairing is also disconnected from its workspace at once.
 */
import {
  AgentPairing,
  AgentPairingCreate,
  AgentPairingCreated,
  CloseCode,
  Id,
  Me,
  Member,
  MemberPut,
  Membership,
  SessionCreate,
  SessionCreated,
  TokenCreate,
  TokenCreated,
  TokenInfo,
  UserCreate,
  UserCreated,
  WorkspaceCreate,
} from "@att/shared";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { SESSION_HOURS } from "../accounts/directory.ts";
import { directory, type Principal } from "../accounts/principal.ts";
import type { AppBindings } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { SESSION_COOKIE, tokenPrincipal } from "../http/authenticate.ts";
import { needs, ROLE_EXTENSION } from "../http/roles.ts";
import { bearerSecurity, errorResponses, problem, unwrap, workspaceOf } from "./common.ts";

const TAG = "accounts";
type AppContext = Context<AppBindings>;

const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const body = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { "application/json": { schema } },
});
const forbidden = { 403: problem("Your role, or the credential you used, does not allow this.") };
const notFound = { 404: problem("No such user, token or pairing here.") };
const conflict = { 409: problem("A workspace keeps at least one owner.") };

const MembershipList = z.object({ workspaces: z.array(Membership) }).meta({ id: "MembershipList" });
const MemberList = z.object({ members: z.array(Member) }).meta({ id: "MemberList" });
const TokenList = z.object({ tokens: z.array(TokenInfo) }).meta({ id: "TokenList" });
const PairingList = z.object({ pairings: z.array(AgentPairing) }).meta({ id: "AgentPairingList" });
const UserIdParam = z.object({ userId: Id });
const TokenIdParam = z.object({ tokenId: Id });
const PairingIdParam = z.object({ pairingId: Id });

const me = createRoute({
  method: "get",
  path: "/api/v1/me",
  tags: [TAG],
  summary: "Who this credential acts as: user, workspace, role",
  security: bearerSecurity,
  ...needs("viewer"),
  responses: { 200: json(Me, "The caller"), ...errorResponses },
});

const listWorkspaces = createRoute({
  method: "get",
  path: "/api/v1/workspaces",
  tags: [TAG],
  summary: "The workspaces you are a member of, with your role in each",
  security: bearerSecurity,
  ...needs("viewer"),
  responses: { 200: json(MembershipList, "Your workspaces"), ...errorResponses },
});

const createWorkspace = createRoute({
  method: "post",
  path: "/api/v1/workspaces",
  tags: [TAG],
  summary: "Create a workspace you own (create a token for it to act there)",
  security: bearerSecurity,
  ...needs("viewer"),
  request: { body: body(WorkspaceCreate) },
  responses: { 201: json(Membership, "The new workspace"), ...errorResponses, ...forbidden },
});

const listMembers = createRoute({
  method: "get",
  path: "/api/v1/workspace/members",
  tags: [TAG],
  summary: "Members of the current workspace",
  security: bearerSecurity,
  ...needs("viewer"),
  responses: { 200: json(MemberList, "Members and roles"), ...errorResponses },
});

const putMember = createRoute({
  method: "put",
  path: "/api/v1/workspace/members/{userId}",
  tags: [TAG],
  summary: "Add a user to the current workspace, or change their role",
  security: bearerSecurity,
  ...needs("owner"),
  request: { params: UserIdParam, body: body(MemberPut) },
  responses: { 200: json(Member, "The member"), ...errorResponses, ...forbidden, ...notFound, ...conflict },
});

const removeMember = createRoute({
  method: "delete",
  path: "/api/v1/workspace/members/{userId}",
  tags: [TAG],
  summary: "Remove a member; their tokens for this workspace are revoked",
  security: bearerSecurity,
  ...needs("owner"),
  request: { params: UserIdParam },
  responses: { 204: { description: "Removed" }, ...errorResponses, ...forbidden, ...notFound, ...conflict },
});

const listTokens = createRoute({
  method: "get",
  path: "/api/v1/tokens",
  tags: [TAG],
  summary: "Your personal API tokens (never their secrets)",
  security: bearerSecurity,
  ...needs("viewer"),
  responses: { 200: json(TokenList, "Your tokens"), ...errorResponses },
});

const createToken = createRoute({
  method: "post",
  path: "/api/v1/tokens",
  tags: [TAG],
  summary: "Create a personal API token; its secret is shown once",
  security: bearerSecurity,
  ...needs("viewer"),
  request: { body: body(TokenCreate) },
  responses: { 201: json(TokenCreated, "The token and its secret"), ...errorResponses, ...forbidden },
});

const revokeToken = createRoute({
  method: "delete",
  path: "/api/v1/tokens/{tokenId}",
  tags: [TAG],
  summary: "Revoke one of your tokens (an owner may revoke any token acting in the workspace)",
  security: bearerSecurity,
  ...needs("viewer"),
  request: { params: TokenIdParam },
  responses: { 200: json(TokenInfo, "The revoked token"), ...errorResponses, ...notFound },
});

const listPairings = createRoute({
  method: "get",
  path: "/api/v1/agents",
  tags: [TAG],
  summary: "Agent pairings of the current workspace",
  security: bearerSecurity,
  ...needs("owner"),
  responses: { 200: json(PairingList, "Pairings"), ...errorResponses, ...forbidden },
});

const createPairing = createRoute({
  method: "post",
  path: "/api/v1/agents",
  tags: [TAG],
  summary: "Pair an agent with this workspace; its token is shown once",
  security: bearerSecurity,
  ...needs("owner"),
  request: { body: body(AgentPairingCreate) },
  responses: { 201: json(AgentPairingCreated, "The pairing and its token"), ...errorResponses, ...forbidden },
});

const revokePairing = createRoute({
  method: "delete",
  path: "/api/v1/agents/{pairingId}",
  tags: [TAG],
  summary: "Revoke an agent pairing and disconnect that agent now",
  security: bearerSecurity,
  ...needs("owner"),
  request: { params: PairingIdParam },
  responses: { 200: json(AgentPairing, "The revoked pairing"), ...errorResponses, ...forbidden, ...notFound },
});

const createUser = createRoute({
  method: "post",
  path: "/api/v1/users",
  tags: [TAG],
  summary: "Create a user with their own workspace and first token (the deployment's admin token only)",
  security: bearerSecurity,
  ...needs("owner"),
  request: { body: body(UserCreate) },
  responses: { 201: json(UserCreated, "The user, workspace and token secret"), ...errorResponses, ...forbidden },
});

const createSession = createRoute({
  method: "post",
  path: "/api/v1/session",
  tags: [TAG],
  summary: "Sign a browser in: trade a token for an HttpOnly session cookie and a CSRF token",
  [ROLE_EXTENSION]: "public",
  request: { body: body(SessionCreate) },
  responses: { 201: json(SessionCreated, "Signed in; the cookie is set"), ...errorResponses },
});

const endSession = createRoute({
  method: "delete",
  path: "/api/v1/session",
  tags: [TAG],
  summary: "Sign out: end this browser session",
  security: bearerSecurity,
  ...needs("viewer"),
  responses: { 204: { description: "Signed out" }, ...errorResponses },
});

async function describe(c: AppContext, principal: Principal): Promise<Me> {
  const account = directory(c.env);
  const [user, workspace] = await Promise.all([
    account.user(principal.userId),
    account.workspace(principal.workspaceId),
  ]);
  if (user === null || workspace === null) throw new ApiError("unauthorized", "this account no longer exists");
  return { user, workspace, role: principal.role, credential: principal.credential, operator: principal.operator };
}

export function registerAccounts(app: OpenAPIHono<AppBindings>): void {
  app.openapi(me, async (c) => c.json(await describe(c, c.get("principal")), 200));
  app.openapi(listWorkspaces, async (c) =>
    c.json({ workspaces: await directory(c.env).memberships(c.get("principal").userId) }, 200),
  );
  app.openapi(createWorkspace, async (c) =>
    c.json(await directory(c.env).createWorkspace(c.get("principal").userId, c.req.valid("json").name), 201),
  );
  app.openapi(listMembers, async (c) =>
    c.json({ members: await directory(c.env).members(c.get("principal").workspaceId) }, 200),
  );
  app.openapi(putMember, async (c) => {
    const { workspaceId } = c.get("principal");
    const member = unwrap(
      await directory(c.env).putMember(workspaceId, c.req.valid("param").userId, c.req.valid("json").role),
    );
    return c.json(member, 200);
  });
  app.openapi(removeMember, async (c) => {
    unwrap(await directory(c.env).removeMember(c.get("principal").workspaceId, c.req.valid("param").userId));
    return c.body(null, 204);
  });
  app.openapi(listTokens, async (c) =>
    c.json({ tokens: await directory(c.env).tokens(c.get("principal").userId) }, 200),
  );
  app.openapi(createToken, async (c) => {
    const { userId, workspaceId, role } = c.get("principal");
    return c.json(unwrap(await directory(c.env).createToken(userId, c.req.valid("json"), workspaceId, role)), 201);
  });
  app.openapi(revokeToken, async (c) =>
    c.json(unwrap(await directory(c.env).revokeToken(c.req.valid("param").tokenId, c.get("principal"))), 200),
  );
  app.openapi(listPairings, async (c) =>
    c.json({ pairings: await directory(c.env).pairings(c.get("principal").workspaceId) }, 200),
  );
  app.openapi(createPairing, async (c) =>
    c.json(await directory(c.env).createPairing(c.get("principal").workspaceId, c.req.valid("json").name), 201),
  );
  app.openapi(revokePairing, async (c) => {
    const { workspaceId } = c.get("principal");
    const pairing = unwrap(await directory(c.env).revokePairing(workspaceId, c.req.valid("param").pairingId));
    await workspaceOf(c).disconnectAgent(pairing.id, CloseCode.forbidden, "this agent's pairing was revoked");
    return c.json(pairing, 200);
  });
  app.openapi(createUser, async (c) => {
    if (!c.get("principal").operator) {
      throw new ApiError("forbidden", "only the deployment's admin token (ATT_TOKEN) may create users");
    }
    return c.json(await directory(c.env).createUser(c.req.valid("json")), 201);
  });
  app.openapi(createSession, async (c) => {
    const principal = await tokenPrincipal(c, c.req.valid("json").token);
    if (principal === null) throw new ApiError("unauthorized", "that token is not valid: unknown, expired or revoked");
    const issued = await directory(c.env).createSession(principal);
    setCookie(c, SESSION_COOKIE, issued.secret, {
      path: "/",
      secure: true,
      httpOnly: true,
      sameSite: "Strict",
      maxAge: SESSION_HOURS * 3600,
    });
    const me = await describe(c, { ...principal, credential: "session" });
    return c.json({ me, csrfToken: issued.csrfToken, expiresAt: issued.expiresAt }, 201);
  });
  app.openapi(endSession, async (c) => {
    const { credential, credentialId } = c.get("principal");
    if (credential === "session" && credentialId !== null) await directory(c.env).endSession(credentialId);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.body(null, 204);
  });
}
