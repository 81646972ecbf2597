/**
 * Versions that travel on the wire. The protocol evolves by adding message
 * types; PROTOCOL_VERSION changes only for a breaking change.
 */
export const PROTOCOL_VERSION = 1;

/** Largest WebSocket frame either side accepts, in bytes (UTF-8 of the JSON text). */
export const MAX_FRAME_BYTES = 1_048_576;

/** Largest REST request body the control plane accepts, in bytes. */
export const MAX_BODY_BYTES = 1_048_576;

/** How often the agent sends a heartbeat, and how long silence means a dead link. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
export const HEARTBEAT_TIMEOUT_MS = 30_000;

/** WebSocket subprotocols: browsers cannot set headers, so they offer `att.v1, att.bearer.<token>`. */
export const APP_SUBPROTOCOL = "att.v1";
export const TOKEN_SUBPROTOCOL_PREFIX = "att.bearer.";
