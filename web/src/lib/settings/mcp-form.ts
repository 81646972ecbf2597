/**
 * The Settings view's MCP forms, as plain functions: turning what the user
 * typed (arguments one per line, environment rows, JSON tool arguments) into
 * the API's shapes, with a message for what cannot be sent.
 */

export interface EnvRow {
  name: string;
  value: string;
}

/** One argument per line; blank lines are dropped, nothing else is trimmed (a space can matter). */
export function argsFromLines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

/** Rows with a name become variables; a later row of the same name wins. */
export function envFromRows(rows: readonly EnvRow[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const row of rows) if (row.name.trim() !== "") env[row.name.trim()] = row.value;
  return env;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Tool arguments as typed: a JSON object, or empty for none. */
export function argumentsFromJson(text: string): Parsed<Record<string, unknown>> {
  if (text.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The arguments are not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: 'The arguments must be a JSON object, e.g. {"text": "hi"}.' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The attempts of a failed call, when the problem carries them (a 502 from the hub). */
export function attemptsOf<T>(details: unknown): T[] {
  if (typeof details !== "object" || details === null || !("attempts" in details)) return [];
  const attempts = (details as { attempts: unknown }).attempts;
  return Array.isArray(attempts) ? (attempts as T[]) : [];
}
