/** Types of log lines, inferred from the contract (which exports only the schemas). */
import type { LogLevel as LogLevelSchema, LogStream as LogStreamSchema, RuntimeLogsParams } from "@att/shared";
import type { z } from "zod";

export type LogLevel = z.infer<typeof LogLevelSchema>;
export type LogStream = z.infer<typeof LogStreamSchema>;
export type LogQuery = z.output<typeof RuntimeLogsParams>;
