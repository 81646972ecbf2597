/**
 * Event subscribers of one project: replay from a sequence number (all of
 * them, or only the newest few), then live fan-out. Replay and registration
 * happen in one synchronous block, so no event can slip between them: no gap
 * and no duplicate.
 */
import { MAX_EVENTS_PAGE, type ServerToSubscriberFrame, type StoredEvent } from "@att/shared";
import type { EventLog } from "./event-log.ts";
import { projectTag, trySend } from "./sockets.ts";

export function replay(options: { ws: WebSocket; log: EventLog; projectId: string; after: number }): number {
  const { ws, log, projectId } = options;
  let after = options.after;
  for (;;) {
    const page = log.list(projectId, { after, limit: MAX_EVENTS_PAGE });
    for (const event of page) send(ws, { type: "event", event });
    const last = page.at(-1);
    if (last === undefined || page.length < MAX_EVENTS_PAGE) return last?.seq ?? after;
    after = last.seq;
  }
}

/**
 * Replays only the newest `tail` events after `after`, oldest of them first.
 * Returns the seq live events follow: the project's newest (or `after`).
 */
export function replayTail(options: {
  ws: WebSocket;
  log: EventLog;
  projectId: string;
  after: number;
  tail: number;
}): number {
  const { ws, log, projectId, after, tail } = options;
  const newest = tail === 0 ? [] : log.list(projectId, { after, limit: tail, order: "desc" });
  for (const event of newest.reverse()) send(ws, { type: "event", event });
  return Math.max(after, log.lastSeq(projectId));
}

export function broadcast(ctx: DurableObjectState, event: StoredEvent): void {
  const text = JSON.stringify({ type: "event", event } satisfies ServerToSubscriberFrame);
  // A closing socket misses nothing: its client resumes from its last seq.
  for (const ws of ctx.getWebSockets(projectTag(event.projectId))) trySend(ws, text);
}

export function send(ws: WebSocket, frame: ServerToSubscriberFrame): void {
  ws.send(JSON.stringify(frame));
}
