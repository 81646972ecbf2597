/** Bindings and variables the Worker is configured with (wrangler.toml, secrets). */
import type { Workspace } from "./workspace/workspace.ts";

export interface Env {
  WORKSPACE: DurableObjectNamespace<Workspace>;
  /** Version string reported by /health; a self-restart waits for it to change. */
  ATT_VERSION: string;
  /** Admin bearer token for users and scripts (secret). */
  ATT_TOKEN?: string;
  /** Pairing token the local agent authenticates with (secret), separate from user tokens. */
  ATT_AGENT_TOKEN?: string;
  /** Milliseconds the control plane waits for the agent to answer a request. */
  ATT_AGENT_TIMEOUT_MS?: string;
}

export interface AppVariables {
  requestId: string;
}

export interface AppBindings {
  Bindings: Env;
  Variables: AppVariables;
}
