/** The error operations throw; the link turns it into a wire error with the same code. */
import type { ErrorCode, Json } from "@att/shared";

export class OperationError extends Error {
  readonly code: ErrorCode;
  readonly details: Json | undefined;
  constructor(code: ErrorCode, message: string, details?: Json) {
    super(message);
    this.name = "OperationError";
    this.code = code;
    this.details = details;
  }
}

/** Placeholder for a method whose implementation is being written; removed before the issue closes. */
export async function notBuiltYet(): Promise<never> {
  throw new OperationError("internal", "this operation is not built yet");
}
