/**
 * The workflow result `nat run` prints. NAT (1.9, console front end) logs
 * to stderr, or prints to stdout when its log level hides INFO:
 *
 *   <log prefix> --------------------------------------------------
 *   ESC[32mWorkflow Result:
 *   <output, any number of lines>ESC[39m
 *   --------------------------------------------------ESC[0m
 *
 * The closing dashed line is the one right after the colour reset, so a
 * result that itself contains a dashed line is kept whole.
 */
import { stripAnsi } from "../runs/ansi.ts";

const MARKER = "Workflow Result:";
const DASHES = /^-{50}$/;
const COLOUR_RESET = "\u001b[39m";

/** The last result in `lines` (raw, with colours), or null when NAT printed none. */
export function workflowResult(lines: readonly string[]): string | null {
  const plain = lines.map((line) => stripAnsi(line).trimEnd());
  const start = plain.findLastIndex((line) => line.endsWith(MARKER));
  if (start === -1) return null;
  let end = -1;
  for (let index = start + 1; index < lines.length && end === -1; index += 1) {
    if (DASHES.test(plain[index] ?? "") && (lines[index - 1] ?? "").endsWith(COLOUR_RESET)) end = index;
  }
  if (end === -1) end = plain.findIndex((line, index) => index > start && DASHES.test(line));
  return plain.slice(start + 1, end === -1 ? undefined : end).join("\n");
}
