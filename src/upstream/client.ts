// The only code that speaks HTTP to the partner API.
//
// `PartnerApi` is process-wide: an undici Agent (a keep-alive connection pool per origin), the base
// URL, the credentials and the timeout. `PartnerApi.session()` gives one GraphQL request its own view:
// the caller's Authorization (pass-through mode), the request's abort signal, a cap on calls in flight
// and a budget of calls, so one operation can never fan out without bound.
import { Agent, type Dispatcher } from 'undici';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../logger.js';
import type { Credentials } from './auth.js';
import type { ReportUnknown } from './decode.js';
import { UpstreamError, codeForStatus } from './errors.js';

/** Bodies above this size are refused: no documented response comes anywhere near it. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** How much of an error body is read to find upstream's explanation. */
const MAX_ERROR_DETAIL_CHARS = 2000;

export function createAgent(): Agent {
  return new Agent({
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    // Bounds sockets per origin under load; excess calls queue in the pool instead of opening more.
    connections: 128,
    maxResponseSize: MAX_RESPONSE_BYTES,
  });
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface SendOptions {
  method: Method;
  url: URL;
  headers: Record<string, string>;
  body?: string | undefined;
  timeoutMs: number;
  /** Aborts the call when the GraphQL request that needs it goes away. */
  signal?: AbortSignal | undefined;
  /** Names the resource in error messages, e.g. "wallbox 3c90…". Never a URL with a query string. */
  resource: string;
  /** Non-2xx statuses that are answers, not failures (e.g. 409 from boost): returned with their body. */
  answers?: readonly number[] | undefined;
}

export interface SendResult {
  status: number;
  /** Parsed JSON body, or undefined for an empty body (204). */
  body: unknown;
}

/**
 * One HTTP exchange with timeout and error mapping. Every non-2xx status, network failure, timeout
 * and unparseable body becomes an UpstreamError; the caller sees either a 2xx with JSON or an error.
 * (401 is returned as an error too: the session decides whether renewing the token can help.)
 */
export async function send(dispatcher: Dispatcher, options: SendOptions): Promise<SendResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Dispatcher.ResponseData;
  let text: string;
  try {
    response = await dispatcher.request({
      origin: options.url.origin,
      path: options.url.pathname + options.url.search,
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal,
    });
    text = await response.body.text();
  } catch (error) {
    throw networkError(error, options, timeout.aborted, signal.aborted);
  }

  const { statusCode: status } = response;
  if ((status >= 200 && status < 300) || options.answers?.includes(status)) {
    if (text === '') return { status, body: undefined };
    try {
      return { status, body: JSON.parse(text) as unknown };
    } catch (cause) {
      throw new UpstreamError('UPSTREAM_ERROR', `The partner API answered ${options.resource} with a body that is not JSON`, {
        status,
        cause,
      });
    }
  }
  throw statusError(status, text, options.resource);
}

function statusError(status: number, text: string, resource: string): UpstreamError {
  const code = codeForStatus(status);
  const detail = errorDetail(text);
  const message = {
    NOT_FOUND: `The partner API has no ${resource}`,
    UNAUTHENTICATED: `The partner API rejected the credentials (401)`,
    FORBIDDEN: `The partner API refused access to ${resource} (403)`,
  }[code as string] ?? `The partner API answered ${status} for ${resource}`;
  return new UpstreamError(code, message, { status, detail });
}

/**
 * Upstream's error body is undocumented. The API looks like django-ninja (see the digest, §9), which
 * answers `{"detail": "..."}` or `{"detail": [{"loc": [...], "msg": "..."}]}`; keep that `detail` when
 * it is there, and otherwise nothing: an unknown body is not echoed to callers.
 */
function errorDetail(text: string): unknown {
  if (text === '') return undefined;
  try {
    const { detail } = (JSON.parse(text) ?? {}) as { detail?: unknown };
    if (typeof detail === 'string') return detail.slice(0, MAX_ERROR_DETAIL_CHARS);
    // Validation errors: keep where and what (pydantic's loc/msg/type), never the `input` echoed back.
    if (Array.isArray(detail)) return detail.slice(0, 50).map(validationItem);
  } catch {
    // not JSON: nothing to keep
  }
  return undefined;
}

function validationItem(item: unknown): { loc?: unknown; msg?: unknown; type?: unknown } {
  const { loc, msg, type } = (item ?? {}) as Record<string, unknown>;
  return {
    ...(Array.isArray(loc) ? { loc: loc.filter((p) => typeof p === 'string' || typeof p === 'number') } : {}),
    ...(typeof msg === 'string' ? { msg: msg.slice(0, MAX_ERROR_DETAIL_CHARS) } : {}),
    ...(typeof type === 'string' ? { type } : {}),
  };
}

