// What the upstream client tells the outside about its calls (metrics, traces), without knowing who
// listens: src/observability/ implements it with prom-client and OpenTelemetry.
import type { Method } from './transport.js';
import type { BreakerState } from './resilience.js';

export interface UpstreamCall {
  method: Method;
  /** The path template, e.g. `/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}`: no ids. */
  route: string;
  /** The path itself, below the API base (a trace's `url.full`; ids are fine there, not in a metric label). */
  path?: string | undefined;
  /** The query parameters. They may carry a secret (a cue's): whoever records them redacts it. */
  query?: Record<string, string> | undefined;
}

/** How one attempt ended: upstream's status, or no answer at all. */
export type AttemptOutcome = { status: number } | { failure: 'timeout' | 'error' };

/** One logical call (its attempts and retries), from start to end. */
export interface CallObserver {
  /** Headers the call carries (a `traceparent`, so upstream's traces join the caller's). */
  readonly headers: Record<string, string>;
  attempt(outcome: AttemptOutcome, durationMs: number): void;
  retry(attempt: number, reason: string, delayMs: number): void;
  end(error?: unknown): void;
}

export interface UpstreamTelemetry {
  call(call: UpstreamCall): CallObserver;
  tokenFetched(): void;
  breakerState(state: BreakerState): void;
}

const SILENT_CALL: CallObserver = { headers: {}, attempt() {}, retry() {}, end() {} };

export const NO_TELEMETRY: UpstreamTelemetry = { call: () => SILENT_CALL, tokenFetched() {}, breakerState() {} };

/** Several listeners as one: headers are merged, every event reaches each. */
export function combineTelemetry(...all: UpstreamTelemetry[]): UpstreamTelemetry {
  if (all.length === 1) return all[0]!;
  return {
    call(call) {
      const observers = all.map((t) => t.call(call));
      return {
        headers: Object.assign({}, ...observers.map((o) => o.headers)) as Record<string, string>,
        attempt: (outcome, durationMs) => observers.forEach((o) => o.attempt(outcome, durationMs)),
        retry: (attempt, reason, delayMs) => observers.forEach((o) => o.retry(attempt, reason, delayMs)),
        end: (error) => observers.forEach((o) => o.end(error)),
      };
    },
    tokenFetched: () => all.forEach((t) => t.tokenFetched()),
    breakerState: (state) => all.forEach((t) => t.breakerState(state)),
  };
}
