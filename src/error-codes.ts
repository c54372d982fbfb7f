// The error catalogue: every `extensions.code` the gateway can answer with, who raises it, the HTTP
// status of a request refused with it, and the README's words for it. The README's error table is
// checked against this object (test/unit/error-catalogue.test.ts); every producer takes its code from
// the types below, so a code that is not here does not compile.
//
// A leaf module: it imports nothing, and no GraphQL, so src/upstream/ and src/caller/ use it as freely
// as the GraphQL layer does (src/graphql-errors.ts builds the GraphQLErrors).

/**
 * Where a code comes from, in the order a request meets them:
 * - request: the HTTP request itself, before its document is read (src/server.ts, yoga and its plugins);
 * - caller: who is calling (src/caller/): authentication, the access rule, the budget of upstream calls;
 * - validation: the document — parsing, the limits, validation, variables that do not coerce;
 * - resolver: a field's own check of its arguments (src/schema/);
 * - upstream: the partner API call behind a field (src/upstream/);
 * - internal: the gateway's own handling of errors (masking, bounding a response).
 */
export type Raiser = 'request' | 'caller' | 'validation' | 'resolver' | 'upstream' | 'internal';

export interface ErrorCodeEntry {
  readonly raisedBy: readonly Raiser[];
  /**
   * The response's status when the whole request is refused with this code (no `data`); null when the
   * code only ever fails a field, beside the rest of the data, in an HTTP 200.
   */
  readonly status: number | null;
  /** The README's "When" column: one line of Markdown, no `|`. */
  readonly description: string;
}

const LIMITS = '[limits](#limits-what-one-request-may-cost)';
const JSON_LEGACY = 'HTTP 200 when the response is `application/json`, as GraphQL over HTTP\'s legacy rule says';

