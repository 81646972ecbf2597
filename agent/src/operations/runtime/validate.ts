/**
 * `nat validate` before every start, and NAT's own words when it refuses a
 * config: for an unknown `_type`, its "Requested ... type `x` not found"
 * sentence and the names it does know (short forms, without the long
 * module-qualified duplicates); otherwise the "Error:" block it prints.
 */
import type { OutputStream } from "../../process/group.ts";
import { spawnGroup } from "../../process/group.ts";
import { OperationError } from "../errors.ts";
import { NAT_INSTALL_HINT } from "../projects/nat-cli.ts";

const VALIDATE_TIMEOUT_MS = 120_000;
const KEPT_LINES = 400;
const MAX_MESSAGE_CHARS = 3000;
const DETAIL_LINES = 60;

export async function validateConfig(options: {
  command: string;
  root: string;
  configPath: string;
  env: Readonly<Record<string, string>>;
  onLine: (stream: OutputStream, text: string) => void;
}): Promise<void> {
  const lines: { stream: OutputStream; text: string }[] = [];
  const group = spawnGroup({
    argv: [options.command, "validate", "--config_file", options.configPath],
    cwd: options.root,
    env: options.env,
    onLine: (stream, text) => {
      options.onLine(stream, text);
      lines.push({ stream, text });
      if (lines.length > KEPT_LINES * 2) lines.splice(0, lines.length - KEPT_LINES);
    },
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void group.stop(2000);
  }, VALIDATE_TIMEOUT_MS);
  const exit = await group.exited.finally(() => clearTimeout(timer));
  if (exit.spawnError !== null) {
    throw new OperationError(
      "precondition_failed",
      `cannot run '${options.command}' (${exit.spawnError.message}): ${NAT_INSTALL_HINT}`,
      {
        reason: "nat_missing",
        command: options.command,
      },
    );
  }
  if (exit.exitCode === 0 && !timedOut) return;
  if (timedOut || exit.exitCode === null) {
    throw new OperationError("upstream_error", `nat validate did not finish within ${VALIDATE_TIMEOUT_MS / 1000} s`, {
      exitCode: null,
      signal: exit.signal,
    });
  }
  throw new OperationError("validation_failed", `NAT rejected ${options.configPath}: ${validationMessage(lines)}`, {
    configPath: options.configPath,
    exitCode: exit.exitCode,
    output: lines
      .slice(-DETAIL_LINES)
      .map((l) => l.text)
      .join("\n"),
  });
}

const REQUESTED = /Requested (\S+) type `[^`]*` not found.*$/;
const NAT_PREFIX = /^\d{4}-\d{2}-\d{2}[ T][\d:.,]+\s+-\s+\w+\s+-\s+[\w.]+(?::\d+)?\s+-\s/;

/** The useful part of what `nat validate` printed when it failed. */
export function validationMessage(lines: readonly { stream: OutputStream; text: string }[]): string {
  const texts = lines.map((l) => l.text);
  const unknown = unknownTypeMessage(texts);
  if (unknown !== null) return cap(unknown);
  const errorBlock = texts.indexOf("Error:");
  if (errorBlock !== -1) {
    const block = texts
      .slice(errorBlock + 1, errorBlock + 21)
      .join("\n")
      .trim();
    if (block !== "") return cap(block);
  }
  const cli = texts.findLast((t) => t.startsWith("Error: "));
  if (cli !== undefined) return cap(cli.slice("Error: ".length));
  const tail = texts.filter((t) => t.trim() !== "").slice(-5);
  return cap(tail.join("\n") || "no output");
}

/** "Requested workflow type `x` not found. ... Available workflow types: a, b, c" */
function unknownTypeMessage(texts: readonly string[]): string | null {
  const at = texts.findIndex((t) => REQUESTED.test(t));
  if (at === -1) return null;
  const sentence = (texts[at] ?? "").replace(NAT_PREFIX, "").trim();
  const kind = REQUESTED.exec(texts[at] ?? "")?.[1] ?? "component";
  const names = new Set<string>();
  for (const text of texts.slice(at + 1)) {
    const item = /^\s*-\s+(\S+)\s*$/.exec(text);
    if (item === null) {
      if (names.size > 0) break;
      continue;
    }
    names.add((item[1] ?? "").split("/").at(-1) ?? "");
  }
  names.delete("");
  const known = names.size > 0 ? ` Available ${kind} types: ${[...names].join(", ")}.` : "";
  return `${sentence}${known}`;
}

function cap(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}
