// GraphQL over SSE for subscriptions: the bytes yoga's own processor writes (a first `:` comment so
// every browser flushes the headers, `event: next` with each result, `event: complete`; see
// https://github.com/graphql-hive/graphql-yoga/blob/main/packages/graphql-yoga/src/plugins/result-processor/sse.ts),
// with one keep-alive timer for all open streams instead of one per stream. A subscription is idle
// for most of its life, and thousands may be open: yoga's per-stream interval and encoder were ~1–3 KB
// of each idle stream's memory (bench/README.md, "Live subscriptions").
import type { ExecutionResult } from 'graphql';
import type { FetchAPI } from 'graphql-yoga';

/** Keep-alive comments this often: under the 15 s many proxies and load balancers wait on an idle stream. */
const KEEP_ALIVE_MS = 12_000;

const encoder = new TextEncoder();
const PING = encoder.encode(':\n\n');
const COMPLETE = encoder.encode('event: complete\ndata:\n\n');

const open = new Set<ReadableStreamDefaultController<Uint8Array>>();
let timer: NodeJS.Timeout | undefined;

function keepAlive(controller: ReadableStreamDefaultController<Uint8Array>): void {
  open.add(controller);
  timer ??= setInterval(() => {
    for (const stream of open) {
      // `null`: errored or closed; `0`: the client is not reading (back-pressure): skip a beat.
      if (stream.desiredSize === null) open.delete(stream);
      else if (stream.desiredSize > 0) stream.enqueue(PING);
    }
  }, KEEP_ALIVE_MS).unref();
}

function release(controller: ReadableStreamDefaultController<Uint8Array>): void {
  open.delete(controller);
  if (open.size === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

/** The streams kept alive now (tests). */
export function openSseStreams(): number {
  return open.size;
}

/**
 * A subscription's results as a `text/event-stream` response; `stringify` is how yoga writes a result.
 * `fetchAPI`: yoga's Response and ReadableStream, whose body the node adapter cancels when the client
 * goes away (the global ones it would not), which is what releases the subscriber's poller.
 */
export function sseResponse(results: AsyncIterable<ExecutionResult>, stringify: (result: ExecutionResult) => string, fetchAPI: FetchAPI): Response {
  const iterator: AsyncIterator<ExecutionResult, unknown> = results[Symbol.asyncIterator]();
  let controllerOf: ReadableStreamDefaultController<Uint8Array> | undefined;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      controllerOf = controller;
      controller.enqueue(PING);
      keepAlive(controller);
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (!next.done) controller.enqueue(encoder.encode(`event: next\ndata: ${stringify(next.value)}\n\n`));
        else {
          controller.enqueue(COMPLETE);
          release(controller);
          controller.close();
        }
      } catch (error) {
        release(controller);
        controller.error(error);
      }
    },
    async cancel() {
      if (controllerOf) release(controllerOf);
      await iterator.return?.();
    },
  });
  return new fetchAPI.Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', connection: 'keep-alive', 'cache-control': 'no-cache', 'content-encoding': 'none' },
  });
}
