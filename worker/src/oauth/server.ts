/**
 * ATT's OAuth 2.1 authorization server for the remote MCP URL, built on
 * @cloudflare/workers-oauth-provider (PKCE S256, dynamic client
 * registration, RFC 8707 audience-bound tokens, RFC 8414 metadata; token
 * hashes and encrypted grant props in the OAUTH_KV namespace). ATT owns only
 * the consent page (authorize.ts) and what a grant means: a user acting in
 * one workspace.
 */
import { OAuthAuthorizationServer } from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import { z } from "zod";
import type { AppBindings, Env } from "../env.ts";

export const AUTHORIZE_PATH = "/oauth/authorize";
export const TOKEN_PATH = "/oauth/token";
export const REGISTER_PATH = "/oauth/register";
/** One scope: what a token may do is the holder's workspace role, read live at each request. */
export const MCP_SCOPE = "mcp";

/** What a grant stores (encrypted): who authorized, and the workspace the client acts in. */
export const GrantProps = z.object({ userId: z.string().min(1), workspaceId: z.string().min(1) });
export type GrantProps = z.infer<typeof GrantProps>;

/** The origin tokens are issued by and bound to: ATT_PUBLIC_URL when deployed, else the request's own. */
export function publicOrigin(c: Context<AppBindings>): string {
  const configured = c.env.ATT_PUBLIC_URL?.trim();
  return configured ? new URL(configured).origin : new URL(c.req.url).origin;
}

export const mcpResource = (origin: string): string => `${origin}/mcp`;
export const resourceMetadataUrl = (origin: string): string => `${origin}/.well-known/oauth-protected-resource/mcp`;

const servers = new Map<string, OAuthAuthorizationServer<Env>>();

/** The server for one public origin (its issuer and resource are fixed at construction). */
export function authorizationServer(origin: string): OAuthAuthorizationServer<Env> {
  let server = servers.get(origin);
  if (server === undefined) {
    server = new OAuthAuthorizationServer<Env>({
      issuer: origin,
      resources: [mcpResource(origin)],
      authorizeEndpoint: AUTHORIZE_PATH,
      tokenEndpoint: TOKEN_PATH,
      clientRegistrationEndpoint: REGISTER_PATH,
      scopesSupported: [MCP_SCOPE],
      accessTokenTTL: 3600,
    });
    servers.set(origin, server);
  }
  return server;
}

/** RFC 9728 protected-resource metadata for /mcp. */
export function protectedResourceMetadata(origin: string): Record<string, unknown> {
  return {
    resource: mcpResource(origin),
    authorization_servers: [origin],
    scopes_supported: [MCP_SCOPE],
    bearer_methods_supported: ["header"],
    resource_name: "ATT",
  };
}
