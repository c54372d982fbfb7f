// The partner API as one GraphQL request uses it: the only code that decides which HTTP calls are
// made (transport.ts makes them).
//
// `PartnerApi` is process-wide: the connection pool, the base URL, the credentials, the per-call
// timeout, the retry policy, the circuit breaker and the telemetry. `PartnerApi.session()` gives one
// GraphQL request its own view: the caller's Authorization (pass-through mode), the request's abort
// signal and deadline, a cap on calls in flight, a budget of calls, and the caller's admission
// (src/caller/budget.ts), so one operation can never fan out without bound or outlive its deadline.
import type { Dispatcher } from 'undici';
import type { Logger } from '../logger.js';
import type { Credentials } from './auth.js';
import type { ReportUnknown } from './decode.js';
import { UpstreamError } from './errors.js';
import { routeTemplate } from './paths.js';
import { backoffMs, isRetryable, type PartnerBreaker, type RetryPolicy } from './resilience.js';
import type { CallObserver, UpstreamTelemetry } from './telemetry.js';
import { EVERYTHING, related, type CachedRead, type SharedReads } from './read-cache.js';
import { RequestEnd, ended, send, type Method, type SendResult } from './transport.js';

export type { Method, SendResult };

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

export interface SessionOptions {
  /** The caller's own Authorization header, forwarded in pass-through mode only. */
  callerAuthorization?: string | undefined;
  signal?: AbortSignal | undefined;
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
  readonly #basePath: string;
  readonly #reportUnknown: ReportUnknown;

  constructor(options: PartnerApiOptions) {
    this.#options = options;
    this.#basePath = options.baseUrl.pathname.replace(/\/+$/, '');
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
    return new ApiSession(this.#options, this.#basePath, this.#reportUnknown, options);
  }
}

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

/** What a write touched: a path (and what sits above or below it), or EVERYTHING (read-cache.ts). */
export type WriteListener = (touched: string) => void;

/**
 * One GraphQL request's access to the partner API. Lives in the request context; never shared.
 *
 * Built to cost little per request and per call, since every request makes one and most make a few
 * calls: what cancels calls, the deadline timer and the credentials' promise exist only when needed.
 * - Calls run through a small semaphore (at most `maxConcurrency` at once, the rest queued in order).
 * - The session's RequestEnd (transport.ts) is made with its first call. It ends that session's calls
 *   and waits when the caller goes away (the request's signal) and when the deadline passes: a timer
 *   armed while calls are under way — one per burst of concurrent calls, not one per call — and
 *   cleared when none is.
 */
export class ApiSession {
  readonly #api: PartnerApiOptions;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #options: SessionOptions;
  readonly #deadline: number;
  readonly #writeListeners: WriteListener[] = [];
  #calls = 0;
  /** Calls holding one of the `maxConcurrency` slots, and those waiting for one (in order). */
  #active = 0;
  readonly #queue: (() => void)[] = [];
  #end: RequestEnd | undefined;
  /** Calls and waits the deadline applies to, under way now; the deadline timer runs while there are any. */
  #underWay = 0;
  #deadlineTimer: NodeJS.Timeout | undefined;
  /**
   * This request's reads by `path?query`: the same GET asked for twice in one request (aliases,
   * fragments, a field of a list item and of the detail) is one call, whichever code asks. A write
   * drops what it touched, so a read after it is fresh.
   */
  #reads: Map<string, Promise<SendResult>> | undefined;
  /** Where decoders report values they do not understand. */
  readonly reportUnknown: ReportUnknown;

