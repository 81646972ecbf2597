/**
 * The live half of a log view (LogView in Runtime, LogPanel in Files): live
 * lines are queued and rendered at most once per animation frame (so a flood
 * never freezes the page), held while paused (counted in `held`), and the
 * view follows the newest line unless the reader scrolled up. The window
 * itself is the pure reducer of log-buffer.ts, capped at `cap` lines.
 */
import { appendLines, emptyBuffer, enqueue, type LogBuffer, type LogLine, resetLines } from "./log-buffer.ts";

/** How close to the bottom (px) still counts as "at the end" when the reader scrolls. */
const END_SLACK_PX = 24;

export class LiveLog {
  readonly cap: number;
  buffer = $state.raw<LogBuffer>(emptyBuffer());
  /** Held still by the reader: new lines wait in the queue. */
  paused = $state(false);
  /** How many lines wait while paused. */
  held = $state(0);
  /** Keep the newest line in view after each render; false once the reader scrolls up. */
  atEnd = $state(true);
  /** The scrolling box (bind:this). */
  viewport = $state<HTMLElement>();

  // Not reactive: the frame loop's own bookkeeping.
  #queue: LogLine[] = [];
  #frame = 0;
  #lastScrollTop = 0;
  readonly #hold: () => boolean;

  /** `hold` keeps lines queued while it is true (e.g. before the first history page). */
  constructor(cap: number, hold: () => boolean = () => false) {
    this.cap = cap;
    this.buffer = emptyBuffer(cap);
    this.#hold = hold;
  }

  /** Queues live lines for the next frame (or until resumed). */
  receive(lines: readonly LogLine[]): void {
    if (lines.length === 0) return;
    enqueue(this.#queue, lines, this.cap);
    if (this.paused) this.held = this.#queue.length;
    else this.schedule();
  }

  /** A fresh window from a history page; `queued` replaces whatever waited (lines that arrived meanwhile). */
  reset(lines: readonly LogLine[], queued?: LogLine[]): void {
    this.buffer = resetLines(emptyBuffer(this.cap), lines);
    if (queued !== undefined) this.#queue = enqueue([], queued, this.cap);
    this.atEnd = true;
    this.held = this.paused ? this.#queue.length : 0;
    this.schedule();
  }

  /** Asks for a frame when there is something to show and nothing holds it back; call when a hold lifts. */
  schedule(): void {
    if (this.#frame === 0 && !this.paused && !this.#hold() && this.#queue.length > 0)
      this.#frame = requestAnimationFrame(this.#flush);
  }

  #flush = (): void => {
    this.#frame = 0;
    if (this.paused || this.#hold() || this.#queue.length === 0) return;
    const incoming = this.#queue;
    this.#queue = [];
    this.buffer = appendLines(this.buffer, incoming);
  };

  togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused) {
      this.held = 0;
      this.atEnd = true;
      this.schedule();
    }
  }

  /** The viewport's scroll handler: only a move up (the reader's) stops following; the bottom resumes it. */
  onscroll = (): void => {
    const box = this.viewport;
    if (box === undefined) return;
    const top = box.scrollTop;
    if (box.scrollHeight - top - box.clientHeight < END_SLACK_PX) this.atEnd = true;
    else if (top < this.#lastScrollTop) this.atEnd = false;
    this.#lastScrollTop = top;
  };

  /** Call inside an $effect: after each render, stay at the end while following. */
  follow(): void {
    void this.buffer;
    if (this.atEnd && this.viewport !== undefined) this.viewport.scrollTop = this.viewport.scrollHeight;
  }

  /** Stops the pending frame (the component's teardown). */
  dispose(): void {
    if (this.#frame !== 0) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }
}
