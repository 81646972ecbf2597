/** The managed app's health check: GET /health must answer 200 (NAT adds routes only once the workflow is built). */
import type { HealthProbe } from "@att/shared";
import type { z } from "zod";

export type Probe = z.infer<typeof HealthProbe>;

export async function probeHealth(baseUrl: string, timeoutMs: number): Promise<Probe> {
  const at = new Date().toISOString();
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    const ok = response.status === 200;
    return { at, ok, httpStatus: response.status, latencyMs: latency(), error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    return { at, ok: false, httpStatus: null, latencyMs: latency(), error: describeFetchError(error) };
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "timed out";
  const cause = error.cause;
  if (cause instanceof Error && "code" in cause && typeof cause.code === "string") return cause.code;
  return error.message;
}

/**
 * Polls until /health answers 200 ("healthy"), `gone` settles ("exited"), or
 * `timeoutMs` passes ("timeout"). The pause grows from 100 ms to 500 ms.
 */
export async function waitHealthy(options: {
  baseUrl: string;
  timeoutMs: number;
  gone: Promise<unknown>;
}): Promise<{ outcome: "healthy" | "exited" | "timeout"; probe: Probe | null }> {
  let exited = false;
  void options.gone.then(() => {
    exited = true;
  });
  const deadline = Date.now() + options.timeoutMs;
  let pauseMs = 100;
  let probe: Probe | null = null;
  while (!exited) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { outcome: "timeout", probe };
    probe = await probeHealth(options.baseUrl, Math.min(2000, remaining));
    if (probe.ok) return { outcome: "healthy", probe };
    if (exited) break;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, remaining))), options.gone]);
    pauseMs = Math.min(500, Math.round(pauseMs * 1.5));
  }
  return { outcome: "exited", probe };
}
