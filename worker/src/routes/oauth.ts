/**
 * OAuth for the remote MCP URL: discovery documents (RFC 9728 protected
 * resource, RFC 8414 authorization server), the consent page, and the
 * library-owned token and registration endpoints. Public by design: each
 * endpoint authenticates what it needs itself (PKCE, client auth, the page's
 * sign-in). Protocol endpoints, so they stay out of the REST API's document.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppBindings } from "../env.ts";
import { decideConsent, showConsent } from "../oauth/authorize.ts";
import {
  AUTHORIZE_PATH,
  authorizationServer,
  protectedResourceMetadata,
  publicOrigin,
  REGISTER_PATH,
  TOKEN_PATH,
} from "../oauth/server.ts";

type OAuthFetch = ReturnType<typeof authorizationServer>["fetch"];

export function registerOAuth(app: OpenAPIHono<AppBindings>): void {
  for (const path of ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]) {
    app.get(path, (c) => c.json(protectedResourceMetadata(publicOrigin(c))));
  }
  app.get(AUTHORIZE_PATH, showConsent);
  app.post(AUTHORIZE_PATH, decideConsent);
  const byLibrary = [
    TOKEN_PATH,
    REGISTER_PATH,
    "/.well-known/oauth-authorization-server",
    "/.well-known/oauth-authorization-server/*",
  ];
  // The library is typed against a newer workers-types ExecutionContext; it uses only waitUntil.
  const context = (c: Context<AppBindings>) => c.executionCtx as unknown as Parameters<OAuthFetch>[2];
  for (const path of byLibrary) {
    app.all(path, (c) => authorizationServer(publicOrigin(c)).fetch(c.req.raw, c.env, context(c)));
  }
}
