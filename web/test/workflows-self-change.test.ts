/** The "Change ATT" form: what stops it from being sent, and the body it sends. */
import { describe, expect, it } from "vitest";
import { emptyForm, formProblems, newFile, normalizePath, selfChangeBody } from "../src/lib/workflows/self-change.ts";

describe("the self-change form", () => {
  it("starts with one empty file, restart on and the default CI timeout", () => {
    const form = emptyForm();
    expect(form.files).toHaveLength(1);
    expect(form.restart).toBe(true);
    expect(form.ciTimeoutMinutes).toBeNull();
    expect(newFile().key).not.toBe(newFile().key);
  });

  it("says what is missing or wrong", () => {
    expect(formProblems(emptyForm())).toEqual(["Give the change a title.", "File 1 has no path."]);
    const twice = {
      ...emptyForm(),
      title: "x",
      files: [newFile("docs/a.md"), newFile("./docs/a.md")],
      ciTimeoutMinutes: 0,
    };
    expect(formProblems(twice)).toEqual(["docs/a.md is listed twice.", "The CI timeout must be 1 to 1440 minutes."]);
    expect(formProblems({ ...emptyForm(), title: "x", files: [] })).toEqual(["Add at least one file."]);
    expect(formProblems({ ...emptyForm(), title: "x", files: [newFile("a")], ciTimeoutMinutes: 1441 })).toHaveLength(1);
    expect(formProblems({ ...emptyForm(), title: "x", files: [newFile("a")], ciTimeoutMinutes: 30 })).toEqual([]);
  });

  it("normalizes paths the way the server reads them", () => {
    expect(normalizePath("  ./docs/a.md ")).toBe("docs/a.md");
    expect(normalizePath("/README.md")).toBe("README.md");
    expect(normalizePath("a/./b")).toBe("a/./b");
  });

  it("sends the edits, the restart choice, and CI only when a timeout was set", () => {
    const form = {
      ...emptyForm(),
      title: "  Docs: hello ",
      body: "Why",
      files: [newFile(" docs/hello.md", "# Hello\n")],
      restart: false,
    };
    expect(selfChangeBody(form)).toEqual({
      title: "Docs: hello",
      body: "Why",
      files: [{ path: "docs/hello.md", content: "# Hello\n" }],
      restart: false,
    });
    expect(selfChangeBody({ ...form, ciTimeoutMinutes: 2 }).ci).toEqual({
      intervalMs: 10_000,
      maxIntervalMs: 60_000,
      timeoutMs: 120_000,
    });
  });
});
