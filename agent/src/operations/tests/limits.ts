/** Bounds on what one test run record holds, so records and events fit a link frame. */
import type { Failure } from "./types.ts";

export const MAX_FAILURES = 200;
const MAX_MESSAGE_CHARS = 2000;
/** The end of a traceback is where the failure is; the start goes first. */
const MAX_TRACEBACK_CHARS = 8000;
export const OUTPUT_TAIL_BYTES = 16 * 1024;

export function boundFailure(failure: Failure): Failure {
  return {
    ...failure,
    id: failure.id.slice(0, 1000),
    message:
      failure.message.length > MAX_MESSAGE_CHARS ? `${failure.message.slice(0, MAX_MESSAGE_CHARS)}…` : failure.message,
    traceback:
      failure.traceback.length > MAX_TRACEBACK_CHARS
        ? `…${failure.traceback.slice(-MAX_TRACEBACK_CHARS)}`
        : failure.traceback,
  };
}
