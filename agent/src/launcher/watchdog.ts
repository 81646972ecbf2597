/**
 * When the release that serves exits on its own (not stopped by a switch or
 * a shutdown), the launcher runs the same release again, with traffic held
 * while it starts. Restarts back off (1 s, doubling to 30 s) so a release
 * that keeps dying is not restarted in a tight loop; a release that stayed up
 * for a minute starts over at 1 s.
 */

export const RESTART_BASE_MS = 1000;
export const RESTART_MAX_MS = 30_000;
/** Up this long before it exited: the exit is news, not part of a crash loop. */
export const STABLE_AFTER_MS = 60_000;
/** Restart attempts one record keeps as steps (the newest ones). */
export const MAX_RESTART_STEPS = 20;

export class RestartBackoff {
  #attempt = 0;

  /** The wait before the next restart; each call doubles the following one, up to the maximum. */
  next(): number {
    const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return delay;
  }

  /** A release that exits after `upMs` of running: a long run starts the delays over. */
  exited(upMs: number): void {
    if (upMs >= STABLE_AFTER_MS) this.#attempt = 0;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
