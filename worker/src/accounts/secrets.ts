/**
 * Bearer secrets the directory issues. A secret is 32 random bytes behind a
 * prefix that names its kind (so leaks are recognisable and scanners can find
 * them); only its SHA-256 is stored. Looking a secret up by its hash reveals
 * nothing through timing: the hash of an unknown random secret is itself random.
 */
const encoder = new TextEncoder();

export const SECRET_PREFIX = { api: "attp_", session: "atts_", agent: "atta_", csrf: "attc_" } as const;
export type SecretKind = keyof typeof SECRET_PREFIX;

/** Characters of a secret shown in listings: the kind prefix and a few more, never enough to use it. */
const SHOWN = 4;

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function newSecret(kind: SecretKind): string {
  return SECRET_PREFIX[kind] + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export function shownPrefix(secret: string): string {
  const kindLength = secret.indexOf("_") + 1;
  return `${secret.slice(0, kindLength + SHOWN)}…`;
}

export async function secretHash(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(secret)));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Ids for users, workspaces and credentials: short, random, valid as `Id`. */
export function newId(prefix: string): string {
  return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(12)))
    .replaceAll("-", "x")
    .replaceAll("_", "y")}`;
}
