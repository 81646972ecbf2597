/** code.read against real files: text, binary, paging, large files and bad input. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { MAX_READ_BYTES } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codeOperations } from "../src/operations/code/index.ts";
import { type CodeProject, createCodeProject } from "./support/code-project.ts";

let project: CodeProject;
beforeEach(async () => {
  project = await createCodeProject();
});
afterEach(() => {
  project.dispose();
});

const digest = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("code.read", () => {
  it("reads a text file whole, with its size and digest", async () => {
    project.files({ "src/app.py": "print('hi')\n" });
    expect(await project.read({ path: "src/app.py" })).toEqual({
      path: "src/app.py",
      encoding: "utf8",
      binary: false,
      content: "print('hi')\n",
      size: 12,
      offset: 0,
      nextOffset: null,
      sha256: digest("print('hi')\n"),
    });
  });

  it("normalizes './' and repeated slashes in the path it reports", async () => {
    project.files({ "src/a.txt": "a" });
    expect((await project.read({ path: "./src//a.txt" })).path).toBe("src/a.txt");
  });

  it("keeps a byte-order mark so the text round-trips", async () => {
    project.files({ "bom.txt": "\uFEFFhello" });
    expect((await project.read({ path: "bom.txt" })).content).toBe("\uFEFFhello");
  });

  it("returns a file with a NUL byte as base64", async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]);
    project.files({ "logo.png": bytes });
    const result = await project.read({ path: "logo.png" });
    expect(result).toMatchObject({ encoding: "base64", binary: true, size: 7, sha256: digest(bytes) });
    expect(Buffer.from(result.content, "base64").equals(bytes)).toBe(true);
  });

  it("returns invalid UTF-8 without NUL bytes as base64", async () => {
    const bytes = Buffer.concat([Buffer.from("abc "), Buffer.from([0xc3, 0x28]), Buffer.from(" def")]);
    project.files({ "latin.txt": bytes });
    const result = await project.read({ path: "latin.txt" });
    expect(result.binary).toBe(true);
    expect(Buffer.from(result.content, "base64").equals(bytes)).toBe(true);
  });

  it("pages through text without splitting a character", async () => {
    const text = "aé€😀b".repeat(5);
    project.files({ "multi.txt": text });
    let offset: number | null = 0;
    let joined = "";
    let pages = 0;
    while (offset !== null) {
      const page = await project.read({ path: "multi.txt", offset, length: 2 });
      expect(page.binary).toBe(false);
      joined += page.content;
      offset = page.nextOffset;
      pages += 1;
    }
    expect(joined).toBe(text);
    expect(pages).toBeGreaterThan(10);
  });

  it("pages through binary content byte-exact", async () => {
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => i % 7));
    project.files({ "data.bin": bytes });
    const first = await project.read({ path: "data.bin", length: 64 });
    const second = await project.read({ path: "data.bin", offset: first.nextOffset ?? -1, length: 64 });
    expect(first.nextOffset).toBe(64);
    expect(second.nextOffset).toBeNull();
    const joined = Buffer.concat([Buffer.from(first.content, "base64"), Buffer.from(second.content, "base64")]);
    expect(joined.equals(bytes)).toBe(true);
  });

  it("returns the first page of a file over the read limit, with the whole file's digest", async () => {
    const text = "0123456789abcdef\n".repeat(Math.ceil((MAX_READ_BYTES * 1.5) / 17));
    project.files({ "big.log": text });
    const result = await project.read({ path: "big.log" });
    expect(result.content.length).toBe(MAX_READ_BYTES);
    expect(result.nextOffset).toBe(MAX_READ_BYTES);
    expect(result.size).toBe(text.length);
    expect(result.sha256).toBe(digest(text));
    const rest = await project.read({ path: "big.log", offset: MAX_READ_BYTES });
    expect(result.content + rest.content).toBe(text);
    expect(rest.nextOffset).toBeNull();
  });

  it("reads an empty file and the end of a file", async () => {
    project.files({ "empty.txt": "", "short.txt": "abc" });
    expect(await project.read({ path: "empty.txt" })).toMatchObject({ content: "", size: 0, nextOffset: null });
    expect(await project.read({ path: "short.txt", offset: 3 })).toMatchObject({ content: "", nextOffset: null });
  });

  it("refuses a directory, a missing file, an offset past the end and one inside a character", async () => {
    project.files({ "src/a.txt": "é" });
    await expect(project.read({ path: "src" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(project.read({ path: "src/missing.txt" })).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining("src/missing.txt"),
    });
    await expect(project.read({ path: "src/a.txt/deeper" })).rejects.toMatchObject({ code: "not_found" });
    await expect(project.read({ path: "src/a.txt", offset: 3 })).rejects.toMatchObject({ code: "bad_request" });
    await expect(project.read({ path: "src/a.txt", offset: 1 })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("refuses a FIFO instead of blocking on it", async () => {
    mkdirSync(path.join(project.root, "run"));
    execFileSync("mkfifo", [path.join(project.root, "run", "pipe")]);
    await expect(project.read({ path: "run/pipe" })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("reads through a symlink that stays inside the project", async () => {
    project.files({ "real/config.yml": "a: 1\n" });
    execFileSync("ln", ["-s", "real", path.join(project.root, "alias")]);
    expect(await project.read({ path: "alias/config.yml" })).toMatchObject({
      path: "real/config.yml",
      content: "a: 1\n",
    });
  });

  it("answers not_found for an unknown project", async () => {
    await expect(
      codeOperations["code.read"]({ projectId: "missing", path: "a", offset: 0, length: 10 }, project.context),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
