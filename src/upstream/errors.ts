// Every way a call to the partner API can fail, as one error class with a stable code from the
// catalogue (src/error-codes.ts, which says what each means). The GraphQL layer turns these into
// `extensions.code` (src/plugins/use-error-codes.ts); nothing here knows about GraphQL. Messages never
// contain a token, a secret or a query string.
import { CodedError, type CodeRaisedBy } from '../error-codes.js';

/** The codes a partner API call can fail with (the caller's own budget is src/caller/errors.ts's). */
export type UpstreamErrorCode = CodeRaisedBy<'upstream'>;

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

export class UpstreamError extends CodedError {
  override readonly name = 'UpstreamError';
  declare readonly code: UpstreamErrorCode;
  readonly status: number | undefined;
  readonly detail: unknown;
  readonly fields: { field?: string; message: string }[] | undefined;

  constructor(code: UpstreamErrorCode, message: string, options: UpstreamErrorOptions = {}) {
    super(code, message, { retryAfterS: options.retryAfterS, cause: options.cause });
    this.status = options.status;
    this.detail = options.detail;
    this.fields = options.fields;
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
