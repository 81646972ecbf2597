/** Bindings and variables the Worker is configured with (wrangler.toml, secrets). */

import type { Directory } from "./accounts/directory.ts";
import type { AgentPrincipal, Principal } from "./accounts/principal.ts";
import type { McpSession } from "./mcp/session.ts";
import type { Workspace } from "./workspace/workspace.ts";

export interface Env {
  /** One object per workspace, named by the workspace id. */
  WORKSPACE: DurableObjectNamespace<Workspace>;
  /** One object for the deployment: users, workspaces, memberships, credential hashes. */
  DIRECTORY: DurableObjectNamespace<Directory>;
  /** The OAuth authorization server's grants, clients and token hashes (@cloudflare/workers-oauth-provider). */
  OAUTH_KV: KVNamespace;
  /** One object per MCP session, named by its Mcp-Session-Id. */
  MCP_SESSION: DurableObjectNamespace<McpSession>;
  /** Version string reported by /health; a self-restart waits for it to change. */
  ATT_VERSION: string;
  /** The commit the launcher started this control plane from; health reports it so a restart can tell versions apart. */
  ATT_BUILD?: string;
  /** Admin bearer token for users and scripts (secret). */
  ATT_TOKEN?: string;
  /** Pairing token the local agent authenticates with (secret), separate from user tokens. */
  ATT_AGENT_TOKEN?: string;
  /** Milliseconds the control plane waits for the agent to answer a request. */
  ATT_AGENT_TIMEOUT_MS?: string;
  /** Milliseconds between scheduled health checks of each registered MCP server (default 60000). */
  ATT_MCP_CHECK_INTERVAL_MS?: string;
  /**
   * Key material for secrets the control plane stores (MCP server headers, stdio env): AES-GCM at rest.
   * Set it as a Worker secret when deployed; locally a key is derived from ATT_TOKEN when it is unset.
   */
  ATT_SECRET_KEY?: string;
  /** The public origin (e.g. https://att.example.com) tokens are bound to; the request's origin when unset. */
  ATT_PUBLIC_URL?: string;
  /** Requests per minute per user credential, and the burst allowed at once (defaults 600 and 120). */
  ATT_RATE_LIMIT_PER_MINUTE?: string;
  ATT_RATE_LIMIT_BURST?: string;
  /** "1" serves the MCP conformance fixtures at /mcp/conformance (tests only; never set in wrangler.toml). */
  ATT_MCP_CONFORMANCE?: string;
}

export interface AppVariables {
  requestId: string;
  /** Set by the authentication middleware on every route but the public ones and the agent link. */
  principal: Principal;
  /** Set on the agent link instead of `principal`. */
  agent: AgentPrincipal;
}

export interface AppBindings {
  Bindings: Env;
  Variables: AppVariables;
}