  constructor(api: PartnerApiOptions, basePath: string, reportUnknown: ReportUnknown, options: SessionOptions) {
    this.#api = api;
    this.#origin = api.baseUrl.origin;
    this.#basePath = basePath;
    this.#options = options;
    this.#deadline = options.deadline ?? Infinity;
    this.reportUnknown = reportUnknown;
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
   * Called after each write this session sends, whatever its outcome: whoever holds reads from
   * before it (the request's loaders) drops what it touched. Invalidation belongs here, with the
   * calls, so a new mutation is correct by default.
   */
  onWrite(listener: WriteListener): void {
    this.#writeListeners.push(listener);
  }

  /**
   * Sends one call: counted against the request's budget and the caller's, then attempted through the
   * circuit breaker, and — a GET only — attempted again after a retryable failure (resilience.ts).
   * A GET this request already made is answered by that call; with the read cache on, a new one is
   * first looked up, or joins an identical one in flight.
   */
  exchange(options: CallOptions): Promise<SendResult> {
    const method = options.method ?? 'GET';
    if (method !== 'GET') return this.#underDeadline(() => this.#call(options, method, false));
    const key = options.query ? `${options.path}?${new URLSearchParams(options.query).toString()}` : options.path;
    const reads = (this.#reads ??= new Map<string, Promise<SendResult>>());
    let read = reads.get(key);
    if (!read) reads.set(key, (read = this.#get(options)));
    return read;
  }

  #get(options: CallOptions): Promise<SendResult> {
    if (this.#api.reads && options.authenticate !== false) {
      const partition = this.#api.credentials.partition(this.#options.callerAuthorization);
      if (partition !== undefined) return this.#sharedRead(this.#api.reads, partition, options);
    }
    return this.#underDeadline(() => this.#call(options, 'GET', false));
  }

  async #call(options: CallOptions, method: Method, detached: boolean): Promise<SendResult> {
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
      const observer = this.#api.telemetry.call({ method, route: routeTemplate(options.path) });
      try {
        const result = await this.#attempts(options, method, observer, detached);
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
      const end = this.#ending();
      if (!end.reason) this.#deadlineTimer = setTimeout(() => end.end('deadline'), Math.max(0, this.#deadline - Date.now()));
    }
    try {
      return await work();
    } finally {
      if (--this.#underWay === 0) clearTimeout(this.#deadlineTimer);
    }
  }

  /** What ends this session's calls and waits: its caller going away, or its deadline passing. */
  #ending(): RequestEnd {
    if (!this.#end) {
      const end = (this.#end = new RequestEnd());
      const caller = this.#options.signal;
      if (caller?.aborted) end.end('caller-left');
      else caller?.addEventListener('abort', () => end.end('caller-left'), { once: true });
    }
    return this.#end;
  }

  /** Waits `ms`, or less when the session ends (then rejects as the end says). */
  #pause(ms: number, resource: string): Promise<void> {
    const end = this.#ending();
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

  async #wrote(touched: string): Promise<void> {
    if (this.#reads) for (const key of this.#reads.keys()) if (related(key.split('?', 1)[0]!, touched)) this.#reads.delete(key);
    for (const listener of this.#writeListeners) listener(touched);
    await this.#api.reads?.invalidate(touched).catch((error: unknown) => this.#logger.warn({ err: error }, 'could not drop cached reads after a write'));
  }

  /**
   * A GET through the shared cache: a fresh cached answer costs no call (and no budget); else the
   * first request to ask makes the call — detached from its own caller and deadline, since others
   * may join it — and the rest wait for it, each within its own deadline.
   */
  async #sharedRead(reads: SharedReads, partition: string, options: CallOptions): Promise<SendResult> {
    const query = options.query ? new URLSearchParams(options.query).toString() : '';
    const cached = await reads.store.get(partition, options.path, query);
    if (cached) return cached;
    const key = `${partition} ${options.path}?${query}`;
    let flight = reads.flights.get(key);
    if (!flight) {
      const generation = reads.generation;
      const promise = this.#call(options, 'GET', true).then(async (read): Promise<CachedRead> => {
        // Not kept if a write came in meanwhile: the answer may be from before it.
        if (generation === reads.generation) await reads.store.set(partition, options.path, query, read, reads.ttlMs);
        return read;
      });
      const made = (flight = { path: options.path, promise });
      reads.flights.set(key, made);
      // Only this flight: a write may have dropped it, and a newer one for the same key taken its place.
      const done = () => reads.flights.get(key) === made && reads.flights.delete(key);
      void promise.then(done, done);
    }
    const shared = flight.promise;
    return this.#underDeadline(() => this.#waitFor(shared, options));
  }

  /** A shared call's answer, as far as this request can wait: until its deadline, or until its caller leaves. */
  async #waitFor<T>(shared: Promise<T>, options: CallOptions): Promise<T> {
    const end = this.#ending();
    if (end.reason) throw ended(end.reason, options.resource);
    let onEnd: (() => void) | undefined;
    const gone = new Promise<never>((_resolve, reject) => {
      onEnd = () => reject(ended(end.reason!, options.resource));
      end.once('end', onEnd);
    });
    try {
      return await Promise.race([shared, gone]);
    } finally {
      end.off('end', onEnd!);
    }
  }

  async #attempts(options: CallOptions, method: Method, observer: CallObserver, detached: boolean): Promise<SendResult> {
    const { retry, breaker } = this.#api;
    // Only a read is sent again: a write that met a 5xx, a timeout or a dropped connection may have
    // been executed upstream.
    const retries = method === 'GET' ? retry.retries : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await breaker.execute(() => this.#authenticated(options, method, observer, detached));
      } catch (error) {
        if (attempt >= retries || !isRetryable(error)) throw error;
        // upstream's Retry-After when it gave one, else full-jitter backoff; never past the deadline.
        const waitMs = error.retryAfterS !== undefined ? error.retryAfterS * 1000 : backoffMs(attempt, retry);
        if (!detached && Date.now() + waitMs >= this.#deadline) throw error;
        observer.retry(attempt + 1, error.code, waitMs);
        if (this.#logs('debug')) {
          this.#logger.debug({ method, path: options.path, code: error.code, attempt: attempt + 1, waitMs }, 'retrying an upstream read');
        }
        if (detached) await new Promise((resolve) => setTimeout(resolve, waitMs));
        else await this.#pause(waitMs, options.resource);
      }
    }
  }

