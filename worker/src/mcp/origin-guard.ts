/**
 * DNS-rebinding protection for the MCP endpoints (the SDK's helper is for
 * Express). A rebinding page makes the user's browser send requests to a
 * server on localhost under the attacker's name, so when the Worker is served
 * locally, both Host and Origin must name a loopback host.
 *
 * "Served locally" is read from two facts: the Host (or, when a client sends
 * none, the URL's host) is a loopback name, or the connecting client is on
 * loopback (wrangler dev sets CF-Connecting-IP; on Cloudflare's edge it is
 * the real, never-loopback client address). The second catches the attack
 * itself: Host is then the attacker's name but the browser is on this machine.
 */
import type { MiddlewareHandler } from "hono";
import type { AppBindings } from "../env.ts";
import { ApiError } from "../http/api-error.ts";

const LOOPBACK_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const LOOPBACK_ADDRESSES = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** The hostname part of a Host header value (`name:port`, `[v6]:port`), lowercased. */
export function hostnameOf(host: string): string | null {
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

const isLoopbackName = (hostname: string | null): boolean =>
  hostname !== null && (LOOPBACK_HOSTNAMES.has(hostname) || hostname.endsWith(".localhost"));

function originHostname(origin: string): string | null {
  try {
    return new URL(origin).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** Why a request must be refused, or null when it may pass. */
export function rebindingViolation(request: Request): string | null {
  const host = request.headers.get("host") ?? new URL(request.url).host;
  const hostname = hostnameOf(host);
  const client = request.headers.get("cf-connecting-ip");
  const local = isLoopbackName(hostname) || (client !== null && LOOPBACK_ADDRESSES.has(client));
  if (!local) return null;
  if (!isLoopbackName(hostname)) return `the Host header '${host}' is not a local name`;
  const origin = request.headers.get("origin");
  if (origin !== null && !isLoopbackName(originHostname(origin))) {
    return `the Origin '${origin}' is not a local origin`;
  }
  return null;
}

export const rejectRebinding = (): MiddlewareHandler<AppBindings> => async (c, next) => {
  const violation = rebindingViolation(c.req.raw);
  if (violation !== null) throw new ApiError("forbidden", `${violation} (DNS-rebinding protection)`);
  await next();
};
