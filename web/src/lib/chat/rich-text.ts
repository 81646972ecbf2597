/**
 * A little Markdown for chat answers, safe by construction (no HTML is ever
 * produced from the text): fenced code blocks become <pre>, `inline code`
 * becomes <code>, **bold** <strong>; everything else keeps its newlines. A fence still open
 * while an answer streams in is shown as code up to the end.
 */

export type Inline = { kind: "text"; text: string } | { kind: "code"; text: string } | { kind: "strong"; text: string };
export type Block = { kind: "code"; lang: string | null; text: string } | { kind: "text"; parts: Inline[] };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/;

/** `code` (any number of backticks) and **strong**; everything else is text. */
export function inlineParts(text: string): Inline[] {
  const parts: Inline[] = [];
  const pattern = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([^*]*?\S)\*\*/g;
  let last = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match.index > last) parts.push({ kind: "text", text: text.slice(last, match.index) });
    if (match[3] !== undefined) parts.push({ kind: "strong", text: match[3] });
    else parts.push({ kind: "code", text: match[2] ?? "" });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}

/** Splits an answer into text and code blocks. */
export function blocks(source: string): Block[] {
  const result: Block[] = [];
  let text: string[] = [];
  let code: { fence: string; lang: string | null; lines: string[] } | null = null;
  const flushText = () => {
    const joined = text.join("\n").replace(/^\n+|\n+$/g, "");
    if (joined !== "") result.push({ kind: "text", parts: inlineParts(joined) });
    text = [];
  };
  for (const line of source.split("\n")) {
    const fence = FENCE.exec(line);
    if (code === null && fence !== null) {
      flushText();
      code = { fence: fence[1] ?? "```", lang: fence[2] === "" || fence[2] === undefined ? null : fence[2], lines: [] };
    } else if (code !== null && fence !== null && fence[2] === "" && (fence[1] ?? "").startsWith(code.fence)) {
      result.push({ kind: "code", lang: code.lang, text: code.lines.join("\n") });
      code = null;
    } else if (code !== null) {
      code.lines.push(line);
    } else {
      text.push(line);
    }
  }
  if (code !== null) result.push({ kind: "code", lang: code.lang, text: code.lines.join("\n") });
  flushText();
  return result;
}
