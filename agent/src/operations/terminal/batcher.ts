/**
 * Turns a command's raw output into few, bounded `terminal.output` batches:
 * text is decoded per stream (a character split across reads stays whole),
 * collected for up to `BATCH_INTERVAL_MS` or `BATCH_BYTES`, and sent as one
 * piece per stream switch, so the batches concatenate to exactly the output.
 */
import { StringDecoder } from "node:string_decoder";
import type { OutputStream } from "../../process/group.ts";

export const BATCH_INTERVAL_MS = 50;
export const BATCH_BYTES = 16 * 1024;
/** The JSON-escaped text of one batch stays under this, so no event payload exceeds ~64 KiB. */
export const MAX_ESCAPED_BYTES = 60 * 1024;

export type EmitBatch = (stream: OutputStream, text: string) => void;

export class OutputBatcher {
  readonly #emit: EmitBatch;
  readonly #decoders: Record<OutputStream, StringDecoder> = {
    stdout: new StringDecoder("utf8"),
    stderr: new StringDecoder("utf8"),
  };
  #stream: OutputStream = "stdout";
  #text = "";
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(emit: EmitBatch) {
    this.#emit = emit;
  }

  write(stream: OutputStream, chunk: Buffer): void {
    this.#add(stream, this.#decoders[stream].write(chunk), chunk.length);
  }

  /** Sends what is pending, including a partial character left at the end of a stream. */
  end(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.#decoders[stream].end();
      this.#add(stream, rest, Buffer.byteLength(rest));
    }
    this.flush();
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const text = this.#text;
    this.#text = "";
    this.#bytes = 0;
    for (const piece of splitText(text)) this.#emit(this.#stream, piece);
  }

  #add(stream: OutputStream, text: string, bytes: number): void {
    if (text === "") return;
    if (stream !== this.#stream) {
      this.flush();
      this.#stream = stream;
    }
    this.#text += text;
    this.#bytes += bytes;
    if (this.#bytes >= BATCH_BYTES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), BATCH_INTERVAL_MS);
  }
}

/**
 * Cuts text into pieces of at most `BATCH_BYTES` UTF-16 units whose JSON
 * form stays under `MAX_ESCAPED_BYTES` (control characters escape to six
 * bytes), never between the halves of a surrogate pair.
 */
export function splitText(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + BATCH_BYTES);
    while (end - start > 1 && Buffer.byteLength(JSON.stringify(text.slice(start, end))) > MAX_ESCAPED_BYTES) {
      end = start + Math.ceil((end - start) / 2);
    }
    if (end < text.length && end - start > 1 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
