/** Chat answers: code fences and inline code, everything else kept as text with its newlines. */
import { describe, expect, it } from "vitest";
import { blocks, inlineParts } from "../src/lib/chat/rich-text.ts";

describe("blocks", () => {
  it("splits text and fenced code, keeping the code's language and lines", () => {
    expect(blocks("Here:\n```python\nprint('hi')\n  x = 1\n```\nDone.\nBye")).toEqual([
      { kind: "text", parts: [{ kind: "text", text: "Here:" }] },
      { kind: "code", lang: "python", text: "print('hi')\n  x = 1" },
      { kind: "text", parts: [{ kind: "text", text: "Done.\nBye" }] },
    ]);
  });

  it("shows a fence still open while the answer streams as code", () => {
    expect(blocks("Look\n```\nline 1")).toEqual([
      { kind: "text", parts: [{ kind: "text", text: "Look" }] },
      { kind: "code", lang: null, text: "line 1" },
    ]);
  });

  it("closes a fence only with a fence of the same kind, at least as long", () => {
    expect(blocks("````\n```\n````")).toEqual([{ kind: "code", lang: null, text: "```" }]);
  });

  it("gives nothing for empty text", () => {
    expect(blocks("")).toEqual([]);
  });
});

describe("inlineParts", () => {
  it("finds `inline code` and leaves markup as plain text", () => {
    expect(inlineParts("run `nat serve` then <b>go</b>")).toEqual([
      { kind: "text", text: "run " },
      { kind: "code", text: "nat serve" },
      { kind: "text", text: " then <b>go</b>" },
    ]);
    expect(inlineParts("a lone ` tick")).toEqual([{ kind: "text", text: "a lone ` tick" }]);
  });

  it("finds **bold**, but not around spaces or inside code", () => {
    expect(inlineParts("Deploy **release 3** now")).toEqual([
      { kind: "text", text: "Deploy " },
      { kind: "strong", text: "release 3" },
      { kind: "text", text: " now" },
    ]);
    expect(inlineParts("2 ** 3 ** 4")).toEqual([{ kind: "text", text: "2 ** 3 ** 4" }]);
    expect(inlineParts("`a **b**`")).toEqual([{ kind: "code", text: "a **b**" }]);
  });
});
