/**
 * Bearer-token checks. Both sides are hashed to a fixed length first, so the
 * constant-time comparison leaks neither the token nor its length.
 */
import { TOKEN_SUBPROTOCOL_PREFIX } from "@att/shared";

const encoder = new TextEncoder();

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

export async function tokenMatches(presented: string | null, expected: string | undefined): Promise<boolean> {
  if (presented === null || expected === undefined || expected.length === 0) return false;
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * Reads the bearer token from `Authorization`, or for WebSocket upgrades from
 * the `Sec-WebSocket-Protocol` list (`att.v1, att.bearer.<token>`).
 */
export function presentedToken(headers: Headers): string | null {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ?? null;
  }
  if (headers.get("upgrade")?.toLowerCase() === "websocket") {
    const offered = (headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
    const entry = offered.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
    if (entry !== undefined) return entry.slice(TOKEN_SUBPROTOCOL_PREFIX.length) || null;
  }
  return null;
}
