/**
 * The "Change ATT" form: what the user typed, what is wrong with it before
 * it is sent (the server says the rest, as problem+json), and the body of
 * POST /projects/{id}/self/changes it becomes.
 */
import type { Schemas } from "../api/client.ts";

export type SelfChangeRequest = Schemas["SelfChangeRequest"];

/**
 * The server's CI polling defaults (CI_POLL_DEFAULTS in shared/src/ops/self.ts).
 * The generated request type asks for all three when `ci` is sent at all, and
 * the form only sets the timeout.
 */
const CI_INTERVAL_MS = 10_000;
const CI_MAX_INTERVAL_MS = 60_000;
/** The server's bounds for the CI timeout (1 s to a day), in minutes as the form asks. */
export const MAX_CI_TIMEOUT_MINUTES = 1440;

export interface FileEdit {
  /** Stable across edits and removals, for the form's list and its per-file messages. */
  key: number;
  path: string;
  content: string;
}

let lastKey = 0;

export function newFile(path = "", content = ""): FileEdit {
  lastKey += 1;
  return { key: lastKey, path, content };
}

export interface SelfChangeForm {
  title: string;
  body: string;
  files: FileEdit[];
  restart: boolean;
  /** Null (the field left empty): the default, 10 minutes. */
  ciTimeoutMinutes: number | null;
}

export function emptyForm(): SelfChangeForm {
  return { title: "", body: "", files: [newFile()], restart: true, ciTimeoutMinutes: null };
}

/** A path as the server takes it: trimmed, without a leading "./" or "/". */
export function normalizePath(path: string): string {
  return path.trim().replace(/^(\.\/|\/)+/, "");
}

/** What keeps the form from being sent, in the words the form shows; empty when it can go. */
export function formProblems(form: SelfChangeForm): string[] {
  const problems: string[] = [];
  if (form.title.trim() === "") problems.push("Give the change a title.");
  if (form.files.length === 0) problems.push("Add at least one file.");
  const seen = new Set<string>();
  form.files.forEach((file, index) => {
    const path = normalizePath(file.path);
    if (path === "") problems.push(`File ${index + 1} has no path.`);
    else if (seen.has(path)) problems.push(`${path} is listed twice.`);
    seen.add(path);
  });
  const minutes = ciMinutes(form.ciTimeoutMinutes);
  if (Number.isNaN(minutes)) problems.push(`The CI timeout must be 1 to ${MAX_CI_TIMEOUT_MINUTES} minutes.`);
  return problems;
}

/** The timeout in minutes, null when left empty, NaN when it is not a valid number of minutes. */
function ciMinutes(value: number | null): number | null {
  if (value === null) return null;
  return Number.isFinite(value) && value >= 1 && value <= MAX_CI_TIMEOUT_MINUTES ? value : Number.NaN;
}

/** The request body; call only when `formProblems` is empty. */
export function selfChangeBody(form: SelfChangeForm): SelfChangeRequest {
  const minutes = ciMinutes(form.ciTimeoutMinutes);
  const body: SelfChangeRequest = {
    title: form.title.trim(),
    body: form.body,
    files: form.files.map((file) => ({ path: normalizePath(file.path), content: file.content })),
    restart: form.restart,
  };
  if (minutes !== null && !Number.isNaN(minutes)) {
    body.ci = {
      intervalMs: CI_INTERVAL_MS,
      maxIntervalMs: CI_MAX_INTERVAL_MS,
      timeoutMs: Math.round(minutes * 60_000),
    };
  }
  return body;
}
