/**
 * One fingerprint per distinct error, so repeats are counted rather than
 * listed: a traceback's exception types and frames (file and function, not
 * line numbers, which move with every edit); a NAT message by its text with
 * numbers and addresses blanked out.
 */
import { createHash } from "node:crypto";
import type { Finding, ParsedException } from "./parser.ts";

export function fingerprint<R>(finding: Finding<R>): string {
  const parts: string[] = [finding.source];
  for (const exception of [finding.error, ...finding.causes]) parts.push(describe(exception, finding.source));
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 24);
}

function describe(exception: ParsedException, source: Finding<unknown>["source"]): string {
  const frames = exception.frames.map((f) => `${f.file}:${f.function ?? "?"}`).join("|");
  if (source === "runtime" || frames !== "") return `${exception.type}@${frames}`;
  const firstLine = exception.message.split("\n", 1)[0] ?? "";
  return `${exception.type}:${firstLine.replace(/0x[0-9a-f]+/gi, "0x").replace(/\d+/g, "#")}`;
}