function networkError(error: unknown, options: SendOptions, timedOut: boolean, aborted: boolean): Error {
  if (timedOut) {
    return new UpstreamError('UPSTREAM_TIMEOUT', `The partner API did not answer within ${options.timeoutMs} ms for ${options.resource}`, {
      cause: error,
    });
  }
  // The GraphQL request was cancelled by its caller: not an upstream failure. (Ask the combined signal:
  // yoga's request signal on Node does not always report `aborted` itself.) Yoga recognizes this
  // DOMException and drops the request quietly.
  if (aborted) return new DOMException('The caller cancelled the request', 'AbortError');
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new UpstreamError('UPSTREAM_ERROR', `The partner API answered ${options.resource} with a body over ${MAX_RESPONSE_BYTES} bytes`, {
      cause: error,
    });
  }
  const reason = typeof code === 'string' ? code : 'connection failed';
  return new UpstreamError('UPSTREAM_UNAVAILABLE', `The partner API could not be reached (${reason})`, { cause: error });
}

export interface PartnerApiOptions {
  /** The API base including `/api/partners/v2.0`. */
  baseUrl: URL;
  credentials: Credentials;
  timeoutMs: number;
  dispatcher: Dispatcher;
  logger: Logger;
}

export interface SessionOptions {
  /** The caller's own Authorization header, forwarded in pass-through mode only. */
  callerAuthorization?: string | undefined;
  signal?: AbortSignal | undefined;
  maxConcurrency: number;
  maxCalls: number;
  /**
   * Asked before each call (not before a resend after a token renewal): rejects when the call must not
   * be made, e.g. the caller's budget of upstream calls is spent (src/caller/budget.ts).
   */
  admit?: (() => Promise<void>) | undefined;
  /** Where this session's calls are logged (the request's logger, which names the caller). */
  logger?: Logger | undefined;
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
}

/** One GraphQL request's access to the partner API. Lives in the request context; never shared. */
export class ApiSession {
  readonly #api: PartnerApiOptions;
  readonly #basePath: string;
  readonly #options: SessionOptions;
  readonly #limit: LimitFunction;
  #calls = 0;
  /** Where decoders report values they do not understand. */
  readonly reportUnknown: ReportUnknown;

  constructor(api: PartnerApiOptions, basePath: string, reportUnknown: ReportUnknown, options: SessionOptions) {
    this.#api = api;
    this.#basePath = basePath;
    this.#options = options;
    this.#limit = pLimit(options.maxConcurrency);
    this.reportUnknown = reportUnknown;
  }

  /** Upstream calls this session has made (a resend after a token renewal is part of its call). */
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
   * Sends one call. Nothing is retried — a GET may be repeated safely but a write may have been
   * executed by an upstream that then failed to answer — except after a 401: upstream executed
   * nothing, so with renewable credentials the token is renewed once and the call sent once more.
   */
  exchange(options: CallOptions): Promise<SendResult> {
    return this.#limit(async () => {
      if (this.#calls >= this.#options.maxCalls) {
        throw new UpstreamError(
          'TOO_MANY_UPSTREAM_CALLS',
          `This operation needs more than ${this.#options.maxCalls} partner API calls; split it into smaller operations`,
        );
      }
      this.#calls++;
      await this.#options.admit?.();
      if (options.authenticate === false) return this.#send(options, undefined);
      const { credentials } = this.#api;
      const authorization = await credentials.authorization(this.#options.callerAuthorization);
      try {
        return await this.#send(options, authorization);
      } catch (error) {
        if (!(error instanceof UpstreamError && error.status === 401 && credentials.renew)) throw error;
        const renewed = await credentials.renew(authorization);
        if (renewed === undefined) throw error;
        return this.#send(options, renewed);
      }
    });
  }

  async #send(options: CallOptions, authorization: string | undefined): Promise<SendResult> {
    const logger = this.#options.logger ?? this.#api.logger;
    const method = options.method ?? 'GET';
    const url = new URL(this.#api.baseUrl.origin + this.#basePath + options.path);
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authorization !== undefined) headers.authorization = authorization;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const started = performance.now();
    try {
      const result = await send(this.#api.dispatcher, {
        method,
        url,
        headers,
        body,
        timeoutMs: this.#api.timeoutMs,
        signal: this.#options.signal,
        resource: options.resource,
        answers: options.answers,
      });
      logger.debug({ method, path: options.path, status: result.status, ms: elapsed(started) }, 'upstream call');
      return result;
    } catch (error) {
      if (error instanceof UpstreamError) {
        // A 4xx is upstream's answer to what the caller asked (an unknown id, another user's device):
        // not a fault to be warned about, and any caller can cause many of them.
        const answered = error.status !== undefined && error.status >= 400 && error.status < 500;
        logger[answered ? 'debug' : 'warn'](
          { method, path: options.path, status: error.status, code: error.code, ms: elapsed(started) },
          'upstream call failed',
        );
      }
      throw error;
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
