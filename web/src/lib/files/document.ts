/**
 * What the editor does with a file read through code.read: edit it as text,
 * or only say what it is (binary, too large), never loading more than one
 * page. Also the Ace mode for a file name and the URL form of a project path.
 */
import type { Schemas } from "#lib/api/client.ts";
import { bytes } from "#lib/format.ts";

export type FileContent = Schemas["FileContent"];

/** code.write refuses more (MAX_WRITE_BYTES); a file this size is edited, anything larger only described. */
export const MAX_EDIT_BYTES = 512 * 1024;

export type OpenedFile =
  | { kind: "text"; path: string; text: string; sha256: string; size: number }
  | { kind: "binary"; path: string; size: number; sha256: string; base64: string | null }
  | { kind: "too_large"; path: string; size: number; sha256: string };

/** Sorts one read into text to edit, a binary file, or one too large to edit. */
export function openedFile(read: FileContent): OpenedFile {
  const whole = read.offset === 0 && read.nextOffset === null;
  if (read.binary || read.encoding === "base64") {
    return {
      kind: "binary",
      path: read.path,
      size: read.size,
      sha256: read.sha256,
      base64: whole && read.encoding === "base64" ? read.content : null,
    };
  }
  if (!whole || read.size > MAX_EDIT_BYTES) {
    return { kind: "too_large", path: read.path, size: read.size, sha256: read.sha256 };
  }
  return { kind: "text", path: read.path, text: read.content, size: read.size, sha256: read.sha256 };
}

/** "binary file, 2048 bytes (2.0 KiB)" or "too large to edit, …": what the editor shows instead. */
export function describeFile(file: OpenedFile): string {
  const size = file.size < 1024 ? `${file.size} bytes` : `${file.size} bytes (${bytes(file.size)})`;
  if (file.kind === "binary") return `binary file, ${size}`;
  if (file.kind === "too_large") return `too large to edit, ${size}`;
  return `text, ${size}`;
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  bmp: "image/bmp",
};

/** A data: URL to preview a binary image read whole; null for anything else. */
export function imagePreview(file: OpenedFile): string | null {
  if (file.kind !== "binary" || file.base64 === null) return null;
  const type = IMAGE_TYPES[extensionOf(file.path)];
  return type === undefined ? null : `data:${type};base64,${file.base64}`;
}

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase();
}

const MODES: Readonly<Record<string, string>> = {
  py: "python",
  pyi: "python",
  yml: "yaml",
  yaml: "yaml",
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "javascript",
  md: "markdown",
  markdown: "markdown",
  json: "json",
  jsonc: "json",
  toml: "toml",
};
const NAMED_MODES: Readonly<Record<string, string>> = { "uv.lock": "toml", "poetry.lock": "toml", Pipfile: "toml" };

/** The Ace mode for a file, by name then extension; plain text when unknown. */
export function aceModeFor(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return `ace/mode/${NAMED_MODES[name] ?? MODES[extensionOf(path)] ?? "text"}`;
}

/** A project path as it goes in a URL: each segment encoded, the slashes kept (files/{path} spans segments). */
export function encodeFilePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/**
 * openapi-fetch's `pathSerializer` for the files/{path} routes: `{path}` keeps
 * its slashes (the default would send them as %2F), every other parameter is
 * one encoded segment.
 */
export function serializeFilePath(pathname: string, params: Record<string, unknown>): string {
  return pathname.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (typeof value !== "string" && typeof value !== "number") return whole;
    return name === "path" ? encodeFilePath(String(value)) : encodeURIComponent(String(value));
  });
}
