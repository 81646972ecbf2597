/**
 * How the editor treats what code.read answers (text to edit, binary, too
 * large), which Ace mode a file gets, and how file paths go into URLs.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  aceModeFor,
  describeFile,
  encodeFilePath,
  type FileContent,
  imagePreview,
  MAX_EDIT_BYTES,
  openedFile,
  serializeFilePath,
} from "../src/lib/files/document.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** The first page of a file as code.read answers it (binary: a NUL byte in it, as the agent decides). */
async function read(name: string, content: string | Buffer): Promise<FileContent> {
  const bytes = Buffer.from(content);
  const binary = bytes.includes(0);
  const page = bytes.subarray(0, MAX_EDIT_BYTES);
  return {
    path: name,
    binary,
    encoding: binary ? "base64" : "utf8",
    content: binary ? page.toString("base64") : page.toString("utf8"),
    size: bytes.length,
    offset: 0,
    nextOffset: page.length < bytes.length ? page.length : null,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

describe("openedFile", () => {
  it("edits a text file whole, with its digest", async () => {
    const file = openedFile(await read("app.py", "print('héllo')\n"));
    expect(file).toMatchObject({ kind: "text", path: "app.py", text: "print('héllo')\n", size: 16 });
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(describeFile(file)).toBe("text, 16 bytes");
  });

  it("labels a binary file with its size and previews images", async () => {
    const file = openedFile(await read("logo.png", PNG));
    expect(file.kind).toBe("binary");
    expect(describeFile(file)).toBe(`binary file, ${PNG.length} bytes`);
    expect(imagePreview(file)).toBe(`data:image/png;base64,${PNG.toString("base64")}`);
    const blob = openedFile(await read("data.bin", Buffer.from([0, 1, 2, 255])));
    expect(describeFile(blob)).toBe("binary file, 4 bytes");
    expect(imagePreview(blob)).toBeNull();
  });

  it("does not edit a text file larger than one page", async () => {
    const size = MAX_EDIT_BYTES + 10;
    const file = openedFile(await read("big.txt", "a".repeat(size)));
    expect(file.kind).toBe("too_large");
    expect(describeFile(file)).toBe(`too large to edit, ${size} bytes (512.0 KiB)`);
  });
});

describe("aceModeFor", () => {
  it("maps the languages ATT projects use, and plain text otherwise", () => {
    expect(aceModeFor("src/app/register.py")).toBe("ace/mode/python");
    expect(aceModeFor("configs/config.YML")).toBe("ace/mode/yaml");
    expect(aceModeFor("web/x.ts")).toBe("ace/mode/typescript");
    expect(aceModeFor("x.mjs")).toBe("ace/mode/javascript");
    expect(aceModeFor("README.md")).toBe("ace/mode/markdown");
    expect(aceModeFor("package.json")).toBe("ace/mode/json");
    expect(aceModeFor("pyproject.toml")).toBe("ace/mode/toml");
    expect(aceModeFor("uv.lock")).toBe("ace/mode/toml");
    expect(aceModeFor(".gitignore")).toBe("ace/mode/text");
    expect(aceModeFor("Makefile")).toBe("ace/mode/text");
  });
});

describe("file paths in URLs", () => {
  it("keeps the slashes and encodes each segment", () => {
    expect(encodeFilePath("src/my app/a#b?.py")).toBe("src/my%20app/a%23b%3F.py");
    expect(serializeFilePath("http://h/api/v1/projects/{id}/files/{path}", { id: "p 1", path: "src/a b/c.py" })).toBe(
      "http://h/api/v1/projects/p%201/files/src/a%20b/c.py",
    );
  });
});
