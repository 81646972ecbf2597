/**
 * The health-check outcome of a deployment, from its record and the
 * runtime.status events of its release: a deploy succeeds only when the app
 * answered /health with 200 (the runtime turned "running"); a rolled-back or
 * failed one says why it did not come up.
 */

export interface DeploymentLike {
  releaseId: string;
  outcome: "running" | "succeeded" | "rolled_back" | "failed";
  reason: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface EventLike {
  type: string;
  timestamp: string;
  payload: { [key: string]: unknown };
}

export interface HealthOutcome {
  state: "passed" | "failed" | "checking";
  /** Milliseconds from the deploy's start until its release answered /health, when the event was seen. */
  healthyAfterMs: number | null;
  detail: string;
}

/** Events a bit after `finishedAt` still belong to the deploy (the record is written after the status event). */
const SLACK_MS = 2000;

export function healthOf(deployment: DeploymentLike, events: readonly EventLike[]): HealthOutcome {
  if (deployment.outcome === "running") {
    return { state: "checking", healthyAfterMs: null, detail: "waiting for /health to answer 200" };
  }
  if (deployment.outcome !== "succeeded") {
    return { state: "failed", healthyAfterMs: null, detail: deployment.reason ?? "the release did not become healthy" };
  }
  const start = Date.parse(deployment.startedAt);
  const end = deployment.finishedAt === null ? Number.POSITIVE_INFINITY : Date.parse(deployment.finishedAt) + SLACK_MS;
  const healthy = events.find((event) => {
    const at = Date.parse(event.timestamp);
    return (
      event.type === "runtime.status" &&
      event.payload.state === "running" &&
      event.payload.releaseId === deployment.releaseId &&
      at >= start &&
      at <= end
    );
  });
  const after = healthy === undefined ? null : Math.max(0, Date.parse(healthy.timestamp) - start);
  return { state: "passed", healthyAfterMs: after, detail: "/health answered 200" };
}
