// Apollo's multipart HTTP protocol for subscriptions: what Apollo Client's plain HttpLink (and Apollo
// Kotlin and iOS) send for a subscription, so a client needs no SSE or WebSocket link to subscribe.
// https://www.apollographql.com/docs/graphos/routing/operations/subscriptions/multipart-protocol
// Yoga 5 answers subscriptions with SSE only; its own multipart/mixed is incremental delivery, with
// another boundary and framing. So this plugin adds a result processor for a subscription whose request
// asks for `multipart/mixed;subscriptionSpec=1.0`. Everything else (queries, SSE, JSON) stays yoga's,
// and so does a subscription that fails before it streams (a validation or authorisation error): yoga
// answers it as JSON, which Apollo Client reads as a GraphQL error.
//
// The bytes are the Apollo Router's, the protocol's reference server
// (https://github.com/apollographql/router/blob/dev/apollo-router/src/protocols/multipart.rs):
//   "\r\n--graphql"                                                    once, as the response starts
//   "\r\ncontent-type: application/json\r\n\r\n" + JSON + "\r\n--graphql"  per event and per heartbeat
//   "--\r\n"                                                           at the end: "--graphql--"
// A part and the delimiter after it go out as one chunk: Apollo Client's reader hands a part on only
// once it has read the next delimiter (consumeMultipartBody in
// https://github.com/apollographql/apollo-client/blob/main/src/link/http/parseAndCheckHttpResponse.ts),
// so a part written on its own would reach the application only with the next event. JSON.stringify
// escapes CR and LF inside strings, so no payload can contain the delimiter.
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { isAsyncIterable, type FetchAPI, type Plugin, type YogaLogger } from 'graphql-yoga';
import type { ErrorCode } from '../error-codes.js';
import { formatError, stringifyResult } from '../live/result-json.js';

export interface MultipartSubscriptionsOptions {
  /**
   * Milliseconds between heartbeats (a `{}` part) while a subscription is open, so that proxies and
   * load balancers do not close a quiet connection as idle. Default 5000, the Router's; at most 15000.
   */
  heartbeatMs?: number;
}

/** The Router's Content-Type (MULTIPART_SUBSCRIPTION_CONTENT_TYPE in its services module). */
export const MULTIPART_SUBSCRIPTION_CONTENT_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0';
const DELIMITER = '\r\n--graphql';
const PART_HEADERS = '\r\ncontent-type: application/json\r\n\r\n';
const HEARTBEAT = `${PART_HEADERS}{}${DELIMITER}`;
const CLOSE = '--\r\n';
const DEFAULT_HEARTBEAT_MS = 5_000;
/**
 * Well under the idle timeouts proxies apply by default (nginx's proxy_read_timeout,
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout; an AWS load balancer's
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout),
 * with room for a late timer and a lost write.
 */
const MAX_HEARTBEAT_MS = 15_000;

/** What a client sees of a failure the gateway did not expect; the details go to the log. */
const UNEXPECTED: GraphQLFormattedError & { extensions: { code: ErrorCode } } = {
  message: 'Unexpected error.',
  extensions: { code: 'INTERNAL_SERVER_ERROR' },
};

export function useMultipartSubscriptions(options: MultipartSubscriptionsOptions = {}): Plugin {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs <= 0 || heartbeatMs > MAX_HEARTBEAT_MS) {
    throw new RangeError(`heartbeatMs must be a number of milliseconds in (0, ${MAX_HEARTBEAT_MS}] (got ${String(heartbeatMs)})`);
  }
  // Only subscriptions: an async iterable result may also be incremental delivery (@defer/@stream),
  // whose parts this protocol cannot carry. Yoga tells the two apart the same way (onSubscribe).
  const subscriptions = new WeakSet<Request>();
  let logger: YogaLogger | undefined;
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    onSubscribe({ args }) {
      const { request } = args.contextValue as { request?: Request };
      if (request) subscriptions.add(request);
    },
    onResultProcess(payload) {
      const { request, result } = payload;
      if (!isAsyncIterable(result) || !subscriptions.has(request)) return;
      if (!acceptsMultipartSubscription(request.headers.get('accept'))) return;
      // Yoga registers its own processors (useResultProcessors) before the plugins it is given, and the
      // last setResultProcessor wins (processResult in graphql-yoga's process-request.js), so this one
      // is chosen over yoga's for the requests that ask for it.
      payload.setResultProcessor(
        (stream, fetchAPI) => multipartResponse(stream as AsyncIterable<ExecutionResult>, fetchAPI, heartbeatMs, logger),
        MULTIPART_SUBSCRIPTION_CONTENT_TYPE,
      );
    },
  };
}

