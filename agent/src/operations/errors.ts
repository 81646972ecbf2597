/** The error operations throw; the link turns it into a wire error with the same code. */
import type { ErrorCode } from "@att/shared";

export class OperationError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "OperationError";
    this.code = code;
  }
}
