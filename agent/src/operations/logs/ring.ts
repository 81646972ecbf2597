/** A bounded ring of the newest items: pushing past capacity drops the oldest. */
export class Ring<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("ring capacity must be a positive integer");
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.#items.length;
    this.#size = Math.min(this.#size + 1, this.#items.length);
  }

  /** Up to `count` of the newest items that satisfy `keep`, oldest first. */
  newest(count: number, keep: (item: T) => boolean): T[] {
    const found: T[] = [];
    const capacity = this.#items.length;
    for (let i = 1; i <= this.#size && found.length < count; i += 1) {
      const item = this.#items[(this.#next - i + capacity) % capacity];
      if (item !== undefined && keep(item)) found.push(item);
    }
    return found.reverse();
  }
}
