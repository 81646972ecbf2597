/**
 * Header values of registered MCP servers are secrets (tokens, API keys).
 * Answers show them masked: the auth scheme, if any, and at most the last
 * four characters of a long secret, so a user can tell two tokens apart.
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
  const masked = secret.length >= MIN_SECRET_FOR_TAIL ? `${MASK}${secret.slice(-TAIL)}` : MASK;
  return scheme === undefined ? masked : `${scheme} ${masked}`;
}

export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskHeaderValue(value)]));
}
