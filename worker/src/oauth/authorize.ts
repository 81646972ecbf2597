/**
 * The authorization endpoint's page: who is asking (client name, where the
 * tokens go, a warning for local apps), sign-in with an ATT token or the
 * browser session, Allow or Deny. The library validates the request (client,
 * exact redirect URI, PKCE, resource) and binds the form to this browser with
 * a cookie, so the form cannot be forged from another site.
 */
import {
  AuthorizationError,
  CimdFetchError,
  type ConsentDescription,
  type OAuthHelpers,
} from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Principal } from "../accounts/principal.ts";
import type { AppBindings } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { SESSION_COOKIE, sessionPrincipal, tokenPrincipal } from "../http/authenticate.ts";
import { authorizationServer, type GrantProps, MCP_SCOPE, publicOrigin } from "./server.ts";

type AppContext = Context<AppBindings>;

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1c2024}" +
  "input[type=password]{width:100%;padding:.5rem;font:inherit}button{font:inherit;padding:.5rem 1.2rem;margin-right:.5rem}" +
  ".warn{background:#fff4d6;padding:.6rem .8rem;border-radius:6px}.error{color:#b42318}";

/** Inline styles only: the page runs no script, and its form may post here and then redirect to the client. */
function pagePolicy(redirectUri: string | null): string {
  const target = redirectUri === null ? "" : ` ${new URL(redirectUri).origin}`;
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${target}; frame-ancestors 'none'; base-uri 'none'`;
}

function page(
  title: string,
  body: string,
  redirectUri: string | null,
  status = 200,
  headers = new Headers(),
): Response {
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("content-security-policy", pagePolicy(redirectUri));
  headers.set("cache-control", "no-store");
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><style>${STYLE}</style><body>${body}</body></html>`;
  return new Response(html, { status, headers });
}

function consentBody(details: ConsentDescription, handle: string, signedIn: Principal | null): string {
  const name = escapeHtml(details.clientName);
  const who = details.clientDomain
    ? `Published by <strong>${escapeHtml(details.clientDomain)}</strong>.`
    : "This app registered itself: its name is not verified.";
  const local = details.redirectIsLoopback
    ? '<p class="warn">Access goes to an app on <strong>this computer</strong>. Continue only if you just started signing in from it.</p>'
    : "";
  const signIn =
    signedIn === null
      ? '<p><label>Your ATT token (a personal API token)<br><input type="password" name="token" autocomplete="off" required></label></p>'
      : `<p>Signed in as <strong>${escapeHtml(signedIn.userId)}</strong> in workspace <strong>${escapeHtml(signedIn.workspaceId)}</strong>.</p>`;
  return `<h1>Allow ${name} to use ATT?</h1>
<p>${who} Access will be sent to <strong>${escapeHtml(details.redirectHost)}</strong>.</p>${local}
<p>It will act as you in one workspace, with your role there (viewer, editor or owner), until you revoke it.</p>
<form method="post">
<input type="hidden" name="handle" value="${escapeHtml(handle)}">${signIn}
<p><button name="decision" value="approve">Allow</button><button name="decision" value="deny" formnovalidate>Deny</button></p>
</form>`;
}

async function signedInPrincipal(c: AppContext): Promise<Principal | null> {
  const session = getCookie(c, SESSION_COOKIE);
  if (session === undefined) return null;
  try {
    return await sessionPrincipal(c, session);
  } catch {
    return null;
  }
}

/** Errors the user caused or that came from the client: redirect back only when the library says it is safe. */
function authorizationFailure(error: unknown): Response {
  if (error instanceof AuthorizationError && error.redirectTo) return Response.redirect(error.redirectTo, 302);
  if (error instanceof AuthorizationError || error instanceof CimdFetchError) {
    const message = error instanceof AuthorizationError ? error.description : "This app could not be verified.";
    return page(
      "Cannot authorize",
      `<h1>Cannot authorize</h1><p class="error">${escapeHtml(message ?? "")}</p>`,
      null,
      400,
    );
  }
  throw error;
}

const helpers = (c: AppContext): OAuthHelpers => authorizationServer(publicOrigin(c)).getOAuthApi(c.env);

export async function showConsent(c: AppContext): Promise<Response> {
  try {
    const oauth = helpers(c);
    const request = await oauth.parseAuthRequest(c.req.raw);
    const details = await oauth.describeConsent(request);
    const consent = await oauth.beginConsent(request);
    const body = consentBody(details, consent.handle, await signedInPrincipal(c));
    return page(`Authorize ${details.clientName}`, body, request.redirectUri, 200, consent.headers);
  } catch (error) {
    return authorizationFailure(error);
  }
}

export async function decideConsent(c: AppContext): Promise<Response> {
  const form = await c.req.formData();
  const handle = String(form.get("handle") ?? "");
  const oauth = helpers(c);
  try {
    if (form.get("decision") !== "approve") {
      const denied = await oauth.denyConsent(c.req.raw, handle);
      return new Response(null, { status: 302, headers: denied.headers });
    }
    const token = String(form.get("token") ?? "");
    const principal = token === "" ? await signedInPrincipal(c) : await tokenPrincipal(c, token);
    if (principal === null) {
      // The handle is still unused: going back to the page and trying again works.
      const body =
        '<h1>Not signed in</h1><p class="error">That token is not valid (unknown, expired or revoked). Go back and paste a personal API token.</p>';
      return page("Not signed in", body, null, 401);
    }
    const approved = await oauth.approveConsent(c.req.raw, handle, { scope: [MCP_SCOPE] });
    const props: GrantProps = { userId: principal.userId, workspaceId: principal.workspaceId };
    const { redirectTo } = await oauth.completeAuthorization({
      request: approved.request,
      userId: principal.userId,
      metadata: { workspaceId: principal.workspaceId },
      scope: approved.request.scope,
      props,
    });
    approved.headers.set("location", redirectTo);
    return new Response(null, { status: 302, headers: approved.headers });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    return authorizationFailure(error);
  }
}
