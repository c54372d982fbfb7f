// Every GraphQL error leaves the gateway with a stable `extensions.code`, and in a bounded form.
//
// The codes, who raises each, and the HTTP status of a request refused with one are the catalogue's
// (src/error-codes.ts); GraphQLErrors with a code are built by src/graphql-errors.ts. Here, codes are
// only given to errors that arrive without one: a failure below the GraphQL layer (an UpstreamError or
// a CallerError, coded in `maskError`), variables that do not coerce (BAD_USER_INPUT), a request yoga
// refused on its own (BAD_REQUEST), anything unexpected (INTERNAL_SERVER_ERROR), and the last error of
// a response cut at MAX_ERRORS (TOO_MANY_ERRORS).
//
// Two hooks, one job each: `maskError` (yoga calls it for every execution and request error) decides
// whether an error is expected — coded, passed on as it is, not logged — or the gateway's own fault —
// masked, and logged by yoga at error level with its stack. `onExecutionResult` bounds what a response
// carries: at most MAX_ERRORS errors, no message that echoes a large input, no schema hints in production.
//
// Errors are amended in place rather than copied: graphql-js computed each error's locations by
// scanning the document, and a copy would scan it again (8,500 errors on a 1 MB document cost ~20 s
// that way); and yoga logs every error that maskError replaces.
import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, maskError as yogaMaskError, type Plugin, type YogaServerOptions } from 'graphql-yoga';
import { CodedError } from '../error-codes.js';
import { codedError, withCode } from '../graphql-errors.js';
import { UpstreamError } from '../upstream/errors.js';

export interface ErrorPresentationOptions {
  /** Errors in one response; the rest are counted in one last TOO_MANY_ERRORS error. */
  maxErrors: number;
  /** NODE_ENV=development: keep graphql-js's "Did you mean ...?" hints. */
  development: boolean;
}

/** Longest message a response carries; longer ones are echoes of input. */
const MAX_MESSAGE_CHARS = 1000;
/** A quoted value longer than this in a message is shortened ("abc…" (1048576 characters)). */
const MAX_QUOTED_CHARS = 64;

export function useErrorCodes({ maxErrors, development }: ErrorPresentationOptions): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result }) {
          // No `data` at all: graphql-js refused to start, because the variables do not coerce to their
          // types (a malformed UUID, a wrong enum). Those are the caller's to fix. (Runs before yoga's
          // masking, which then passes them on as they are.)
          if (isAsyncIterable(result) || 'data' in result) return;
          for (const error of (result as ExecutionResult).errors ?? []) withCode(error, 'BAD_USER_INPUT');
        },
      };
    },
    onExecutionResult(payload) {
      // Streams (subscriptions, @defer) are not offered.
      const { result } = payload;
      if (result && !isAsyncIterable(result)) payload.setResult(bounded(result, maxErrors, development));
    },
  };
}

function bounded(result: ExecutionResult, maxErrors: number, development: boolean): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.slice(0, maxErrors).map((e) => present(e, development));
  const left = result.errors.length - errors.length;
  if (left > 0) {
    errors.push(codedError('TOO_MANY_ERRORS', `${left} more errors were left out of this response`, { count: left }));
  }
  return { ...result, errors };
}

/** Shortens caller values, drops schema hints outside development, and caps the length, in one pass. */
function present(error: GraphQLError, development: boolean): GraphQLError {
  const message = boundedMessage(error.message, development);
  if (message !== error.message) error.message = message;
  return error;
}

const HINT = 'Did you mean ';

/**
 * A message as the caller may see it, built in one left-to-right pass that stops once MAX_MESSAGE_CHARS
 * are written: a message can echo a value of hundreds of KB, and any processing of the whole of it
 * (a regular expression over it once took 10-16 s on a crafted value) would be the caller's to
 * command. Quoted values over MAX_QUOTED_CHARS are cut (their length is still told: finding their end
 * is a linear scan), and so is any unquoted run without a space (an object key or a literal that
 * graphql-js prints without quotes). "Did you mean ...?" maps the schema for someone who has
 * introspection switched off, so it goes outside development; a hint inside quotes is caller text and
 * stays, cut like any other.
 */
