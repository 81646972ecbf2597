/**
 * Secret redaction for everything that leaves the machine: the link's frames
 * (events, answers, hello) and the agent's own log lines. A secret is a value
 * the agent knows (its tokens, its secret-named environment variables, the
 * values of its projects' `.env` files) or a string of a well-known token
 * shape; each becomes `[redacted]` (a Bearer token keeps its `Bearer `).
 *
 * Known limit: redaction sees one string at a time, so a secret split across
 * two strings sent separately (two output batches of one stream) is not
 * recognised; a private key cut in two loses its tail half only.
 */
import { DotEnvSecrets, secretEnvValues } from "./dotenv-secrets.ts";

export const REDACTED = "[redacted]";
/** Shorter values are never treated as secrets: they would blank out ordinary words. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Well-known token shapes, as one global pattern (each match is replaced
 * whole). A boundary lookbehind sits after the first character so the engine
 * can skip ahead on it; a Bearer credential keeps its `Bearer ` (group 1).
 */
const TOKEN_SHAPES = new RegExp(
  [
    // PEM private keys; one cut off at the end of the string is redacted to its end.
    String.raw`-----BEGIN[A-Z ]{0,40} PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]{0,40} PRIVATE KEY-----|$)`,
    // Distinctive prefixes match anywhere, even glued to other text.
    "gh[pousr]_[A-Za-z0-9]{20,}", // GitHub classic, OAuth, app tokens
    "github_pat_[A-Za-z0-9_]{20,}", // GitHub fine-grained
    "nvapi-[A-Za-z0-9_-]{20,}", // NVIDIA API keys
    // Short prefixes need a boundary before them (no "task-…", "pdf_…").
    "s(?<![A-Za-z0-9_-]s)k-[A-Za-z0-9_-]{20,}", // OpenAI-style (also sk-proj-, sk-ant-)
    "h(?<![A-Za-z0-9_-]h)f_[A-Za-z0-9]{30,}", // Hugging Face
    "A(?<![A-Za-z0-9]A)(?:KIA|SIA)[A-Z0-9]{16}(?![A-Za-z0-9])", // AWS access key ids
    String.raw`e(?<![A-Za-z0-9_-]e)yJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`, // JWTs
    // The credential of `Bearer <x>`: at least 12 token characters, one of them a digit (prose has none).
    String.raw`(\b[Bb]earer\s{1,8})(?=[A-Za-z0-9._~+/-]*[0-9])[A-Za-z0-9._~+/-]{12,}=*`,
  ].join("|"),
  "g",
);
const replaceShape = (_match: string, bearer: string | undefined): string =>
  bearer === undefined ? REDACTED : `${bearer}${REDACTED}`;

interface Sources {
  /** Values known at start: the agent's tokens and secret-named environment variables. */
  fixed: ReadonlySet<string>;
  /** The projects' `.env` values, re-read when a file changes; null when no projects root is known. */
  dotenv: DotEnvSecrets | null;
}

let sources: Sources = { fixed: new Set(), dotenv: null };
/** The literal secrets as one pattern, longest first (a secret containing another is replaced whole). */
let literals: RegExp | null = null;

/**
 * Sets what counts as a secret: the agent's tokens, the secret-named
 * variables of `env`, and the `.env` values of the projects under
 * `projectsDir`. Called once by the agent at start (and by tests).
 */
export function configureRedaction(options: {
  tokens: ReadonlyArray<string | null | undefined>;
  env: NodeJS.ProcessEnv;
  projectsDir: string | null;
}): void {
  const fixed = new Set<string>(secretEnvValues(options.env));
  for (const token of options.tokens) if (token != null && token.length >= MIN_SECRET_LENGTH) fixed.add(token);
  sources.dotenv?.close();
  sources = { fixed, dotenv: options.projectsDir === null ? null : new DotEnvSecrets(options.projectsDir) };
  sources.dotenv?.refresh();
  rebuild();
}

/** Re-reads the `.env` files that changed (watched; stat-checked every second as a fallback). */
export function refreshSecrets(): void {
  if (sources.dotenv?.refresh() === true) rebuild();
}

function rebuild(): void {
  const all = new Set(sources.fixed);
  for (const value of sources.dotenv?.values() ?? []) all.add(value);
  const sorted = [...all].sort((a, b) => b.length - a.length).map(escapeRegExp);
  literals = sorted.length === 0 ? null : new RegExp(sorted.join("|"), "g");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `text` with every known secret and token-shaped string replaced by `[redacted]`. */
export function redactText(text: string): string {
  if (text.length < MIN_SECRET_LENGTH) return text;
  const known = literals === null ? text : text.replace(literals, REDACTED);
  return known.replace(TOKEN_SHAPES, replaceShape);
}

const redactStrings = (_key: string, value: unknown): unknown =>
  typeof value === "string" ? redactText(value) : value;

/**
 * JSON text of `value` with every string in it redacted (after checking the
 * `.env` files for changes): how frames and log lines are written.
 */
export function stringifyRedacted(value: unknown): string {
  refreshSecrets();
  return JSON.stringify(value, redactStrings);
}

/**
 * True when writing `next` over `current` would put `[redacted]` where
 * `current` holds secrets: content that was redacted on its way out and
 * is now being saved back.
 */
export function wouldOverwriteSecrets(current: string, next: string): boolean {
  const placed = next.split(REDACTED).length - current.split(REDACTED).length;
  if (placed <= 0) return false;
  refreshSecrets();
  return redactText(current) !== current;
}
