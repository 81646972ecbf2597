/**
 * Token buckets per credential: `burst` requests at once, refilled at
 * `perMinute`. Kept in the directory object's memory: a restart forgets the
 * counts, which errs towards letting requests through, never towards refusing.
 */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets untouched this long are full again and can be forgotten. */
const IDLE_MS = 10 * 60_000;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  #sweptAt = 0;

  admit(key: string, limit: RateLimit, now = Date.now()): Admission {
    this.#sweep(now);
    const perMs = limit.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < IDLE_MS) return;
    this.#sweptAt = now;
    for (const [key, bucket] of this.#buckets) if (now - bucket.at > IDLE_MS) this.#buckets.delete(key);
  }
}

function positive(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/** Requests per user credential (ATT_RATE_LIMIT_PER_MINUTE, ATT_RATE_LIMIT_BURST). */
export const requestLimit = (env: {
  ATT_RATE_LIMIT_PER_MINUTE?: string;
  ATT_RATE_LIMIT_BURST?: string;
}): RateLimit => ({
  perMinute: positive(env.ATT_RATE_LIMIT_PER_MINUTE, 600),
  burst: positive(env.ATT_RATE_LIMIT_BURST, 120),
});

/** Link attempts per agent pairing: a reconnect storm is refused, a normal reconnect never. */
export const agentConnectLimit: RateLimit = { perMinute: 30, burst: 10 };
