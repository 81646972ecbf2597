/**
 * One health check of a registered server and what it does to the server's
 * health: a success makes it healthy with a fresh snapshot; a failure keeps
 * the last snapshot (so failover still knows its tools), counts the failure,
 * and makes it degraded, then unreachable after MCP_UNREACHABLE_AFTER in a
 * row. Retries back off 1 s, 2 s, 4 s, 8 s (capped at 8 s).
 */
import {
  MCP_RETRY_BASE_MS,
  MCP_RETRY_MAX_MS,
  MCP_SERVER_CHECK_TIMEOUT_MS,
  MCP_UNREACHABLE_AFTER,
  type McpProbe,
  type McpServerHealth,
} from "@att/shared";
import type { McpConnector } from "./connectors.ts";
import { describe } from "./failure.ts";

export type CheckResult = { ok: true; probe: McpProbe; latencyMs: number } | { ok: false; error: string };

export async function runCheck(connector: McpConnector, timeoutMs = MCP_SERVER_CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const started = Date.now();
  try {
    const probe = await connector.check(timeoutMs);
    return { ok: true, probe, latencyMs: Date.now() - started };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

export function nextHealth(previous: McpServerHealth, result: CheckResult, at: Date): McpServerHealth {
  const lastCheckedAt = at.toISOString();
  if (result.ok) {
    return {
      ...result.probe,
      status: "healthy",
      lastCheckedAt,
      latencyMs: result.latencyMs,
      error: null,
      consecutiveFailures: 0,
    };
  }
  const consecutiveFailures = previous.consecutiveFailures + 1;
  return {
    ...previous,
    status: consecutiveFailures >= MCP_UNREACHABLE_AFTER ? "unreachable" : "degraded",
    lastCheckedAt,
    latencyMs: null,
    error: result.error,
    consecutiveFailures,
  };
}

/** When to check again: the regular interval after a success, else the backoff for this many failures. */
export function nextCheckDelayMs(consecutiveFailures: number, intervalMs: number): number {
  if (consecutiveFailures === 0) return intervalMs;
  return Math.min(MCP_RETRY_BASE_MS * 2 ** (consecutiveFailures - 1), MCP_RETRY_MAX_MS);
}
