/** Turning git's failures into operation errors without leaking credentials. */
import type { ErrorCode } from "@att/shared";
import { GitError } from "simple-git";
import { OperationError } from "../errors.ts";

const MAX_MESSAGE = 2000;

/** `https://user:token@host/x.git` → `https://host/x.git`; scp-style and plain paths are unchanged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    // ssh's user (`ssh://git@host/…`) is an account name, not a secret; an http(s) user may be a token.
    if (parsed.protocol === "ssh:" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return redactText(url);
  }
}

/** Removes `user:password@` from every URL inside free text (git echoes URLs in its errors). */
export function redactText(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, "$1");
}

/** git's own words for a failure, trimmed, redacted and bounded. */
export function gitMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = redactText(raw.trim());
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** Runs a git command; a failure becomes OperationError(code) carrying git's message. */
export async function gitOr<T>(code: ErrorCode, prefix: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OperationError) throw error;
    throw new OperationError(code, `${prefix}: ${gitMessage(error)}`);
  }
}

/** True when the command exits 0; for probes such as `show-ref --verify --quiet`. */
export async function succeeds(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}
