/** What the code operations agree on about file contents and path order. */
import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { TextDecoder } from "node:util";

/** Binary sniffing looks at this much of a file's start, like git. */
export const SNIFF_BYTES = 8 * 1024;
const CHUNK_BYTES = 64 * 1024;

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A NUL byte in the sniffed start marks a file as binary. */
export function hasNulInStart(bytes: Uint8Array): boolean {
  return bytes.subarray(0, SNIFF_BYTES).includes(0);
}

/** Strict UTF-8 decoding that keeps a byte-order mark, so text round-trips through write. */
export function strictUtf8(): TextDecoder {
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
}

/** Decodes strictly, or returns null when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8().decode(bytes);
  } catch {
    return null;
  }
}

/** Hashes an open file from start to end and tells whether it is binary, in one pass. */
export async function inspectFile(handle: FileHandle): Promise<{ sha256: string; binary: boolean }> {
  const hash = createHash("sha256");
  const decoder = strictUtf8();
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let position = 0;
  let binary = false;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    hash.update(chunk);
    if (position < SNIFF_BYTES && hasNulInStart(chunk.subarray(0, SNIFF_BYTES - position))) binary = true;
    if (!binary) binary = !decodes(decoder, chunk, true);
    position += bytesRead;
  }
  if (!binary) binary = !decodes(decoder, new Uint8Array(0), false);
  return { sha256: hash.digest("hex"), binary };
}

function decodes(decoder: TextDecoder, chunk: Uint8Array, stream: boolean): boolean {
  try {
    decoder.decode(chunk, { stream });
    return true;
  } catch {
    return false;
  }
}

/** Moves `end` back onto a UTF-8 character boundary (never below `start + 1` when a character is longer). */
export function utf8Boundary(bytes: Uint8Array, end: number): number {
  let boundary = end;
  // Continuation bytes are 10xxxxxx; a character is at most 4 bytes long.
  while (boundary > 0 && boundary > end - 4 && isContinuation(bytes[boundary])) boundary -= 1;
  if (boundary > 0) return boundary;
  boundary = end;
  while (boundary < bytes.length && isContinuation(bytes[boundary])) boundary += 1;
  return boundary;
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** Orders '/'-separated paths segment by segment, so a directory's contents follow it directly. */
export function comparePaths(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const x = left[index] ?? "";
    const y = right[index] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return left.length - right.length;
}
