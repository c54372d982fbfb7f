// The partner API as one GraphQL request uses it: the only code that decides which HTTP calls are
// made (transport.ts makes them).
//
// `PartnerApi` is process-wide: the connection pool, the base URL, the credentials, the per-call
// timeout, the retry policy, the circuit breaker, the reads shared between requests and the
// telemetry; it composes the steps every attempt goes through (policies.ts). `PartnerApi.session()`
// gives one GraphQL request its own view: the caller's Authorization (pass-through mode), the
// request's abort signal and deadline, a cap on calls in flight and in all, the caller's admission
// (src/caller/budget.ts), and the request's reads (reads.ts) — so one operation can never fan out
// without bound or outlive its deadline, and never makes the same GET twice.
import type { Dispatcher } from 'undici';
import type { Logger } from '../logger.js';
import type { Credentials } from './auth.js';
import type { ReportUnknown } from './decode.js';
import { UpstreamError } from './errors.js';
import { routeTemplate } from './paths.js';
import { authenticating, breaking, FREE, pipeline, retrying, type Attempt, type Call, type CallLimits, type CallOptions, type LogsAt } from './policies.js';
import { EVERYTHING, RequestReads, readKey, type SharedReads } from './reads.js';
import type { PartnerBreaker, RetryPolicy } from './resilience.js';
import type { UpstreamTelemetry } from './telemetry.js';
import { RequestEnd, ended, send, type Method, type SendResult } from './transport.js';

export type { CallOptions, Method, SendResult };

export interface PartnerApiOptions {
  /** The API base including `/api/partners/v2.0`. */
  baseUrl: URL;
  credentials: Credentials;
  /** One attempt, from sending to the last byte of the answer (PODERO_TIMEOUT_MS). */
  timeoutMs: number;
  dispatcher: Dispatcher;
  logger: Logger;
  retry: RetryPolicy;
  breaker: PartnerBreaker;
  telemetry: UpstreamTelemetry;
  /** Reads shared between requests for a few seconds (PODERO_CACHE_TTL_MS); absent: off. */
  reads?: SharedReads | undefined;
}

/** What a session reads of its request's AbortSignal: the fast path (src/fast-path.ts) gives it this much, on the response's `close`. */
export interface CallerSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options: { once: true }): void;
}

export interface SessionOptions {
  /** The caller's own Authorization header, forwarded in pass-through mode only. */
  callerAuthorization?: string | undefined;
  /** Fires when the caller goes away: the session then ends its calls and waits. A request's AbortSignal, or as little of one. */
  signal?: CallerSignal | undefined;
  /** When the request must be answered (ms since the epoch): no call or retry runs past it (REQUEST_TIMEOUT_MS). */
  deadline?: number | undefined;
  maxConcurrency: number;
  maxCalls: number;
  /**
   * Asked before each call (not before a resend after a token renewal): rejects when the call must not
   * be made, e.g. the caller's budget of upstream calls is spent (src/caller/budget.ts).
   */
  admit?: (() => void | Promise<void>) | undefined;
  /**
   * Where this session's calls are logged: the request's logger, which names the caller. A function,
   * so the logger is made only when a line is written (levels are checked on the process's logger).
   */
  logger?: (() => Logger) | undefined;
}

/** Distinct unknown values logged per process; past this, new ones are no longer logged. */
const MAX_REPORTED_UNKNOWNS = 1000;

export class PartnerApi {
  readonly #options: PartnerApiOptions;
  readonly #reportUnknown: ReportUnknown;
  readonly #attempt: Attempt;
  /** Told after every write through the gateway, once its reads are dropped (src/live/ re-reads then). */
  readonly #writeListeners = new Set<(touched: string) => void>();
  readonly #wrote = (touched: string) => {
    for (const listener of this.#writeListeners) listener(touched);
  };

