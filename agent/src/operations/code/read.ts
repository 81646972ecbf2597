/**
 * code.read: a page of a file, utf8 for text and base64 for binary, with the
 * whole file's digest so a later write can check nothing changed in between.
 */
import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { decodeUtf8, inspectFile, utf8Boundary } from "./content.ts";
import { jailInProject } from "./project.ts";

/** A UTF-8 character is at most 4 bytes: read this much past the page to finish the last one. */
const CHARACTER_SLACK = 3;

export const codeRead: Operation<"code.read"> = async (params, context) => {
  const jailed = await jailInProject(context, params.projectId, params.path);
  const handle = await openForRead(jailed.absolute, params.path);
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new OperationError("bad_request", `'${params.path}' is a directory; use code.tree`);
    if (!stats.isFile()) throw new OperationError("bad_request", `'${params.path}' is not a regular file`);
    if (params.offset > stats.size) {
      throw new OperationError(
        "bad_request",
        `offset ${params.offset} is past the end of '${params.path}' (${stats.size} bytes)`,
      );
    }
    const { sha256, binary } = await inspectFile(handle);
    const page = await readPage(handle, params.offset, params.length, binary);
    const content = binary ? Buffer.from(page).toString("base64") : decodeUtf8(page);
    if (content === null) {
      throw new OperationError("bad_request", `offset ${params.offset} falls inside a UTF-8 character; use nextOffset`);
    }
    const end = params.offset + page.length;
    return {
      path: jailed.relative,
      encoding: binary ? "base64" : "utf8",
      binary,
      content,
      size: stats.size,
      offset: params.offset,
      nextOffset: end < stats.size ? end : null,
      sha256,
    };
  } finally {
    await handle.close();
  }
};

/** Opens without following a final symlink (the jail resolved them) and without blocking on a FIFO. */
async function openForRead(absolute: string, request: string): Promise<FileHandle> {
  try {
    return await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new OperationError("not_found", `no file '${request}' in the project`);
    if (code === "ELOOP")
      throw new OperationError("forbidden", `path '${request}' changed into a symlink while being read`);
    throw error;
  }
}

/** Text pages end on a character boundary so each page decodes on its own. */
async function readPage(handle: FileHandle, offset: number, length: number, binary: boolean): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length + (binary ? 0 : CHARACTER_SLACK));
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
  const bytes = buffer.subarray(0, bytesRead);
  if (binary || bytesRead <= length) return bytes;
  return bytes.subarray(0, utf8Boundary(bytes, length));
}
