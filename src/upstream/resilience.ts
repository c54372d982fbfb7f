// How the gateway treats a partner API that sometimes fails: which failures a read may retry, how long
// it waits between attempts, and the circuit breaker that stops calling an upstream that is down.
//
// Retries are for GETs only, the one method that cannot have changed anything: a write that met a 5xx,
// a timeout or a dropped connection may have been executed, so it is never sent twice (a 401 renewal
// is client.ts's own, narrower rule). 4xx answers other than 429 are answers: never retried, never
// counted as faults.
import { BrokenCircuitError, CircuitState, IsolatedCircuitError, SamplingBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { UpstreamError } from './errors.js';

export interface RetryPolicy {
  /** Extra attempts after the first (PODERO_RETRIES). */
  retries: number;
  /** The first backoff's ceiling; each attempt doubles it, up to `capMs`. */
  baseMs: number;
  capMs: number;
  /** The jitter's source (tests pass a fixed one). */
  random?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseMs: 100, capMs: 2000 };

/**
 * A failure worth another attempt of a read: no answer in time, no connection, 502/503/504, or 429.
 * Not the breaker's own refusal: while it is open, every attempt would be refused the same way.
 */
export function isRetryable(error: unknown): error is UpstreamError {
  if (!(error instanceof UpstreamError) || error.cause instanceof BrokenCircuitError || error.cause instanceof IsolatedCircuitError) return false;
  return error.code === 'UPSTREAM_TIMEOUT' || error.code === 'UPSTREAM_UNAVAILABLE' || error.code === 'UPSTREAM_RATE_LIMITED';
}

/** A sign that upstream itself is in trouble (what opens the breaker): no answer, no connection, or a 5xx. */
export function isFault(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  return error.code === 'UPSTREAM_TIMEOUT' || (error.code === 'UPSTREAM_UNAVAILABLE' && !(error.cause instanceof BrokenCircuitError)) || (error.status ?? 0) >= 500;
}

/**
 * "Full jitter": a uniformly random wait between 0 and min(cap, base × 2^attempt), so that callers
 * who failed together do not come back together.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.floor((policy.random ?? Math.random)() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt));
}

/** A Retry-After value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; undefined when unreadable. */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export type BreakerState = 'closed' | 'half-open' | 'open';

export interface BreakerOptions {
  /** How long the breaker stays open before it lets one probe through (PODERO_BREAKER_COOLDOWN_MS). */
  cooldownMs: number;
  onStateChange?: (state: BreakerState) => void;
}

/**
 * The partner API's circuit breaker (cockatiel's sampling breaker). It opens when more than half of
 * the calls of the last 10 s failed, but only once those 10 s held at least 20 calls: a few failures
 * among ten calls is a bad minute, not an outage; an upstream failing every call trips it within its
 * first 20 or so calls. Open, every call fails at once with UPSTREAM_UNAVAILABLE and `retryAfter`,
 * without reaching upstream; after the cooldown one probe goes through (half-open): success closes it,
 * failure opens it for another cooldown.
 */
export class PartnerBreaker {
  readonly #cooldownMs: number;
  readonly #policy;
  #openedAt = 0;

  constructor({ cooldownMs, onStateChange }: BreakerOptions) {
    this.#cooldownMs = cooldownMs;
    this.#policy = circuitBreaker(handleWhen(isFault), {
      halfOpenAfter: cooldownMs,
      breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 2 }),
    });
    this.#policy.onBreak(() => {
      this.#openedAt = Date.now();
    });
    if (onStateChange) this.#policy.onStateChange((state) => onStateChange(stateName(state)));
  }

  get state(): BreakerState {
    return stateName(this.#policy.state);
  }

  /** Runs one attempt through the breaker; refused at once while it is open. */
  async execute<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await this.#policy.execute(attempt);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        const retryAfterS = Math.max(1, Math.ceil((this.#openedAt + this.#cooldownMs - Date.now()) / 1000));
        throw new UpstreamError('UPSTREAM_UNAVAILABLE', `The partner API is failing; calls are paused for ${retryAfterS} s (circuit breaker open)`, {
          retryAfterS,
          cause: error,
        });
      }
      throw error;
    }
  }
}

function stateName(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      return 'open';
  }
}