  constructor(options: PartnerApiOptions) {
    this.#options = options;
    const logs: LogsAt = (level) => options.logger.isLevelEnabled(level);
    this.#attempt = pipeline(
      [retrying(options.retry, logs), breaking(options.breaker), authenticating(options.credentials)],
      sender(options.dispatcher, options.baseUrl, options.timeoutMs, logs),
    );
    // An unknown enum value usually arrives on every read of a device: log each one once, not per read.
    const seen = new Set<string>();
    this.#reportUnknown = (what, value) => {
      // Values come from upstream bodies (up to 8 MiB): only a bounded excerpt is kept and logged.
      const shown = typeof value === 'string' ? value.slice(0, 200) : (JSON.stringify(value) ?? String(value)).slice(0, 200);
      const key = `${what}=${shown}`;
      if (seen.has(key) || seen.size >= MAX_REPORTED_UNKNOWNS) return;
      seen.add(key);
      options.logger.warn({ field: what, value: shown }, 'the partner API sent a value the gateway does not understand');
    };
  }

  session(options: SessionOptions): ApiSession {
    return new ApiSession(this.#options, this.#attempt, this.#reportUnknown, options, this.#wrote);
  }

  /** Calls `listener` with the path each write through the gateway touched (EVERYTHING when unknown). Returns the way to stop. */
  onWrite(listener: (touched: string) => void): () => void {
    this.#writeListeners.add(listener);
    return () => this.#writeListeners.delete(listener);
  }

  /** Whose view of the partner API a caller's calls have (auth.ts); undefined: they cannot call at all. */
  partition(callerAuthorization: string | undefined): string | undefined {
    return this.#options.credentials.partition(callerAuthorization);
  }
}

/**
 * One GraphQL request's access to the partner API. Lives in the request context; never shared.
 *
 * Built to cost little per request and per call, since every request makes one and most make a few
 * calls: what cancels calls, the deadline timer and the credentials' promise exist only when needed.
 * - Calls run through a small semaphore (at most `maxConcurrency` at once, the rest queued in order):
 *   hand-written rather than cockatiel's bulkhead, which is a policy object with event emitters made
 *   per request, for what is a counter and a queue.
 * - The session's RequestEnd (transport.ts) is made with its first call. It ends that session's calls
 *   and waits when the caller goes away (the request's signal) and when the deadline passes: a timer
 *   armed while calls are under way — one per burst of concurrent calls, not one per call — and
 *   cleared when none is.
 */
export class ApiSession implements CallLimits {
  readonly #api: PartnerApiOptions;
  readonly #attempt: Attempt;
  readonly #options: SessionOptions;
  readonly #deadline: number;
  /** This request's reads (reads.ts): each GET once, and what the request's loaders decoded from it. */
  readonly reads = new RequestReads();
  #calls = 0;
  /** Calls holding one of the `maxConcurrency` slots, and those waiting for one (in order). */
  #active = 0;
  readonly #queue: (() => void)[] = [];
  #end: RequestEnd | undefined;
  /** Calls and waits the deadline applies to, under way now; the deadline timer runs while there are any. */
  #underWay = 0;
  #deadlineTimer: NodeJS.Timeout | undefined;
  /** Where decoders report values they do not understand. */
  readonly reportUnknown: ReportUnknown;

  readonly #onWrote: (touched: string) => void;

  constructor(api: PartnerApiOptions, attempt: Attempt, reportUnknown: ReportUnknown, options: SessionOptions, onWrote: (touched: string) => void) {
    this.#api = api;
    this.#onWrote = onWrote;
    this.#attempt = attempt;
    this.#options = options;
    this.#deadline = options.deadline ?? Infinity;
    this.reportUnknown = reportUnknown;
  }

  // The session is its calls' limits (CallLimits, policies.ts): its deadline, its end, and how it waits.

  get deadline(): number {
    return this.#deadline;
  }

