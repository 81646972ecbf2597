/**
 * Structured logs: one JSON object per line. Callers pass fields, never
 * secrets; tokens and Authorization headers are not logged anywhere.
 */
type Level = "debug" | "info" | "warn" | "error";
type Fields = Record<string, string | number | boolean | null | undefined>;

export function log(level: Level, message: string, fields: Fields = {}): void {
  const line = JSON.stringify({ level, message, ...fields, at: new Date().toISOString() });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
