/**
 * Who a request acts as, once authenticated: a user in one workspace with a
 * role there. Every route reads the workspace from here, never from input, so
 * no request can name another workspace's data.
 */
import type { CredentialKind, Role } from "@att/shared";
import type { Env } from "../env.ts";
import type { Remote } from "../rpc.ts";
import { ADMIN_USER_ID, DEFAULT_WORKSPACE_ID, DIRECTORY_NAME, type Directory } from "./directory.ts";

export interface Principal {
  userId: string;
  workspaceId: string;
  role: Role;
  credential: CredentialKind;
  /** The stored credential (token, session, OAuth grant); null for the admin token. */
  credentialId: string | null;
  /** Holds the deployment's admin token. */
  operator: boolean;
}

/** The local admin token's holder: owner of the default workspace, as in local mode before accounts. */
export const ADMIN_PRINCIPAL: Principal = {
  userId: ADMIN_USER_ID,
  workspaceId: DEFAULT_WORKSPACE_ID,
  role: "owner",
  credential: "admin",
  credentialId: null,
  operator: true,
};

/** An agent's link: the workspace it serves and the pairing it proved (null for local mode's ATT_AGENT_TOKEN). */
export interface AgentPrincipal {
  workspaceId: string;
  pairingId: string | null;
}

/** Audit-log actor: `user:<id>` for REST and the UI, `mcp:<id>` for MCP clients. */
export const actorOf = (principal: Principal, channel: "user" | "mcp"): string => `${channel}:${principal.userId}`;

export type DirectoryApi = Remote<
  Omit<Directory, "fetch" | "alarm" | "webSocketMessage" | "webSocketClose" | "webSocketError">
>;

export function directory(env: Env): DirectoryApi {
  return env.DIRECTORY.get(env.DIRECTORY.idFromName(DIRECTORY_NAME)) as unknown as DirectoryApi;
}
