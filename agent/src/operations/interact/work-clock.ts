/**
 * A timeout that can be paused: how long the app may work on an exchange,
 * not counting the time it waits for a human answer.
 */
export class WorkClock {
  readonly #onExpire: () => void;
  #remainingMs: number;
  #runningSince: number | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(timeoutMs: number, onExpire: () => void) {
    this.#remainingMs = timeoutMs;
    this.#onExpire = onExpire;
    this.resume();
  }

  pause(): void {
    if (this.#runningSince === null) return;
    this.#remainingMs -= performance.now() - this.#runningSince;
    this.#runningSince = null;
    this.#clear();
  }

  resume(): void {
    if (this.#runningSince !== null) return;
    this.#runningSince = performance.now();
    this.#timer = setTimeout(this.#onExpire, Math.max(0, this.#remainingMs));
  }

  stop(): void {
    this.#runningSince = null;
    this.#clear();
  }

  #clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
