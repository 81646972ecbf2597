/** Tags and per-socket state (survives hibernation via serializeAttachment). */
export const AGENT_TAG = "agent";
export const SUBSCRIBER_TAG = "subscriber";
export const projectTag = (projectId: string): string => `project:${projectId}`;
/** The agent socket of one pairing, so revoking the pairing finds it. */
export const pairingTag = (pairingId: string): string => `pairing:${pairingId}`;

export type SocketAttachment =
  | { role: "agent"; ready: boolean; agentId: string | null; connectedAt: string }
  | { role: "subscriber"; projectId: string };

export function readAttachment(ws: WebSocket): SocketAttachment | null {
  const value: unknown = ws.deserializeAttachment();
  if (typeof value !== "object" || value === null || !("role" in value)) return null;
  return value as SocketAttachment;
}

/**
 * Sends a frame; a socket that closed meanwhile is not an error here: the
 * peer resumes (agent resends unacked work, subscribers reconnect with `after`).
 */
export function trySend(ws: WebSocket, frame: object | string): boolean {
  try {
    ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    return true;
  } catch {
    return false;
  }
}

export function writeAttachment(ws: WebSocket, attachment: SocketAttachment): void {
  ws.serializeAttachment(attachment);
}
