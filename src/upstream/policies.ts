// What happens to one upstream call between the session that asks for it (client.ts) and the wire
// (transport.ts), as steps: each takes the next and gives back an attempt, so each is small, testable
// alone, and the order is read in one line (PartnerApi's constructor):
//
//   retry (reads only) -> circuit breaker -> credentials (one resend after a 401) -> send
//
// The session's own steps — its deadline, its cap on calls in flight and in all, and the caller's
// budget — run before these (ApiSession.#call), since they belong to one GraphQL request.
// A call carries its limits (`CallLimits`): the deadline and the "caller went away" of the request that
// asked, or none at all for a GET other requests may join (its own timeout bounds it then).
import type { Logger } from '../logger.js';
import type { Credentials } from './auth.js';
import { UpstreamError } from './errors.js';
import { backoffMs, isRetryable, type PartnerBreaker, type RetryPolicy } from './resilience.js';
import type { CallObserver } from './telemetry.js';
import type { Method, RequestEnd, SendResult } from './transport.js';

export interface CallOptions {
  method?: Method;
  /** Path below the API base, built from validated segments only (see paths.ts). */
  path: string;
  /** Query parameters. They may carry secrets (a cue's `secret`), so they are never logged. */
  query?: Record<string, string> | undefined;
  body?: unknown;
  resource: string;
  /** Non-2xx statuses that are answers, not failures (see SendOptions). */
  answers?: readonly number[];
  /** False for the few endpoints that authenticate by other means (a cue's secret): no Authorization is sent. */
  authenticate?: boolean;
  /**
   * A write whose reach its path does not show (resolving an action changes some device's actions):
   * every read held is dropped after it. Other writes drop the reads their path touches.
   */
  invalidates?: 'everything';
}

/** How long a call may take and wait: the asking request's limits, or none (see FREE). */
export interface CallLimits {
  /** When the request must be answered (ms since the epoch); Infinity: no deadline. */
  readonly deadline: number;
  /** Ends the call's sends and waits when its request goes away or runs out of time. */
  readonly end: RequestEnd | undefined;
  /** Waits for something shared (a token being fetched, a GET others started) as far as the request can. */
  waitFor<T>(shared: Promise<T>, resource: string): Promise<T>;
  /** Waits `ms` before another attempt, or less when the request ends (then rejects as its end says). */
  pause(ms: number, resource: string): Promise<void>;
}

/** No limits: a call other requests may join is bounded by its own timeout, not by whoever started it. */
export const FREE: CallLimits = {
  deadline: Infinity,
  end: undefined,
  waitFor: (shared) => shared,
  pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface Call {
  options: CallOptions;
  method: Method;
  limits: CallLimits;
  /** The caller's own Authorization header, forwarded in pass-through mode only. */
  callerAuthorization: string | undefined;
  observer: CallObserver;
  /** The request's logger (it names the caller); made only when a line is written. */
  logger: () => Logger;
}

/** One attempt (or, seen from outside a step, all the attempts a step makes of it). */
export type Attempt = (call: Call, authorization?: string) => Promise<SendResult>;
export type Step = (next: Attempt) => Attempt;

/** Whether lines at `level` are written: asked of the process's logger, so no request logger is made to find out. */
export type LogsAt = (level: 'debug' | 'warn') => boolean;

/**
 * Another attempt of a read after a retryable failure (resilience.ts): after upstream's Retry-After
 * when it gave one, else full-jitter backoff. Only a read: a write that met a 5xx, a timeout or a
 * dropped connection may have been executed upstream.
 *
 * Hand-written rather than cockatiel's `retry`: that policy picks its wait after deciding to retry, so
 * it cannot give up on a wait that would outlast the request's deadline — here the failure is answered
 * at once instead of after a wait that would end in UPSTREAM_TIMEOUT anyway.
 */
export function retrying(policy: RetryPolicy, logs: LogsAt): Step {
  return (next) => async (call) => {
    const retries = call.method === 'GET' ? policy.retries : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await next(call);
      } catch (error) {
        if (attempt >= retries || !isRetryable(error)) throw error;
        const waitMs = error.retryAfterS !== undefined ? error.retryAfterS * 1000 : backoffMs(attempt, policy);
        if (Date.now() + waitMs >= call.limits.deadline) throw error;
        call.observer.retry(attempt + 1, error.code, waitMs);
        if (logs('debug')) call.logger().debug({ method: call.method, path: call.options.path, code: error.code, attempt: attempt + 1, waitMs }, 'retrying an upstream read');
        await call.limits.pause(waitMs, call.options.resource);
      }
    }
  };
}

/** Every attempt through the partner API's circuit breaker (cockatiel's, resilience.ts): refused at once while it is open. */
export function breaking(breaker: PartnerBreaker): Step {
  return (next) => (call) => breaker.execute(() => next(call));
}

/**
 * The credentials' Authorization on the attempt. After a 401 upstream executed nothing, so with
 * renewable credentials the token is renewed once and the call sent once more — the one resend a
 * write may get.
 */
export function authenticating(credentials: Credentials): Step {
  return (next) => async (call) => {
    if (call.options.authenticate === false) return next(call, undefined);
    const header = credentials.authorization(call.callerAuthorization);
    // A header at hand is used at once; waiting for a token being fetched ends with the request.
    const authorization = typeof header === 'string' ? header : await call.limits.waitFor(header, call.options.resource);
    try {
      return await next(call, authorization);
    } catch (error) {
      if (!(error instanceof UpstreamError && error.status === 401 && credentials.renew)) throw error;
      const renewed = await call.limits.waitFor(credentials.renew(authorization), call.options.resource);
      if (renewed === undefined) throw error;
      return next(call, renewed);
    }
  };
}

/** Steps applied in the order given: the first is the outermost. */
export function pipeline(steps: Step[], last: Attempt): Attempt {
  return steps.reduceRight((next, step) => step(next), last);
}
