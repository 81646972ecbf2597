/** The deploy view's activity feed: which events it shows, one line per event, merged without duplicates. */
import { num, type Payload, str } from "#lib/payload.ts";

export const DEPLOY_EVENT_TYPES = [
  "build.started",
  "build.completed",
  "deploy.started",
  "deploy.completed",
  "runtime.status",
  "runtime.crashed",
] as const;

export type DeployEventType = (typeof DEPLOY_EVENT_TYPES)[number];

export interface FeedEvent {
  seq: number;
  type: string;
  timestamp: string;
  payload: Payload;
}

export function isDeployEvent(type: string): type is DeployEventType {
  return (DEPLOY_EVENT_TYPES as readonly string[]).includes(type);
}

/** A non-empty string field, or null. */
const text = (value: unknown): string | null => str(value) || null;

/** A short sentence for one event, from the fields its producer puts in the payload. */
export function describeDeployEvent(event: FeedEvent): string {
  const p = event.payload;
  const version = num(p.version) === null ? "" : ` v${num(p.version)}`;
  switch (event.type) {
    case "build.started":
      return `Building release${version}…`;
    case "build.completed": {
      const sha = text(p.sha256)?.slice(0, 12);
      const files = num(p.files);
      return `Built release${version}${files === null ? "" : `: ${files} files`}${sha ? `, sha256 ${sha}` : ""}`;
    }
    case "deploy.started":
      return `${p.kind === "rollback" ? "Rolling back to" : "Deploying"} release${version}…`;
    case "deploy.completed": {
      const outcome = text(p.outcome)?.replaceAll("_", " ") ?? "finished";
      const reason = text(p.reason);
      return `${p.kind === "rollback" ? "Rollback to" : "Deploy of"} release${version}: ${outcome}${reason ? ` (${reason})` : ""}`;
    }
    case "runtime.status": {
      const from = text(p.previous);
      const to = text(p.state) ?? "unknown";
      const reason = text(p.reason);
      const url = to === "running" ? text(p.url) : null;
      return `App ${from ? `${from} → ` : ""}${to}${url ? ` at ${url}` : ""}${reason ? ` (${reason})` : ""}`;
    }
    case "runtime.crashed":
      return `App crashed${text(p.reason) ? `: ${text(p.reason)}` : ""}`;
    default:
      return event.type;
  }
}

/** `feed` plus `incoming`, each seq once, oldest first, at most `cap` (the newest). */
export function mergeFeed(feed: readonly FeedEvent[], incoming: readonly FeedEvent[], cap: number): FeedEvent[] {
  const bySeq = new Map<number, FeedEvent>();
  for (const event of [...feed, ...incoming]) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-cap);
}
