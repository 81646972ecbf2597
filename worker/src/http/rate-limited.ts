/** A refused rate budget as a 429 problem with Retry-After. */
import type { Admission } from "../accounts/rate-limit.ts";
import { ApiError } from "./api-error.ts";

export function admitted(admission: Admission): void {
  if (admission.ok) return;
  const seconds = admission.retryAfterSeconds;
  throw new ApiError("rate_limited", `too many requests with this credential: try again in ${seconds} s`).withHeaders({
    "retry-after": String(seconds),
  });
}
