/**
 * Authentication for every request: which credential was presented, whose it
 * is, and whether its rate budget admits the request. Sets `principal` (users)
 * or `agent` (the agent link) for the routes; routes never parse credentials.
 *
 * Credentials, in the order they are tried:
 * - the deployment's admin token (ATT_TOKEN): owner of the default workspace;
 * - a personal API token (`attp_…`), held in the directory by hash;
 * - on /mcp, an OAuth access token issued by ATT's authorization server;
 * - a browser session cookie, with a CSRF token on state-changing requests.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { DEFAULT_WORKSPACE_ID } from "../accounts/directory.ts";
import { ADMIN_PRINCIPAL, type AgentPrincipal, directory, type Principal } from "../accounts/principal.ts";
import { SECRET_PREFIX, secretHash } from "../accounts/secrets.ts";
import type { AppBindings } from "../env.ts";
import { oauthPrincipal, unauthorizedAtMcp } from "../oauth/resource.ts";
import { ApiError } from "./api-error.ts";
import { admitted } from "./rate-limited.ts";
import { presentedToken, tokenMatches } from "./tokens.ts";

type AppContext = Context<AppBindings>;

export const SESSION_COOKIE = "__Host-att_session";
export const CSRF_HEADER = "x-csrf-token";

/** Paths anyone may read: liveness, the static shell of the API docs page. */
const PUBLIC_PATHS = new Set([
  "/api/v1/health",
  "/api/v1/docs",
  "/api/v1/docs/init.js",
  "/api/v1/docs/swagger-ui.css",
  "/api/v1/docs/swagger-ui-bundle.js",
]);
/** Public for one method only: signing in takes a token in its body (signing out needs the session). */
const PUBLIC_ROUTES = new Set(["POST /api/v1/session"]);
/** OAuth discovery and endpoints: each authenticates what it needs itself. */
const PUBLIC_PREFIXES = ["/.well-known/", "/oauth/"];
const AGENT_PATH = "/api/v1/agent/ws";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const isPublic = (c: AppContext): boolean =>
  PUBLIC_PATHS.has(c.req.path) ||
  PUBLIC_ROUTES.has(`${c.req.method} ${c.req.path}`) ||
  PUBLIC_PREFIXES.some((prefix) => c.req.path.startsWith(prefix));

const isMcp = (path: string): boolean => path === "/mcp" || path.startsWith("/mcp/");

export const authenticate = (): MiddlewareHandler<AppBindings> => async (c, next) => {
  if (isPublic(c)) return next();
  if (c.req.path === AGENT_PATH) {
    c.set("agent", await agentPrincipal(c));
    return next();
  }
  c.set("principal", await userPrincipal(c));
  await next();
};

function refuse(c: AppContext, message: string): never {
  if (isMcp(c.req.path)) throw unauthorizedAtMcp(c, message);
  throw new ApiError("unauthorized", message);
}

/** The user a request acts as; throws 401 (or 429, 403 for CSRF) when there is none. */
export async function userPrincipal(c: AppContext): Promise<Principal> {
  const bearer = presentedToken(c.req.raw.headers);
  if (bearer !== null) return bearerPrincipal(c, bearer);
  const session = getCookie(c, SESSION_COOKIE);
  if (session !== undefined) return sessionPrincipal(c, session);
  return refuse(c, "a bearer token is required: send `Authorization: Bearer <token>`, or sign in");
}

/** The admin token's or a personal API token's principal; null when the token is neither (or is dead). */
export async function tokenPrincipal(c: AppContext, token: string): Promise<Principal | null> {
  if (await tokenMatches(token, c.env.ATT_TOKEN)) return ADMIN_PRINCIPAL;
  if (!token.startsWith(SECRET_PREFIX.api)) return null;
  const found = await directory(c.env).authenticate(await secretHash(token), "api");
  if (found === null) return null;
  admitted(found.admission);
  const { userId, workspaceId, role, credentialId } = found.access;
  return { userId, workspaceId, role, credential: "token", credentialId, operator: false };
}

async function bearerPrincipal(c: AppContext, bearer: string): Promise<Principal> {
  const principal = await tokenPrincipal(c, bearer);
  if (principal !== null) return principal;
  if (bearer.startsWith(SECRET_PREFIX.api)) {
    return refuse(c, "the bearer token is not valid: it is unknown, expired or revoked");
  }
  if (isMcp(c.req.path)) {
    const principal = await oauthPrincipal(c, bearer);
    if (principal !== null) return principal;
  }
  return refuse(c, "the bearer token is not valid for this route");
}

/** The session cookie's principal, with the CSRF checks a state-changing request needs. */
export async function sessionPrincipal(c: AppContext, session: string): Promise<Principal> {
  const found = await directory(c.env).authenticate(await secretHash(session), "session");
  if (found === null) refuse(c, "your session has ended: sign in again");
  admitted(found.admission);
  const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
  if (upgrade || !SAFE_METHODS.has(c.req.method)) await checkCsrf(c, found.access.csrfHash, upgrade);
  const { userId, workspaceId, role, credentialId } = found.access;
  return { userId, workspaceId, role, credential: "session", credentialId, operator: false };
}

/**
 * Cookies ride along on cross-site requests; a session request that changes
 * something must prove it came from ATT's own page: the same origin, and for
 * non-socket requests the CSRF token the sign-in returned.
 */
async function checkCsrf(c: AppContext, csrfHash: string | null, upgrade: boolean): Promise<void> {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ApiError("forbidden", "cross-site requests with a session cookie are refused");
  }
  if (upgrade) {
    if (origin === undefined) throw new ApiError("forbidden", "a session WebSocket needs an Origin header");
    return;
  }
  const presented = c.req.header(CSRF_HEADER);
  if (presented === undefined || csrfHash === null || !(await hashMatches(presented, csrfHash))) {
    throw new ApiError("forbidden", `send the CSRF token from sign-in as ${CSRF_HEADER} on state-changing requests`);
  }
}

async function hashMatches(presented: string, expectedHex: string): Promise<boolean> {
  const actual = new TextEncoder().encode(await secretHash(presented));
  const expected = new TextEncoder().encode(expectedHex);
  return actual.length === expected.length && crypto.subtle.timingSafeEqual(actual, expected);
}

async function agentPrincipal(c: AppContext): Promise<AgentPrincipal> {
  const presented = presentedToken(c.req.raw.headers);
  if (presented === null) {
    throw new ApiError("unauthorized", "the agent link needs its pairing token (ATT_AGENT_TOKEN)");
  }
  if (await tokenMatches(presented, c.env.ATT_AGENT_TOKEN))
    return { workspaceId: DEFAULT_WORKSPACE_ID, pairingId: null };
  if (presented.startsWith(SECRET_PREFIX.agent)) {
    const found = await directory(c.env).authenticateAgent(await secretHash(presented));
    if (found !== null) {
      admitted(found.admission);
      return { workspaceId: found.workspaceId, pairingId: found.pairingId };
    }
  }
  throw new ApiError("unauthorized", "the agent pairing token is not valid: it is unknown or revoked");
}
