// What the caller's own limits refuse below the GraphQL layer: a field whose upstream call their budget
// cannot pay for (RATE_LIMITED), data of a user they may not act on (FORBIDDEN). Not the partner API's
// failures (src/upstream/errors.ts), though both reach the client the same way: a field error with the
// catalogue's code (src/error-codes.ts) and `extensions.retryAfter` when there is one.
import { CodedError, type CodeRaisedBy, type CodedErrorOptions } from '../error-codes.js';

export type CallerErrorCode = CodeRaisedBy<'caller'>;

export class CallerError extends CodedError {
  override readonly name = 'CallerError';
  declare readonly code: CallerErrorCode;

  constructor(code: CallerErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}
