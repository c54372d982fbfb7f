// One HTTP exchange with the partner API: the request, its timeout, and every way it can fail mapped
// to an UpstreamError. No retries, no credentials, no sessions here: that is client.ts's.
import { EventEmitter } from 'node:events';
import { Agent, type Dispatcher } from 'undici';
import { UpstreamError, codeForStatus } from './errors.js';
import { retryAfterMs } from './resilience.js';

/** Bodies above this size are refused: no documented response comes anywhere near it. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** How much of an error body is read to find upstream's explanation. */
const MAX_ERROR_DETAIL_CHARS = 2000;

/**
 * Connections per origin when not configured (PODERO_MAX_CONNECTIONS). A bound, so that a burst queues
 * in the pool instead of opening ever more sockets to the partner API; high enough that it is not what
 * limits a busy gateway: calls in flight are bounded by requests in flight × PODERO_MAX_CONCURRENCY, and a
 * pool of n sockets serves at most n ÷ the upstream's latency calls a second (128 held a gateway at
 * c=100 and a 20 ms upstream with CPU to spare: README, "Performance and scale-out").
 */
export const DEFAULT_MAX_CONNECTIONS = 512;

export function createAgent(timeoutMs: number, maxConnections = DEFAULT_MAX_CONNECTIONS): Agent {
  return new Agent({
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connections: maxConnections,
    maxResponseSize: MAX_RESPONSE_BYTES,
    connect: { timeout: timeoutMs },
    // `send` times every attempt itself, from asking for a connection to the last byte. undici's own
    // header and body timeouts (300 s) would add nothing but a timer per call: undici keeps each in a
    // list it sweeps twice a second, so under load thousands outlive the young generation and are
    // collected with the old one (bench/README.md, "Where a request's CPU goes").
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

/** Why a GraphQL request's calls stop early: its caller went away, or its time limit (REQUEST_TIMEOUT_MS) passed. */
export type EndReason = 'caller-left' | 'deadline';

/**
 * Ends one GraphQL request's calls (and its waits) at once. A plain EventEmitter rather than an
 * AbortController: AbortSignal.timeout and AbortSignal.any would make a timer and two signals per call;
 * a request makes one of these, and a call only listens to it while it runs (part of the hot-path
 * lever in the README's "Performance and scale-out" table, measured with bench/ab.ts).
 */
export class RequestEnd extends EventEmitter {
  reason: EndReason | undefined;

  constructor() {
    super();
    // Every call and wait of the request listens; their number is bounded by the request's own limits.
    this.setMaxListeners(0);
  }

  end(reason: EndReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.emit('end');
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface SendOptions {
  method: Method;
  /** e.g. `https://api.podero.com` */
  origin: string;
  /** The path with its query string, e.g. `/api/partners/v2.0/org/…/wallboxes/…?include_deleted=true` */
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** One attempt's time limit, from asking for a connection to the last byte of the answer (a native timer, so exact). */
  timeoutMs: number;
  /** Ends the call early: its GraphQL request went away or ran out of time. */
  end?: RequestEnd | undefined;
  /** Names the resource in error messages, e.g. "wallbox 3c90…". Never a URL with a query string. */
  resource: string;
  /** Non-2xx statuses that are answers, not failures (e.g. 409 from boost): returned with their body. */
  answers?: readonly number[] | undefined;
  /** Says why the call may not take longer, for the timeout's message (default: `within <timeoutMs> ms`). */
  timeoutReason?: string | undefined;
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
 *
 * Through undici's `dispatch` with a handler of its own rather than `request`: answers are small JSON
 * documents read whole, so the body is collected as it arrives instead of going through a Readable
 * stream, and the call is ended (timeout, or its request's end) through the dispatch controller
 * instead of a signal (the README's "Performance and scale-out" table has what it gained, measured
 * with bench/ab.ts).
 * https://github.com/nodejs/undici/blob/main/docs/docs/api/Dispatcher.md
 */
export function send(dispatcher: Dispatcher, options: SendOptions): Promise<SendResult> {
  const { end } = options;
  if (end?.reason) return Promise.reject(ended(end.reason, options.resource));
  return new Promise<SendResult>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let retryAfter: string | string[] | undefined;
    let chunks: Buffer | Buffer[] | undefined;
    const settle = (outcome: SendResult | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      end?.off('end', onEnd);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const cut = (error: Error) => {
      settle(error);
      // Not yet on a socket (queued in the pool): onRequestStart aborts it when it gets there.
      controller?.abort(error);
    };
    const timer = setTimeout(() => cut(networkError(undefined, options, true)), options.timeoutMs);
    const onEnd = () => cut(ended(end!.reason!, options.resource));
    end?.once('end', onEnd);

    dispatcher.dispatch(
      { origin: options.origin, path: options.path, method: options.method, headers: options.headers, body: options.body ?? null },
      {
        onRequestStart(started) {
          controller = started;
          if (settled) started.abort(new Error('the call was ended before it was sent'));
        },
        onResponseStart(_controller, statusCode, headers) {
          status = statusCode;
          retryAfter = headers['retry-after'];
        },
        onResponseData(_controller, chunk) {
          if (chunks === undefined) chunks = chunk;
          else if (Array.isArray(chunks)) chunks.push(chunk);
          else chunks = [chunks, chunk];
        },
        onResponseEnd() {
          const text = chunks === undefined ? '' : Array.isArray(chunks) ? Buffer.concat(chunks).toString('utf8') : chunks.toString('utf8');
          settle(answer(status, text, retryAfter, options));
        },
        onResponseError(_controller, error) {
          settle(networkError(error, options, false));
        },
      },
    );
  });
}

/** A complete answer: its JSON, or the UpstreamError its status (or its body) means. */
function answer(status: number, text: string, retryAfter: string | string[] | undefined, options: SendOptions): SendResult | UpstreamError {
  if ((status >= 200 && status < 300) || options.answers?.includes(status)) {
    if (text === '') return { status, body: undefined };
    try {
      return { status, body: JSON.parse(text) as unknown };
    } catch (cause) {
      return new UpstreamError('UPSTREAM_ERROR', `The partner API answered ${options.resource} with a body that is not JSON`, { status, cause });
    }
  }
  return statusError(status, text, options.resource, retryAfter);
}

function statusError(status: number, text: string, resource: string, retryAfter: string | string[] | undefined): UpstreamError {
  const code = codeForStatus(status);
  const detail = errorDetail(text);
  const message = {
    NOT_FOUND: `The partner API has no ${resource}`,
    UNAUTHENTICATED: `The partner API rejected the credentials (401)`,
    FORBIDDEN: `The partner API refused access to ${resource} (403)`,
    UPSTREAM_RATE_LIMITED: `The partner API is throttling this gateway (429) for ${resource}`,
  }[code as string] ?? `The partner API answered ${status} for ${resource}`;
  // 429 and 503 may say when to come back (seconds, or an HTTP date: RFC 9110 §10.2.3).
  const waitMs = retryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  return new UpstreamError(code, message, { status, detail, ...(waitMs === undefined ? {} : { retryAfterS: Math.ceil(waitMs / 1000) }) });
}

/**
 * Upstream's error body is undocumented. The API looks like django-ninja, which
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

/** The error of a call or wait that its request's end cut short. */
export function ended(reason: EndReason, resource: string, cause?: unknown): Error {
  if (reason === 'deadline') {
    return new UpstreamError('UPSTREAM_TIMEOUT', `This request's time limit (REQUEST_TIMEOUT_MS) ran out before the partner API answered for ${resource}`, { cause });
  }
  // The GraphQL request was cancelled by its caller: not an upstream failure. Yoga recognizes this
  // DOMException and drops the request quietly.
  return new DOMException('The caller cancelled the request', 'AbortError');
}

function networkError(error: unknown, options: SendOptions, timedOut: boolean): Error {
  if (options.end?.reason) return ended(options.end.reason, options.resource, error);
  const code = (error as { code?: unknown } | null)?.code;
  if (timedOut || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new UpstreamError('UPSTREAM_TIMEOUT', `The partner API did not answer ${options.timeoutReason ?? `within ${options.timeoutMs} ms`} for ${options.resource}`, {
      cause: error,
    });
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new UpstreamError('UPSTREAM_ERROR', `The partner API answered ${options.resource} with a body over ${MAX_RESPONSE_BYTES} bytes`, {
      cause: error,
    });
  }
  const reason = typeof code === 'string' ? code : 'connection failed';
  return new UpstreamError('UPSTREAM_UNAVAILABLE', `The partner API could not be reached (${reason})`, { cause: error });
}
