/**
 * The Settings view's Access panel, as plain functions: what each role and
 * sign-in method means in words, which roles a token may be capped at, where
 * a token or pairing stands (active, expired, revoked), and the command that
 * starts a newly paired agent.
 */
import type { Schemas } from "../api/client";

export type Role = Schemas["Role"];
export type CredentialKind = Schemas["Me"]["credential"];

/** What each role may do, lowest first; complete by type, so a new role needs its words here. */
export const ROLE_INFO: Readonly<Record<Role, string>> = {
  viewer: "reads",
  editor: "also changes code, runs, tests and deploys",
  owner: "also manages members, agents and ATT's own code",
};

export const ROLES = Object.keys(ROLE_INFO) as Role[];

/** The longest token lifetime the server accepts (MAX_TOKEN_DAYS in shared/src/access.ts); it refuses more. */
export const MAX_TOKEN_DAYS = 366;

const RANK: Readonly<Record<Role, number>> = { viewer: 1, editor: 2, owner: 3 };

/** The roles a new token may be capped at: none above the caller's own. */
export function capsUpTo(role: Role): Role[] {
  return ROLES.filter((candidate) => RANK[candidate] <= RANK[role]);
}

/** How this browser signed in, in words. */
export const CREDENTIAL_INFO: Readonly<Record<CredentialKind, string>> = {
  admin: "the deployment's admin token (ATT_TOKEN)",
  token: "a personal API token",
  session: "a browser session",
  oauth: "an OAuth grant",
};

export type CredentialState = "active" | "expired" | "revoked";

/** Where a token or pairing stands at `now`: revoked wins over expired. */
export function credentialState(
  credential: { revokedAt: string | null; expiresAt?: string | null },
  now = Date.now(),
): CredentialState {
  if (credential.revokedAt !== null) return "revoked";
  if (credential.expiresAt && Date.parse(credential.expiresAt) <= now) return "expired";
  return "active";
}

/**
 * Whether `secret` is probably the token listed with `prefix` ("attp_AbCd…"): listings only show
 * the first characters, so this marks the row this browser signed in with, for a warning before revoking it.
 */
export function matchesPrefix(secret: string | null, prefix: string): boolean {
  const shown = prefix.replace(/…$/, "");
  return secret !== null && shown.length > 0 && secret.startsWith(shown);
}

/** The command that starts an agent paired with this control plane (the token stays in the environment). */
export function agentCommand(origin: string, token: string): string {
  return `ATT_SERVER=${origin} ATT_AGENT_TOKEN=${token} npx att-agent`;
}
