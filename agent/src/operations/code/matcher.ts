/**
 * How code.search matches a line: always a JavaScript RegExp, so literal and
 * regex queries share one definition of "match" and of the column.
 */
import { OperationError } from "../errors.ts";

/** Returns the 1-based column (UTF-16 units) of the first match in a line, or null. */
export type LineMatcher = (line: string) => number | null;

export function lineMatcher(options: { query: string; regex: boolean; caseSensitive: boolean }): LineMatcher {
  const source = options.regex ? options.query : escapeRegExp(options.query);
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, options.caseSensitive ? "" : "i");
  } catch (error) {
    throw new OperationError("bad_request", `invalid regular expression: ${(error as Error).message}`);
  }
  return (line) => {
    const found = pattern.exec(line);
    return found === null ? null : found.index + 1;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
