// Every way a call to the partner API can fail, as one error class with a stable code.
// The GraphQL layer turns these into `extensions.code` (src/plugins/use-error-codes.ts); nothing
// here knows about GraphQL. Messages never contain a token, a secret or a query string.

export type UpstreamErrorCode =
  | 'NOT_FOUND' // upstream 404
  | 'UNAUTHENTICATED' // upstream 401, or no credentials to send
  | 'FORBIDDEN' // upstream 403
  | 'UPSTREAM_TIMEOUT' // no complete answer within PODERO_TIMEOUT_MS, or before the request's deadline
  | 'UPSTREAM_UNAVAILABLE' // refused, reset or dropped connection; 502, 503, 504; or the circuit breaker is open
  | 'UPSTREAM_RATE_LIMITED' // upstream answered 429 (after retries)
  | 'UPSTREAM_ERROR' // any other non-2xx, or a body that is not what the API documents
  | 'TOO_MANY_UPSTREAM_CALLS' // one GraphQL request asked for more calls than its budget allows
  | 'RATE_LIMITED'; // the caller's budget of upstream calls per minute is spent (src/caller/budget.ts)

export interface UpstreamErrorOptions {
  /** HTTP status upstream answered with, when it answered at all. */
  status?: number | undefined;
  /** Upstream's own explanation (the `detail` of an error body), when it gave one. */
  detail?: unknown;
  /** Field-level validation messages, named by the gateway's input field where one maps. */
  fields?: { field?: string; message: string }[] | undefined;
  /** Seconds after which the call may be tried again. */
  retryAfterS?: number | undefined;
  cause?: unknown;
}

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly code: UpstreamErrorCode;
  readonly status: number | undefined;
  readonly detail: unknown;
  readonly fields: { field?: string; message: string }[] | undefined;
  readonly retryAfterS: number | undefined;

  constructor(code: UpstreamErrorCode, message: string, options: UpstreamErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.detail = options.detail;
    this.fields = options.fields;
    this.retryAfterS = options.retryAfterS;
  }

  /** The same failure, with the status of the answer it was found in. */
  withStatus(status: number): UpstreamError {
    return new UpstreamError(this.code, this.message, { status, detail: this.detail, fields: this.fields, retryAfterS: this.retryAfterS, cause: this.cause });
  }
}

/** The error code for a non-2xx status; the gateway never mirrors upstream's status to its own callers. */
export function codeForStatus(status: number): UpstreamErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'UPSTREAM_RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'UPSTREAM_UNAVAILABLE';
    default:
      return 'UPSTREAM_ERROR';
  }
}
