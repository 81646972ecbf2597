/** Keeps the last `limit` bytes written to it: bounded memory for any amount of output. */
export class TailBuffer {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = false;

  constructor(limit: number) {
    this.#limit = limit;
  }

  write(chunk: Buffer | string): void {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.#chunks.push(buffer);
    this.#size += buffer.length;
    while (this.#size > this.#limit) {
      const first = this.#chunks[0];
      if (first === undefined) break;
      const excess = this.#size - this.#limit;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
      this.#dropped = true;
    }
  }

  /** True once anything was dropped from the front. */
  get truncated(): boolean {
    return this.#dropped;
  }

  text(): string {
    const bytes = Buffer.concat(this.#chunks);
    // A cut can land inside a UTF-8 character: skip its continuation bytes (10xxxxxx) instead of showing U+FFFD.
    let start = 0;
    while (this.#dropped && start < Math.min(3, bytes.length) && ((bytes[start] ?? 0) & 0xc0) === 0x80) start += 1;
    return bytes.subarray(start).toString("utf8");
  }
}
