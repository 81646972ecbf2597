/**
 * The agent's side of the launcher's local API (agent/src/launcher): ask for
 * a switch to a merged commit, read how a switch went. Failures to reach it
 * are upstream_error, which a workflow's poll retries.
 */
import { type SwitchRecord, SwitchRecord as SwitchSchema } from "@att/shared";
import { z } from "zod";
import type { AgentConfig } from "../../config.ts";
import { OperationError } from "../errors.ts";

const REQUEST_TIMEOUT_MS = 15_000;
const Answer = z.object({ switch: SwitchSchema });
const Problem = z.object({ detail: z.string().optional(), title: z.string().optional() });

export async function requestSwitch(
  config: AgentConfig,
  body: { sha: string; reason?: string | undefined },
): Promise<SwitchRecord> {
  return call(config, "/switch", { method: "POST", body: JSON.stringify(body) });
}

export async function readSwitch(config: AgentConfig, switchId: string): Promise<SwitchRecord> {
  return call(config, `/switches/${encodeURIComponent(switchId)}`, { method: "GET" });
}

async function call(config: AgentConfig, route: string, init: RequestInit): Promise<SwitchRecord> {
  const launcher = config.launcher;
  if (launcher === null) {
    throw new OperationError(
      "precondition_failed",
      "ATT is not running under the launcher, so it cannot restart itself: start it with `npm run launch`",
    );
  }
  let response: Response;
  try {
    response = await fetch(new URL(route, launcher.url), {
      ...init,
      headers: { authorization: `Bearer ${launcher.token}`, "content-type": "application/json" },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new OperationError(
      "upstream_error",
      `the launcher at ${launcher.url} did not answer: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    const problem = Problem.safeParse(safeJson(text));
    const detail = problem.success ? (problem.data.detail ?? problem.data.title) : undefined;
    const code =
      response.status === 404
        ? "not_found"
        : response.status === 409
          ? "conflict"
          : response.status < 500
            ? "bad_request"
            : "upstream_error";
    throw new OperationError(code, `the launcher refused: ${detail ?? `HTTP ${response.status}`}`);
  }
  const parsed = Answer.safeParse(safeJson(text));
  if (!parsed.success) throw new OperationError("upstream_error", "the launcher's answer does not match its protocol");
  return parsed.data.switch;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
