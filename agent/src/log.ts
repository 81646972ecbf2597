/**
 * Structured agent logs: one JSON line per entry on stderr. Never pass secrets
 * as fields; known secrets in messages and fields are redacted regardless.
 */
import { stringifyRedacted } from "./security/redact.ts";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = ORDER[(process.env.ATT_LOG_LEVEL as Level | undefined) ?? "info"] ?? ORDER.info;

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < threshold) return;
  process.stderr.write(
    `${stringifyRedacted({ level, message, ...fields, at: new Date().toISOString(), source: "agent" })}\n`,
  );
}
