/**
 * Protective headers on every response the Hono app makes itself (REST, MCP,
 * the API docs page). The UI's static files get theirs from web/static/_headers
 * and the CSP <meta> that web/vite.config.ts has SvelteKit write; these cover
 * the rest: never sniffed as another type, never framed, no referrer leaked,
 * authenticated data never kept in a cache, and a data response opened as a
 * page can load and run nothing.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppBindings } from "../env.ts";

/** For JSON, problem+json, event streams and files: a browser that renders one may fetch and run nothing. */
export const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** For the HTML the Worker serves (the API docs page, Swagger UI): its own files only, nothing inline. */
export const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Always set: no response of this app is meant to be sniffed, framed, or to send a referrer. */
const FIXED: ReadonlyArray<readonly [string, string]> = [
  ["x-content-type-options", "nosniff"],
  ["referrer-policy", "no-referrer"],
  ["x-frame-options", "DENY"],
];

export const securityHeaders = (): MiddlewareHandler<AppBindings> => async (c, next) => {
  await next();
  // An accepted WebSocket (101) carries immutable headers and has no body a browser could render.
  if (c.res.status === 101 || c.res.webSocket !== null) return;
  const wanted = headersFor(c.res.headers);
  try {
    for (const [name, value] of wanted) c.res.headers.set(name, value);
  } catch {
    // Responses relayed from a Durable Object (MCP sessions) have immutable headers: copy them.
    replaceHeaders(c, wanted);
  }
};

/** The headers to set on a response, keeping a cache policy or CSP its route chose (e.g. the docs page's assets). */
function headersFor(current: Headers): Array<readonly [string, string]> {
  const wanted: Array<readonly [string, string]> = [...FIXED];
  if (!current.has("cache-control")) wanted.push(["cache-control", "no-store"]);
  if (!current.has("content-security-policy")) {
    const html = (current.get("content-type") ?? "").toLowerCase().startsWith("text/html");
    wanted.push(["content-security-policy", html ? PAGE_POLICY : DATA_POLICY]);
  }
  return wanted;
}

function replaceHeaders(c: Context<AppBindings>, wanted: Array<readonly [string, string]>): void {
  const relayed = c.res;
  const headers = new Headers(relayed.headers);
  for (const [name, value] of wanted) headers.set(name, value);
  c.res = new Response(relayed.body, { status: relayed.status, statusText: relayed.statusText, headers });
}
