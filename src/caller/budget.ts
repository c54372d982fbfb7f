// A budget of upstream calls per caller. The organization's partner API quota is shared by all its
// users, so one caller's runaway app must not spend it for everyone: each caller gets a token bucket of
// RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE calls, refilled continuously. A call the bucket cannot pay for
// is not made. The store is an interface so that replicas can share their buckets (Redis).
//
// Why a bucket of our own, here and as a Lua script in src/redis/stores.ts, rather than
// rate-limiter-flexible's memory and Redis limiters: those count fixed windows
// (https://github.com/animir/node-rate-limiter-flexible/wiki/Overall-example), so a caller may spend
// twice the budget across a window's edge, and one who spent it waits for the window's end (up to a
// minute) instead of the few seconds one call takes to refill; the README promises, and retryAfter
// reports, the continuous refill. The Redis twin is the same arithmetic run atomically where replicas
// share it; the tests of both (test/integration/caller-budget.test.ts, replicas.test.ts) pin it.
import { LRUCache } from 'lru-cache';
import { CallerError } from './errors.js';

export interface CallBudgetStore {
  /**
   * Takes `cost` calls from the key's bucket: 0 when granted, else the milliseconds until they would
   * be. A store that knows at once (this process's memory) answers at once, without a promise.
   */
  take(key: string, cost: number): number | Promise<number>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One process's buckets, in memory. Idle buckets are forgotten least recently used first (a forgotten bucket is a full one). */
export class MemoryCallBudget implements CallBudgetStore {
  readonly #perMinute: number;
  readonly #now: () => number;
  readonly #buckets = new LRUCache<string, Bucket>({ max: 100_000 });

  constructor(perMinute: number, now: () => number = Date.now) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  take(key: string, cost: number): number {
    const now = this.#now();
    const perMs = this.#perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.#perMinute, at: now };
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.ceil((cost - bucket.tokens) / perMs);
  }
}

/**
 * What the upstream session asks before each call: one call from the key's bucket, or RATE_LIMITED
 * (thrown at once, or a rejected promise when the store answers later).
 */
export function admission(store: CallBudgetStore, key: string): () => void | Promise<void> {
  return () => {
    const waitMs = store.take(key, 1);
    return typeof waitMs === 'number' ? admit(waitMs) : waitMs.then(admit);
  };
}

function admit(waitMs: number): void {
  if (waitMs > 0) {
    const retryAfterS = Math.ceil(waitMs / 1000);
    throw new CallerError('RATE_LIMITED', `Your budget of partner API calls is spent for now; try again in ${retryAfterS} s`, { retryAfterS });
  }
}