/**
 * Whether an Accept header lists `multipart/mixed` with `subscriptionSpec=1.0`: media type and
 * parameter names in any case, the value quoted or not, the parameters in any order (RFC 9110
 * section 12.5.1), and not refused with `q=0`. Apollo Client sends
 * `multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/graphql-response+json,...`;
 * the protocol's page shows `multipart/mixed;subscriptionSpec="1.0", application/json`.
 */
export function acceptsMultipartSubscription(accept: string | null): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'multipart/mixed') return false;
    const values = new Map(
      parameters.map((parameter) => {
        const equals = parameter.indexOf('=');
        if (equals < 0) return [parameter, ''];
        return [parameter.slice(0, equals).trim(), parameter.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1')];
      }),
    );
    const q = values.get('q');
    return values.get('subscriptionspec') === '1.0' && (q === undefined || Number(q) > 0);
  });
}

/**
 * The response: parts as the iterator yields them, a heartbeat every `heartbeatMs` meanwhile, and the
 * iterator's `return()` when the client goes away, which releases what the subscription holds upstream.
 * Modelled on yoga's SSE processor (graphql-yoga's plugins/result-processor/sse.js).
 */
function multipartResponse(
  stream: AsyncIterable<ExecutionResult>,
  fetchAPI: FetchAPI,
  heartbeatMs: number,
  logger: YogaLogger | undefined,
): Response {
  const iterator = stream[Symbol.asyncIterator]();
  const encoder = new fetchAPI.TextEncoder();
  let open = true;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    open = false;
    clearInterval(heartbeat);
  };
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(DELIMITER));
      heartbeat = setInterval(() => {
        // A consumer that is not reading has parts waiting already; a heartbeat would only queue up.
        if (open && (controller.desiredSize ?? 0) > 0) controller.enqueue(encoder.encode(HEARTBEAT));
      }, heartbeatMs);
    },
    async pull(controller) {
      const step = await nextPart(iterator, logger);
      // The client may have left while the iterator was waiting for its next event.
      if (!open) return;
      if (step.part !== undefined) controller.enqueue(encoder.encode(`${PART_HEADERS}${step.part}${DELIMITER}`));
      if (!step.last) return;
      stop();
      controller.enqueue(encoder.encode(CLOSE));
      controller.close();
      // After a terminal error the iterator may still hold its source; after `done` this is a no-op.
      await iterator.return?.().catch(() => undefined);
    },
    async cancel() {
      stop();
      await iterator.return?.().catch(() => undefined);
    },
  });
  return new fetchAPI.Response(body, {
    status: 200,
    // no-cache: a stream of events is never a cached answer. No Transfer-Encoding: Node chooses chunked
    // for HTTP/1.1 itself, and HTTP/2 forbids the header.
    headers: { 'content-type': MULTIPART_SUBSCRIPTION_CONTENT_TYPE, 'cache-control': 'no-cache' },
  });
}

interface Step {
  /** The body of the next part, if there is one. */
  part?: string;
  /** True when the response ends after it. */
  last: boolean;
}

/**
 * The protocol's two kinds of error: GraphQL errors of one event travel inside its `payload` and the
 * subscription stays open; a fatal error is `{"payload":null,"errors":[...]}` and ends it. An event's
 * result always has `data` (graphql-js executes a selection set per event); a result with errors and
 * no `data` is what yoga makes of a source stream that threw (handleParams in graphql-yoga's server.js,
 * the errors already masked), so it is the fatal kind. An iterator that rejects is one too.
 */
async function nextPart(iterator: AsyncIterator<ExecutionResult>, logger: YogaLogger | undefined): Promise<Step> {
  let next: IteratorResult<ExecutionResult>;
  try {
    next = await iterator.next();
  } catch (error) {
    if (!(error instanceof Error && error.name === 'AbortError')) logger?.error(error);
    return { part: fatal([UNEXPECTED]), last: true };
  }
  if (next.done) return { last: true };
  const result = next.value;
  if (!('data' in result) && result.errors?.length) return { part: fatal(result.errors.map(formatError)), last: true };
  return { part: `{"payload":${stringifyResult(result)}}`, last: false };
}

/** Top-level errors carry no `locations` or `path`, the protocol says. */
function fatal(errors: readonly GraphQLFormattedError[]): string {
  return JSON.stringify({
    payload: null,
    errors: errors.map(({ message, extensions }) => (extensions ? { message, extensions } : { message })),
  });
}
