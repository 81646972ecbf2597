/**
 * Splits a byte stream into lines. A partial line waits for its end; a line
 * longer than `maxLineBytes` is cut into pieces so one runaway line cannot
 * grow memory without bound.
 */
import { StringDecoder } from "node:string_decoder";

export const MAX_LINE_BYTES = 16 * 1024;

export class LineSplitter {
  readonly #decoder = new StringDecoder("utf8");
  readonly #emit: (line: string) => void;
  readonly #max: number;
  #pending = "";

  constructor(emit: (line: string) => void, maxLineBytes = MAX_LINE_BYTES) {
    this.#emit = emit;
    this.#max = maxLineBytes;
  }

  write(chunk: Buffer): void {
    this.#take(this.#decoder.write(chunk));
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    this.#take(this.#decoder.end());
    if (this.#pending !== "") this.#emit(stripCr(this.#pending));
    this.#pending = "";
  }

  #take(text: string): void {
    let rest = this.#pending + text;
    let newline = rest.indexOf("\n");
    while (newline !== -1) {
      this.#emit(stripCr(rest.slice(0, newline)));
      rest = rest.slice(newline + 1);
      newline = rest.indexOf("\n");
    }
    while (rest.length > this.#max) {
      this.#emit(rest.slice(0, this.#max));
      rest = rest.slice(this.#max);
    }
    this.#pending = rest;
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
