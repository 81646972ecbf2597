/**
 * Why a release did not come up, in one line a person can act on: the
 * runtime's message, plus the exception NAT printed while it failed, taken
 * from the errors the runtime parsed out of the app's output (the last
 * lines of a failure often begin in the middle of a long traceback).
 */
import type { ParsedError } from "@att/shared";
import type { AgentDb } from "../../state/db.ts";
import { listErrors } from "../debug/errors/store.ts";

const MAX_REASON_CHARS = 2000;
const RECENT_ERRORS = 20;

/**
 * The newest error printed after log cursor `after`: a Python exception when
 * there is one (NAT's own closing lines, e.g. "Failed to initialize
 * workflow", only say that something failed), else NAT's error line.
 */
export function printedError(db: AgentDb, projectId: string, after: number): string | null {
  const recent = listErrors(db, { projectId, limit: RECENT_ERRORS }).filter((error) => error.logCursor > after);
  const chosen: ParsedError | undefined = recent.find((error) => error.source === "runtime") ?? recent[0];
  if (chosen === undefined) return null;
  return chosen.message === "" ? chosen.type : `${chosen.type}: ${chosen.message}`;
}

export function failureReason(error: unknown, printed: string | null): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = printed === null || message.includes(printed) ? message : `${message}: ${printed}`;
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
}
