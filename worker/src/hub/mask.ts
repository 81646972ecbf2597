/**
 * Header values of registered MCP servers are secrets (tokens, API keys).
 * Answers show them masked: the auth scheme, if any, and at most the last
 * four characters of a long secret, so a user can tell two tokens apart.
 * The mask is computed once, when a value is sealed, and stored with it
 * (sealed.ts `storedMasks` shows stored values).
 */

const MASK = "****";
/** Shorter secrets show no characters at all: four of eight would give half away. */
const MIN_SECRET_FOR_TAIL = 12;
const TAIL = 4;
/** Only well-known auth schemes are shown; any other first word may be part of the secret. */
const SCHEME = /^(Bearer|Basic|Token|Digest|Bot|ApiKey)\s+(\S.*)$/i;

export function maskHeaderValue(value: string): string {
  const match = SCHEME.exec(value);
  const scheme = match?.[1];
  const secret = match?.[2] ?? value;
  // Counted in code points: a tail never splits a surrogate pair (env values may be any text).
  const chars = Array.from(secret);
  const masked = chars.length >= MIN_SECRET_FOR_TAIL ? `${MASK}${chars.slice(-TAIL).join("")}` : MASK;
  return scheme === undefined ? masked : `${scheme} ${masked}`;
}