export const ERROR_CODES = {
  BAD_REQUEST: {
    raisedBy: ['request'],
    status: 400,
    description:
      'The HTTP request is not a GraphQL request (e.g. no query, GET parameters that are not JSON, a Host header or target that forms no URL, ' +
      'a request line or header Node\'s parser refuses). ' +
      'HTTP 405 for CONNECT, a method other than GET and POST, or a mutation sent with GET; 415 for a POST that is not `application/json`; ' +
      '431 for headers over 16 KiB; 408 for a request that does not arrive in time; 417 for an expectation other than 100-continue; ' +
      '406 for a subscription asked for as one JSON answer (ask for `text/event-stream` or `multipart/mixed;subscriptionSpec="1.0"`, or use graphql-ws).',
  },
  REQUEST_ENTITY_TOO_LARGE: {
    raisedBy: ['request'],
    status: 413,
    description: 'The body is over `MAX_REQUEST_BYTES` (or a chunked body\'s chunk extensions are too large).',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    raisedBy: ['request'],
    status: 404,
    description: 'APQ: the gateway does not know that hash (yet); Apollo\'s link then sends the query.',
  },
  PERSISTED_QUERY_MISMATCH: {
    raisedBy: ['request'],
    status: 400,
    description: 'APQ: the hash is not the SHA-256 of the query sent with it; or a persisted document\'s id comes with another document.',
  },
  PERSISTED_QUERY_NOT_IN_LIST: {
    raisedBy: ['request'],
    status: 400,
    description:
      'With `PERSISTED_DOCUMENTS_ONLY=true`: the request names no id in `PERSISTED_DOCUMENTS` and does not send one of its documents verbatim ' +
      '(refused before the document is parsed; a staff token passes with `PERSISTED_DOCUMENTS_STAFF_EXEMPT=true`). Also a `documentId` that is not listed.',
  },
  UNAUTHENTICATED: {
    raisedBy: ['caller', 'upstream'],
    status: 401,
    description:
      'With caller authentication: no valid bearer token (the request is refused). Otherwise a field error in an HTTP 200: upstream answered 401 ' +
      '(after one token renewal in client-credentials mode), the client credentials were refused, or a pass-through caller sent no `Authorization`.',
  },
  AUTHENTICATION_UNAVAILABLE: {
    raisedBy: ['caller'],
    status: 503,
    description: 'The identity provider\'s keys could not be fetched, so no token can be verified (with `Retry-After`).',
  },
  GRAPHQL_PARSE_FAILED: {
    raisedBy: ['validation'],
    status: 400,
    description: `The document does not parse (${JSON_LEGACY}).`,
  },
  GRAPHQL_VALIDATION_FAILED: {
    raisedBy: ['validation'],
    status: 400,
    description: `The document is not valid against the schema (${JSON_LEGACY}), or is too complex to validate.`,
  },
  OPERATION_RESOLUTION_FAILURE: {
    raisedBy: ['validation'],
    status: 400,
    description:
      'No operation to run: `operationName` names none in the document, or the document holds several and no `operationName` was given ' +
      '(yoga\'s code, as Apollo Server names it).',
  },
  MAX_TOKENS_LIMIT: {
    raisedBy: ['validation'],
    status: 400,
    description: `The document has more than \`MAX_TOKENS\` tokens (one of the ${LIMITS}).`,
  },
  MAX_DEPTH_LIMIT: {
    raisedBy: ['validation'],
    status: 400,
    description: `Fields nested deeper than \`MAX_DEPTH\`, or brackets deeper than 2 × \`MAX_DEPTH\` + 32 (one of the ${LIMITS}).`,
  },
  MAX_ALIASES_LIMIT: {
    raisedBy: ['validation'],
    status: 400,
    description: `More than \`MAX_ALIASES\` aliases (one of the ${LIMITS}).`,
  },
  MAX_DIRECTIVES_LIMIT: {
    raisedBy: ['validation'],
    status: 400,
    description: `More than \`MAX_DIRECTIVES\` directives (one of the ${LIMITS}).`,
  },
  MAX_COST_LIMIT: {
    raisedBy: ['validation'],
    status: 400,
    description: `An operation costs more than \`MAX_COST\` (one of the ${LIMITS}).`,
  },
  MAX_ENTITIES_LIMIT: {
    raisedBy: ['validation'],
    status: 400,
    description: `\`_entities\` is asked for more than \`MAX_ENTITIES\` representations (one of the ${LIMITS}).`,
  },
  INTROSPECTION_DISABLED: {
    raisedBy: ['validation'],
    status: 400,
    description: '`__schema` or `__type` with `INTROSPECTION=false`.',
  },
  BAD_USER_INPUT: {
    raisedBy: ['request', 'validation', 'resolver'],
    status: 400,
    description:
      'A malformed argument or variable (e.g. an id that is not a UUID; a literal in the document is answered as `GRAPHQL_VALIDATION_FAILED` is), ' +
      'variables nested too deeply, or an entity representation of a type this subgraph does not have; no upstream call is made. ' +
      'A field\'s own check of its input (e.g. a missing `orgId` with no `PODERO_ORG_ID`) fails that field alone, in an HTTP 200.',
  },
  FORBIDDEN: {
    raisedBy: ['resolver', 'caller', 'upstream'],
    status: null,
    description:
      'The caller may not act on the user or organization a field names (no upstream call), or on the user upstream answered with; or upstream answered 403.',
  },
  RATE_LIMITED: {
    raisedBy: ['caller'],
    status: null,
    description:
      'The caller\'s budget of upstream calls (`RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE`) is spent; `extensions.retryAfter` says in how many seconds ' +
      'a call is affordable again. No call was made.',
  },
  NOT_FOUND: {
    raisedBy: ['upstream'],
    status: null,
    description: 'Upstream answered 404 (unknown id, another user\'s wallbox, a soft-deleted wallbox without `includeDeleted`).',
  },
  UPSTREAM_TIMEOUT: {
    raisedBy: ['upstream'],
    status: null,
    description: 'No complete answer within `PODERO_TIMEOUT_MS` (after the retries of a read), or the request\'s `REQUEST_TIMEOUT_MS` ran out.',
  },
  UPSTREAM_UNAVAILABLE: {
    raisedBy: ['upstream'],
    status: null,
    description:
      'Connection refused, reset or dropped, or 502/503/504 (after the retries of a read); or the circuit breaker is open, then with ' +
      '`extensions.retryAfter` (seconds) and no upstream call.',
  },
  UPSTREAM_RATE_LIMITED: {
    raisedBy: ['upstream'],
    status: null,
    description:
      'Upstream answered 429 (after the retries of a read, or at once when its `Retry-After` would not fit in the request\'s time); ' +
      '`extensions.retryAfter` when upstream gave one.',
  },
  UPSTREAM_ERROR: {
    raisedBy: ['upstream'],
    status: null,
    description:
      'Any other non-2xx (500 included: not retried), or a body that is not the JSON upstream documents (not JSON, not an object, a required field missing).',
  },
  TOO_MANY_SUBSCRIPTIONS: {
    raisedBy: ['caller'],
    status: null,
    description: 'The caller already holds `LIVE_MAX_SUBSCRIPTIONS_PER_CALLER` subscriptions; end one first. No stream is started.',
  },
  TOO_MANY_CONNECTIONS: {
    raisedBy: ['request'],
    status: 429,
    description: 'The client address already holds `LIVE_MAX_CONNECTIONS_PER_CLIENT` open subscription connections (WebSocket, SSE or multipart streams); close one first.',
  },
  TOO_MANY_POLLERS: {
    raisedBy: ['internal'],
    status: null,
    description: 'The gateway already polls `LIVE_MAX_POLLERS` distinct devices for subscribers; a subscription to another one is refused until one ends. No stream is started.',
  },
  TOO_MANY_UPSTREAM_CALLS: {
    raisedBy: ['upstream'],
    status: null,
    description: 'The operation needs more upstream calls than `PODERO_MAX_CALLS_PER_REQUEST`.',
  },
  TOO_MANY_ERRORS: {
    raisedBy: ['internal'],
    status: null,
    description: 'The last error of a response that had more than `MAX_ERRORS`; `extensions.count` says how many were left out.',
  },
  INTERNAL_SERVER_ERROR: {
    raisedBy: ['internal'],
    status: 500,
    description:
      'Anything unexpected; the message is masked (`Unexpected error.`) and the details are logged. HTTP 500 only when the response has no `data`.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

type Catalogue = typeof ERROR_CODES;

/** Every code the gateway answers with. */
export type ErrorCode = keyof Catalogue;

/** The codes one raiser may produce (e.g. the upstream error class takes only `CodeRaisedBy<'upstream'>`). */
export type CodeRaisedBy<R extends Raiser> = { [C in ErrorCode]: R extends Catalogue[C]['raisedBy'][number] ? C : never }[ErrorCode];

/** The codes a whole request may be refused with: those with a status. */
export type RefusalCode = { [C in ErrorCode]: Catalogue[C]['status'] extends number ? C : never }[ErrorCode];

/** The HTTP status of a request refused with `code`. */
export function statusOf(code: RefusalCode): number {
  return ERROR_CODES[code].status;
}

export interface CodedErrorOptions {
  retryAfterS?: number | undefined;
  cause?: unknown;
}

/**
 * A failure below the GraphQL layer (the partner API call, the caller's budget) that reaches the client
 * as a field error with its `code`, and `extensions.retryAfter` when it says when to try again
 * (src/plugins/use-error-codes.ts passes both on).
 */
export class CodedError extends Error {
  /** Subclasses narrow it to the codes they may raise (`declare readonly code: ...`). */
  readonly code: ErrorCode;
  /** Seconds after which the call may be tried again. */
  readonly retryAfterS: number | undefined;

  constructor(code: ErrorCode, message: string, options: CodedErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryAfterS = options.retryAfterS;
  }
}

/** The body of an error answered without yoga (a malformed HTTP request, a refused content type): GraphQL's shape. */
export function errorResponseBody(code: ErrorCode, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}
