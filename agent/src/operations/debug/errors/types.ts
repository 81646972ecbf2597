/** Types of parsed errors, inferred from the contract (which exports the schemas). */
import type { ParsedError, TracebackFrame } from "@att/shared";
import type { z } from "zod";

export type TracebackFrameShape = z.infer<typeof TracebackFrame>;
/** What is stored per distinct error: the ParsedError without its counters. */
export type ErrorDetail = Omit<ParsedError, "count" | "firstSeen" | "lastSeen" | "logCursor">;
