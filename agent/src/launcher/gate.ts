/**
 * Where the public proxy sends traffic, and the hold a switch puts on it.
 * While held, new requests wait in a queue (they are not failed); on release
 * they all go to whichever release is current then. The gate also counts the
 * HTTP requests in flight (event streams included), so a switch can wait for
 * them before it stops the release that serves them.
 */

/** How long a switch waits for the requests in flight to the old release. */
export const DRAIN_TIMEOUT_MS = 30_000;
/** Slack on top of the steps a switch may take (timers, git, the record). */
const HOLD_MARGIN_MS = 5_000;

/** How long a request may be held before it is answered 503, and why that long. */
export interface HoldLimit {
  ms: number;
  detail: string;
}

/**
 * The longest a switch may hold traffic: the drain, the old release's stop,
 * the new release's start (up to the health timeout; a refused one is then
 * stopped), and a start of the previous release again. A request held that
 * long is answered 503; one held less is served by whichever release won.
 */
export function holdLimit(options: { healthTimeoutMs: number; stopGraceMs: number }): HoldLimit {
  const { healthTimeoutMs, stopGraceMs } = options;
  const startMs = healthTimeoutMs + stopGraceMs;
  const ms = DRAIN_TIMEOUT_MS + stopGraceMs + startMs + healthTimeoutMs + HOLD_MARGIN_MS;
  const s = (value: number) => `${Math.ceil(value / 1000)} s`;
  const detail =
    `drain ${s(DRAIN_TIMEOUT_MS)} + stop ${s(stopGraceMs)} + start ${s(startMs)} + ` +
    `restart of the previous version ${s(healthTimeoutMs)} + ${s(HOLD_MARGIN_MS)}`;
  return { ms, detail };
}

export type Admission =
  | { kind: "go"; port: number /** Call once the request is over (idempotent). */; done: () => void }
  | { kind: "unavailable"; reason: string };

export interface HoldStats {
  heldRequests: number;
  maxHoldMs: number;
}

interface Waiter {
  since: number;
  track: boolean;
  resolve: (admission: Admission) => void;
  timer: NodeJS.Timeout;
}

export class TrafficGate {
  #port: number | null = null;
  /** Held from the start: nothing runs until the first release is healthy. */
  #holding = true;
  #waiters = new Set<Waiter>();
  #inFlight = 0;
  #idle: Array<() => void> = [];
  #stats: HoldStats = { heldRequests: 0, maxHoldMs: 0 };
  readonly #limit: HoldLimit;

  constructor(limit: HoldLimit) {
    this.#limit = limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Whether new requests wait (a switch or a restart is under way). */
  get holding(): boolean {
    return this.#holding;
  }

  /**
   * Lets a request through now, or once the hold ends. `track` counts it in
   * flight until `done` (HTTP requests; not WebSockets, which the old
   * release's stop closes). An aborted `signal` drops a waiting request.
   */
  admit(options: { track: boolean; signal?: AbortSignal }): Promise<Admission> {
    if (!this.#holding) return Promise.resolve(this.#pass(options.track));
    return new Promise((resolve) => {
      const waiter: Waiter = {
        since: Date.now(),
        track: options.track,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          this.#count(waiter);
          const { ms, detail } = this.#limit;
          resolve({
            kind: "unavailable",
            reason: `held for ${ms / 1000} s while ATT restarts, the longest a switch may take (${detail})`,
          });
        }, this.#limit.ms),
      };
      this.#waiters.add(waiter);
      options.signal?.addEventListener(
        "abort",
        () => {
          if (!this.#waiters.delete(waiter)) return;
          clearTimeout(waiter.timer);
          this.#count(waiter);
          resolve({ kind: "unavailable", reason: "the client went away" });
        },
        { once: true },
      );
    });
  }

  /** Starts holding new requests (the counters start from zero). */
  hold(): void {
    this.#holding = true;
    this.#stats = { heldRequests: 0, maxHoldMs: 0 };
  }

  /** Ends the hold: waiting requests go to `port` (null: nothing runs, they are answered 503). */
  release(port: number | null): HoldStats {
    this.#port = port;
    this.#holding = false;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      this.#count(waiter);
      waiter.resolve(this.#pass(waiter.track));
    }
    this.#waiters.clear();
    return { ...this.#stats };
  }

  /** The counters of the current (or last) hold. */
  stats(): HoldStats {
    const now = Date.now();
    let maxHoldMs = this.#stats.maxHoldMs;
    for (const waiter of this.#waiters) maxHoldMs = Math.max(maxHoldMs, now - waiter.since);
    return { heldRequests: this.#stats.heldRequests + this.#waiters.size, maxHoldMs };
  }

  /** Resolves true once no tracked request is in flight, false when `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.#inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#idle = this.#idle.filter((notify) => notify !== onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#idle.push(onIdle);
    });
  }

  #pass(track: boolean): Admission {
    const port = this.#port;
    if (port === null) return { kind: "unavailable", reason: "ATT is not running" };
    if (!track) return { kind: "go", port, done: () => {} };
    this.#inFlight += 1;
    let finished = false;
    return {
      kind: "go",
      port,
      done: () => {
        if (finished) return;
        finished = true;
        this.#inFlight -= 1;
        if (this.#inFlight === 0) for (const notify of this.#idle.splice(0)) notify();
      },
    };
  }

  #count(waiter: Waiter): void {
    this.#stats.heldRequests += 1;
    this.#stats.maxHoldMs = Math.max(this.#stats.maxHoldMs, Date.now() - waiter.since);
  }
}
