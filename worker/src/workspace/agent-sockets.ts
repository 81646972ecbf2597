/**
 * The agent's sockets in a workspace: accepting one (tagged with its pairing),
 * replacing older ones once a new one says hello, and closing a revoked
 * pairing's. Which socket is the link, and what it says, is agent-link.ts's
 * and workspace.ts's concern.
 */
import { CloseCode } from "@att/shared";
import { safeClose } from "./agent-link.ts";
import { AGENT_TAG, pairingTag, readAttachment, writeAttachment } from "./sockets.ts";
import { acceptSocket, PAIRING_HEADER } from "./upgrade.ts";

/** Accepts an agent's upgrade; older agent sockets stay until this one's hello (see replaceOtherAgents). */
export function acceptAgentSocket(ctx: DurableObjectState, request: Request): Response {
  const pairing = request.headers.get(PAIRING_HEADER) ?? "";
  const tags = pairing === "" ? [AGENT_TAG] : [AGENT_TAG, pairingTag(pairing)];
  return acceptSocket(ctx, request, tags, (ws) => {
    writeAttachment(ws, { role: "agent", ready: false, agentId: null, connectedAt: new Date().toISOString() });
  });
}

/**
 * Closes every agent socket but `current`, which just said hello. Done at the hello rather than
 * at the upgrade: an upgrade whose client is already gone (a dropped connection's request that a
 * proxy delivered late) never says hello, and closing the live link for it sent `replaced`, which
 * makes the agent stop reconnecting for good. A closed-out socket stops counting as the link at once.
 */
export function replaceOtherAgents(ctx: DurableObjectState, current: WebSocket): void {
  for (const other of ctx.getWebSockets(AGENT_TAG)) {
    if (other === current) continue;
    const attachment = readAttachment(other);
    if (attachment?.role === "agent") writeAttachment(other, { ...attachment, ready: false });
    safeClose(other, CloseCode.replaced, "replaced by a newer agent connection");
  }
}

/** Ends a revoked pairing's link now; its token no longer authenticates, so it cannot return. */
export function closePairing(ctx: DurableObjectState, pairingId: string, code: number, reason: string): void {
  for (const ws of ctx.getWebSockets(pairingTag(pairingId))) safeClose(ws, code, reason);
}