  /** What ends this session's calls and waits: its caller going away, or its deadline passing. Made when first needed. */
  get end(): RequestEnd {
    if (!this.#end) {
      const end = (this.#end = new RequestEnd());
      const caller = this.#options.signal;
      if (caller?.aborted) end.end('caller-left');
      else caller?.addEventListener('abort', () => end.end('caller-left'), { once: true });
    }
    return this.#end;
  }

  /** Upstream calls this session has made (retries and a resend after a token renewal are part of their call). */
  get calls(): number {
    return this.#calls;
  }

  /** Sends one call and resolves to the JSON body (undefined for 204). See `exchange`. */
  async call(options: CallOptions): Promise<unknown> {
    return (await this.exchange(options)).body;
  }

  /**
   * Sends one call and decodes its answer. A body that does not decode is upstream's failure: its error
   * carries the status upstream answered with.
   */
  async read<T>(options: CallOptions, decode: (body: unknown, status: number) => T): Promise<T> {
    const { status, body } = await this.exchange(options);
    try {
      return decode(body, status);
    } catch (error) {
      throw error instanceof UpstreamError && error.status === undefined ? error.withStatus(status) : error;
    }
  }

  /**
   * Sends one call. A GET goes through the read path (reads.ts): one this request already made is
   * answered by that call; with the shared cache on, a new one is first looked up there, or joins an
   * identical one in flight. A write is sent, and then drops every read it may have changed.
   */
  exchange(options: CallOptions): Promise<SendResult> {
    const method = options.method ?? 'GET';
    if (method !== 'GET') return this.#underDeadline(() => this.#call(options, method, this));
    const key = readKey(options.path, options.query);
    return this.reads.answer(key, () => this.#get(options, key));
  }

  #get(options: CallOptions, key: string): Promise<SendResult> {
    const shared = this.#api.reads;
    if (shared && options.authenticate !== false) {
      const partition = this.#api.credentials.partition(this.#options.callerAuthorization);
      // The first request to ask makes the call, free of its own caller and deadline since others may
      // join it; each waits for it within its own.
      if (partition !== undefined) {
        return this.#underDeadline(() => this.waitFor(shared.answer(partition, key, () => this.#call(options, 'GET', FREE)), options.resource));
      }
    }
    return this.#underDeadline(() => this.#call(options, 'GET', this));
  }

  /** The session's own steps: a slot among `maxConcurrency`, the request's cap on calls, the caller's budget; then the attempts. */
  async #call(options: CallOptions, method: Method, limits: CallLimits): Promise<SendResult> {
    if (this.#active < this.#options.maxConcurrency) this.#active++;
    else await new Promise<void>((resolve) => this.#queue.push(resolve));
    try {
      if (this.#calls >= this.#options.maxCalls) {
        throw new UpstreamError(
          'TOO_MANY_UPSTREAM_CALLS',
          `This operation needs more than ${this.#options.maxCalls} partner API calls; split it into smaller operations`,
        );
      }
      this.#calls++;
      const admitted = this.#options.admit?.();
      if (admitted) await admitted;
      const observer = this.#api.telemetry.call({ method, route: routeTemplate(options.path), path: options.path, query: options.query });
      const call: Call = { options, method, limits, callerAuthorization: this.#options.callerAuthorization, observer, logger: () => this.#logger };
      try {
        const result = await this.#attempt(call);
        observer.end();
        return result;
      } catch (error) {
        observer.end(error);
        throw error;
      } finally {
        if (method !== 'GET') await this.#wrote(options.invalidates === 'everything' ? EVERYTHING : options.path);
      }
    } finally {
      // The slot goes straight to the next call waiting, if any; so no newcomer can slip in between.
      const next = this.#queue.shift();
      if (next) next();
      else this.#active--;
    }
  }

  /** Runs work the request's deadline applies to: while any is under way, the deadline timer is armed. */
  async #underDeadline<T>(work: () => Promise<T>): Promise<T> {
    if (this.#underWay++ === 0 && this.#deadline !== Infinity) {
      const end = this.end;
      if (!end.reason) this.#deadlineTimer = setTimeout(() => end.end('deadline'), Math.max(0, this.#deadline - Date.now()));
    }
    try {
      return await work();
    } finally {
      if (--this.#underWay === 0) clearTimeout(this.#deadlineTimer);
    }
  }

  /** Waits `ms`, or less when the session ends (then rejects as the end says). */
  pause(ms: number, resource: string): Promise<void> {
    const end = this.end;
    if (end.reason) return Promise.reject(ended(end.reason, resource));
    return new Promise<void>((resolve, reject) => {
      const onEnd = () => {
        clearTimeout(timer);
        reject(ended(end.reason!, resource));
      };
      const timer = setTimeout(() => {
        end.off('end', onEnd);
        resolve();
      }, ms);
      end.once('end', onEnd);
    });
  }

  /** A shared promise's value, as far as this request can wait: until its deadline, or until its caller leaves. */
  async waitFor<T>(shared: Promise<T>, resource: string): Promise<T> {
    const end = this.end;
    if (end.reason) throw ended(end.reason, resource);
    let onEnd: (() => void) | undefined;
    const gone = new Promise<never>((_resolve, reject) => {
      onEnd = () => reject(ended(end.reason!, resource));
      end.once('end', onEnd);
    });
    try {
      return await Promise.race([shared, gone]);
    } finally {
      end.off('end', onEnd!);
    }
  }

  /** After a write, whatever its outcome: this request's reads and the shared ones it may have changed are dropped. */
  async #wrote(touched: string): Promise<void> {
    this.reads.invalidate(touched);
    await this.#api.reads?.invalidate(touched).catch((error: unknown) => this.#logger.warn({ err: error }, 'could not drop cached reads after a write'));
    this.#onWrote(touched);
  }

  get #logger(): Logger {
    return this.#options.logger?.() ?? this.#api.logger;
  }
}

/**
 * The last step: one attempt on the wire (transport.ts), bounded by the attempt timeout or, when
 * sooner, the request's deadline; observed and logged.
 */
function sender(dispatcher: Dispatcher, baseUrl: URL, timeoutMs: number, logs: LogsAt): Attempt {
  const origin = baseUrl.origin;
  const basePath = baseUrl.pathname.replace(/\/+$/, '');
  return async ({ options, method, limits, observer, logger }, authorization) => {
    const remaining = limits.deadline - Date.now();
    if (remaining <= 0) throw ended('deadline', options.resource);
    const headers: Record<string, string> = { accept: 'application/json', ...observer.headers };
    if (authorization !== undefined) headers.authorization = authorization;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const deadlineBound = remaining < timeoutMs;
    const started = performance.now();
    try {
      const result = await send(dispatcher, {
        method,
        origin,
        path: basePath + readKey(options.path, options.query),
        headers,
        body,
        timeoutMs: deadlineBound ? remaining : timeoutMs,
        timeoutReason: deadlineBound ? "before this request's time limit (REQUEST_TIMEOUT_MS) ran out" : undefined,
        end: limits.end,
        resource: options.resource,
        answers: options.answers,
      });
      observer.attempt({ status: result.status }, performance.now() - started);
      if (logs('debug')) logger().debug({ method, path: options.path, status: result.status, ms: elapsed(started) }, 'upstream call');
      return result;
    } catch (error) {
      if (error instanceof UpstreamError) {
        observer.attempt(error.status === undefined ? { failure: error.code === 'UPSTREAM_TIMEOUT' ? 'timeout' : 'error' } : { status: error.status }, performance.now() - started);
        // A 4xx is upstream's answer to what the caller asked (an unknown id, another user's device):
        // not a fault to be warned about, and any caller can cause many of them.
        const answered = error.status !== undefined && error.status >= 400 && error.status < 500;
        const level = answered ? 'debug' : 'warn';
        if (logs(level)) logger()[level]({ method, path: options.path, status: error.status, code: error.code, ms: elapsed(started) }, 'upstream call failed');
      }
      throw error;
    }
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