export function boundedMessage(message: string, development: boolean): string {
  let out = '';
  let nextQuestionMark = -2; // -2: not looked for yet; -1: none left
  let i = 0;
  while (i < message.length && out.length < MAX_MESSAGE_CHARS) {
    const char = message[i]!;
    if (char === '"') {
      const end = closingQuote(message, i);
      const length = end - i - 1;
      out += length > MAX_QUOTED_CHARS ? `"${message.slice(i + 1, i + 1 + MAX_QUOTED_CHARS)}…" (${length} characters)` : message.slice(i, end + 1);
      i = end + 1;
    } else if (!development && message.startsWith(HINT, char === ' ' ? i + 1 : i)) {
      // Up to and including the next "?", found once for all hints (a message of repeated hints stays linear).
      if (nextQuestionMark !== -1 && nextQuestionMark < i) nextQuestionMark = message.indexOf('?', i);
      if (nextQuestionMark === -1) {
        out += char;
        i++;
      } else i = nextQuestionMark + 1;
    } else if (char === ' ' || char === '\n') {
      out += char;
      i++;
    } else {
      // A run up to the next space, quote or line: shown up to MAX_QUOTED_CHARS.
      let end = i;
      while (end < message.length && end - i <= MAX_QUOTED_CHARS && !' "\n'.includes(message[end]!)) end++;
      if (end - i > MAX_QUOTED_CHARS) {
        out += `${message.slice(i, i + MAX_QUOTED_CHARS)}…`;
        while (end < message.length && !' "\n'.includes(message[end]!)) end++;
      } else out += message.slice(i, end);
      i = end;
    }
  }
  return i < message.length || out.length > MAX_MESSAGE_CHARS ? `${out.slice(0, MAX_MESSAGE_CHARS)}…` : out;
}

/** Index of the quote that closes the one at `open` (backslash escapes skipped), or the message's end. */
function closingQuote(message: string, open: number): number {
  for (let j = open + 1; j < message.length; j++) {
    if (message[j] === '\\') j++;
    else if (message[j] === '"') return j;
  }
  return message.length;
}

/**
 * Yoga's masking, plus codes. An error the gateway expects — an upstream failure, a GraphQLError a
 * resolver or graphql-js raised — is returned as it is, with a code; anything else is the gateway's own
 * fault and is masked (never in development mode, which would echo internals).
 */
export const maskedErrors: YogaServerOptions<object, object>['maskedErrors'] = {
  isDev: false,
  maskError(error, message) {
    if (error instanceof GraphQLError) {
      const original = error.originalError;
      if (original instanceof CodedError) return withCodeOf(error, original);
      if (original === undefined || original === null || original instanceof GraphQLError) return withFallbackCode(error);
    }
    const masked = yogaMaskError(error, message, false);
    return masked instanceof GraphQLError ? withFallbackCode(masked) : masked;
  },
};

/** A failure below the GraphQL layer: its code, and what upstream said (its status, its field messages) when it was upstream's. */
function withCodeOf(error: GraphQLError, failure: CodedError): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  extensions.code = failure.code;
  const upstream = failure instanceof UpstreamError ? failure : undefined;
  if (upstream?.fields) extensions.fields = upstream.fields;
  if (failure.retryAfterS !== undefined) extensions.retryAfter = failure.retryAfterS;
  if (upstream?.status !== undefined) {
    extensions.upstream = { status: upstream.status, ...(upstream.detail === undefined ? {} : { detail: upstream.detail }) };
  }
  return error;
}

/**
 * Errors yoga raises without a code: a request it refused (a 4xx) is the caller's to fix. Yoga also
 * attaches the parser's own error to some (`originalError`: a body that is not JSON gets V8's message,
 * which quotes the body, up to MAX_REQUEST_BYTES of it); its message already says what is wrong, so
 * it is dropped. (Yoga read its presence as "not a GraphQL error, answer 4xx to every client"; that is
 * said with `spec: false` instead, as for every other refused request.)
 */
function withFallbackCode(error: GraphQLError): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  if (extensions.originalError !== undefined) {
    delete extensions.originalError;
    const http = extensions.http as { spec?: boolean } | undefined;
    if (http) http.spec = false;
  }
  if (extensions.code !== undefined) return error;
  const { status } = (extensions.http ?? {}) as { status?: number };
  return withCode(error, status !== undefined && status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR');
}