  /**
   * One attempt with credentials. After a 401 upstream executed nothing, so with renewable credentials
   * the token is renewed once and the call sent once more — the one resend a write may get.
   */
  async #authenticated(options: CallOptions, method: Method, observer: CallObserver, detached: boolean): Promise<SendResult> {
    if (options.authenticate === false) return this.#send(options, method, undefined, observer, detached);
    const { credentials } = this.#api;
    const header = credentials.authorization(this.#options.callerAuthorization);
    // A header at hand is used at once; waiting for a token being fetched ends with the request, unless
    // others may join the call (then the token request's own timeout bounds it).
    const authorization = typeof header === 'string' ? header : await (detached ? header : this.#waitFor(header, options));
    try {
      return await this.#send(options, method, authorization, observer, detached);
    } catch (error) {
      if (!(error instanceof UpstreamError && error.status === 401 && credentials.renew)) throw error;
      const renewing = credentials.renew(authorization);
      const renewed = await (detached ? renewing : this.#waitFor(renewing, options));
      if (renewed === undefined) throw error;
      return this.#send(options, method, renewed, observer, detached);
    }
  }

  get #logger(): Logger {
    return this.#options.logger?.() ?? this.#api.logger;
  }

  /** Whether lines at `level` are written: asked of the process's logger, so no request logger is made to find out. */
  #logs(level: 'debug' | 'warn'): boolean {
    return this.#api.logger.isLevelEnabled(level);
  }

  async #send(options: CallOptions, method: Method, authorization: string | undefined, observer: CallObserver, detached: boolean): Promise<SendResult> {
    // A call others may join is bound by its own timeout, not by the deadline or caller of the request that started it.
    const remaining = detached ? Infinity : this.#deadline - Date.now();
    if (remaining <= 0) throw ended('deadline', options.resource);
    const path = options.query ? `${this.#basePath}${options.path}?${new URLSearchParams(options.query).toString()}` : this.#basePath + options.path;
    const headers: Record<string, string> = { accept: 'application/json', ...observer.headers };
    if (authorization !== undefined) headers.authorization = authorization;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const deadlineBound = remaining < this.#api.timeoutMs;
    const started = performance.now();
    try {
      const result = await send(this.#api.dispatcher, {
        method,
        origin: this.#origin,
        path,
        headers,
        body,
        timeoutMs: deadlineBound ? remaining : this.#api.timeoutMs,
        timeoutReason: deadlineBound ? "before this request's time limit (REQUEST_TIMEOUT_MS) ran out" : undefined,
        end: detached ? undefined : this.#ending(),
        resource: options.resource,
        answers: options.answers,
      });
      observer.attempt({ status: result.status }, performance.now() - started);
      if (this.#logs('debug')) this.#logger.debug({ method, path: options.path, status: result.status, ms: elapsed(started) }, 'upstream call');
      return result;
    } catch (error) {
      if (error instanceof UpstreamError) {
        observer.attempt(error.status === undefined ? { failure: error.code === 'UPSTREAM_TIMEOUT' ? 'timeout' : 'error' } : { status: error.status }, performance.now() - started);
        // A 4xx is upstream's answer to what the caller asked (an unknown id, another user's device):
        // not a fault to be warned about, and any caller can cause many of them.
        const answered = error.status !== undefined && error.status >= 400 && error.status < 500;
        const level = answered ? 'debug' : 'warn';
        if (this.#logs(level)) this.#logger[level]({ method, path: options.path, status: error.status, code: error.code, ms: elapsed(started) }, 'upstream call failed');
      }
      throw error;
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
