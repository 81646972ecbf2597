/** Tags and per-socket state (survives hibernation via serializeAttachment). */
export const AGENT_TAG = "agent";
export const SUBSCRIBER_TAG = "subscriber";
export const projectTag = (projectId: string): string => `project:${projectId}`;

export type SocketAttachment =
  | { role: "agent"; ready: boolean; agentId: string | null; connectedAt: string }
  | { role: "subscriber"; projectId: string };

export function readAttachment(ws: WebSocket): SocketAttachment | null {
  const value: unknown = ws.deserializeAttachment();
  if (typeof value !== "object" || value === null || !("role" in value)) return null;
  return value as SocketAttachment;
}

export function writeAttachment(ws: WebSocket, attachment: SocketAttachment): void {
  ws.serializeAttachment(attachment);
}
