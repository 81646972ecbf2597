/** Reconnect delays: exponential growth with full jitter, capped, reset after a good connection. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Returns a number in [0, 1); injectable so tests can pin it. */
  random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  // Full jitter spreads reconnecting agents apart; never wait less than base/2.
  return Math.max(options.baseMs / 2, Math.floor(random() * ceiling));
}
