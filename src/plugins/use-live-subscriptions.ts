// How a subscription runs, whatever its transport (SSE, graphql-ws, multipart: src/live/transports.ts).
// graphql-js's own `subscribe` executes every event with the context of the request that subscribed; a
// stream outlives that request's deadline and its reads by hours, so each event here gets a renewed
// context (Context.renew: a fresh session and loaders, the same caller), and an event whose result is
// what this subscriber last received is not sent: a device changing in a field they did not select
// sends them nothing.
//
// It also reports each stream: the live metrics (subscriptions by transport, events) and one access-log
// line when the stream ends (transport, duration, events, caller), as a request gets one when answered.
import { createSourceEventStream, execute, getOperationAST, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { describeCaller } from '../caller/caller.js';
import type { Context } from '../context.js';
import { errorResponseBody } from '../error-codes.js';
import { stringifyResult } from '../live/result-json.js';
import { sseResponse } from '../live/sse.js';
import { acceptsMultipartSubscription } from './use-multipart-subscriptions.js';
import { codedError } from '../graphql-errors.js';
import { executionEnded } from '../schema/index.js';
import { clientAddress } from '../caller/identify.js';
import { TOO_MANY_CONNECTIONS_MESSAGE, type Connections } from '../live/connections.js';
import type { LiveObserver, Transport } from '../live/live-devices.js';
import type { Logger } from '../logger.js';

export interface LiveSubscriptionsOptions {
  logger: Logger;
  observer?: LiveObserver | undefined;
  /** Open HTTP streams per client address (a WebSocket is counted at its upgrade instead). */
  connections: Connections;
}

/** What yoga's context holds beside ours: the request, and the transport a non-HTTP adapter names. */
type StreamContext = Context & { request?: Request; transport?: Transport };

export function useLiveSubscriptions({ logger, observer, connections }: LiveSubscriptionsOptions): Plugin {
  const subscribe = async (args: ExecutionArgs) => {
    const context = args.contextValue as StreamContext;
    // An HTTP stream is a connection of its own; a WebSocket's subscriptions share the one counted at its upgrade.
    const release = context.transport === 'graphql-ws' ? undefined : connections.open(clientAddress(context));
    if (context.transport !== 'graphql-ws' && !release) return { errors: [codedError('TOO_MANY_CONNECTIONS', TOO_MANY_CONNECTIONS_MESSAGE, { http: { status: 429 } })] };
    try {
      const source = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in source)) {
        release?.();
        return source;
      }
      return new LiveEvents(source[Symbol.asyncIterator](), args, { logger, observer, release });
    } catch (error) {
      release?.();
      throw error;
    }
  };
  return {
    onSubscribe({ args, setSubscribeFn }) {
      // A stream the request cannot receive (it accepts only one JSON answer) is not started: no
      // poller, no upstream call. The empty stream left makes the answer below.
      const { request } = args.contextValue as unknown as StreamContext;
      setSubscribeFn((acceptsStream(request) ? subscribe : nothing) as Parameters<typeof setSubscribeFn>[0]);
    },
    onResultProcess(payload) {
      if (!(Symbol.asyncIterator in payload.result)) return;
      // yoga chose SSE (the only stream it offers for a subscription): served here with one keep-alive
      // timer for all streams (src/live/sse.ts). Multipart, after this plugin, may still take it.
      if (payload.resultProcessor) payload.setResultProcessor((result, fetchAPI) => sseResponse(result as AsyncIterable<ExecutionResult>, stringifyResult, fetchAPI), 'text/event-stream');
      // yoga answers a stream nobody accepted with a bare 406; this one says what to ask for instead.
      else payload.setResultProcessor(notAcceptable, 'application/json');
    },
  };
}

/**
 * One subscriber's results: the source's values (src/live/stream.ts), each executed against the
 * subscriber's selection, the unchanged ones left out. An iterator written out rather than an async
 * generator: a generator waiting for its next value cannot be returned until that value comes, and an
 * idle device's next value may be a poll interval away; the subscriber's poller must be released now.
 */
class LiveEvents implements AsyncIterableIterator<ExecutionResult> {
  readonly #source: AsyncIterator<unknown>;
  readonly #args: ExecutionArgs;
  readonly #context: StreamContext;
  readonly #logger: Logger;
  readonly #observer: LiveObserver | undefined;
  readonly #transport: Transport;
  readonly #started = performance.now();
  readonly #name: string | undefined;
  #last: string | undefined;
  #events = 0;
  #done = false;

  readonly #release: (() => void) | undefined;

  constructor(source: AsyncIterator<unknown>, args: ExecutionArgs, { logger, observer, release }: Omit<LiveSubscriptionsOptions, 'connections'> & { release: (() => void) | undefined }) {
    this.#source = source;
    this.#release = release;
    this.#context = args.contextValue as StreamContext;
    // Only what executing an event needs; the subscribe-time context's session and loaders are not kept.
    this.#args = { schema: args.schema, document: args.document, operationName: args.operationName, variableValues: args.variableValues };
    this.#name = getOperationAST(args.document, args.operationName)?.name?.value;
    this.#logger = logger;
    this.#observer = observer;
    this.#transport = this.#context.transport ?? transportOf(this.#context.request);
    observer?.subscriptions(this.#transport, 1);
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    while (!this.#done) {
      const item = await this.#source.next();
      if (item.done || this.#done) break;
      const contextValue = this.#context.renew();
      let result: ExecutionResult;
      try {
        result = await execute({ ...this.#args, rootValue: item.value, contextValue });
      } finally {
        executionEnded(contextValue);
      }
      const json = JSON.stringify(result);
      if (json === this.#last) continue;
      this.#last = json;
      this.#events++;
      this.#observer?.event();
      // The transports write it as it was just compared, unless a plugin changed it (masked an error).
      Object.defineProperty(result, 'stringify', { value: (written: ExecutionResult) => (written === result ? json : JSON.stringify(written)) });
      return { value: result, done: false };
    }
    this.#finish();
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.#finish();
    await this.#source.return?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#last = undefined;
    this.#release?.();
    this.#observer?.subscriptions(this.#transport, -1);
    const durationMs = Math.round(performance.now() - this.#started);
    this.#logger.info(
      { ...describeCaller(this.#context.caller), transport: this.#transport, operationName: this.#name, durationMs, events: this.#events },
      'subscription ended',
    );
  }
}

const NOT_ACCEPTABLE = errorResponseBody(
  'BAD_REQUEST',
  'A subscription is a stream: ask for text/event-stream (GraphQL over SSE) or multipart/mixed;subscriptionSpec="1.0" (Apollo), or use a graphql-ws WebSocket',
);

function notAcceptable(): Response {
  return new Response(NOT_ACCEPTABLE, { status: 406, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

// Whether the request's Accept admits a stream (none, any type, SSE or multipart), as yoga chooses its answer.
function acceptsStream(request: Request | undefined): boolean {
  const accept = request?.headers.get('accept');
  return !accept || accept.includes('*/*') || accept.includes('text/event-stream') || accept.includes('multipart/mixed');
}

async function* nothing(): AsyncGenerator<never> {}

/** SSE and multipart arrive as HTTP requests; their Accept header tells them apart, as the multipart plugin reads it. */
function transportOf(request: Request | undefined): Transport {
  return request && acceptsMultipartSubscription(request.headers.get('accept')) ? 'multipart' : 'sse';
}
