/** Bindings and variables the Worker is configured with (wrangler.toml, secrets). */
import type { McpSession } from "./mcp/session.ts";
import type { Workspace } from "./workspace/workspace.ts";

export interface Env {
  WORKSPACE: DurableObjectNamespace<Workspace>;
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
  /** "1" serves the MCP conformance fixtures at /mcp/conformance (tests only; never set in wrangler.toml). */
  ATT_MCP_CONFORMANCE?: string;
}

export interface AppVariables {
  requestId: string;
}

export interface AppBindings {
  Bindings: Env;
  Variables: AppVariables;
}
