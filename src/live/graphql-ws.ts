// GraphQL over WebSocket (the `graphql-transport-ws` protocol,
// https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md) on the gateway's own port and path:
// what Apollo Client's GraphQLWsLink and federation routers (Hive Gateway, Apollo Router) use for
// subscriptions.
//
// Yoga's recipe (https://the-guild.dev/graphql/yoga-server/docs/features/subscriptions#graphql-over-websocket-protocol-via-graphql-ws)
// runs each operation through `yoga.getEnveloped`, which skips every `onRequest` and `onParams` hook:
// here that is the request limits, caller authentication, persisted queries, CSRF, the access log and
// the error codes. So each `subscribe` message is relayed through yoga's HTTP handling instead: it
// becomes the POST a client would have sent (the upgrade request's headers, the message's payload as
// the body, `accept: text/event-stream`), and yoga's answer becomes protocol messages:
//
//   2xx text/event-stream   each `event: next` -> `next`; `event: complete` (or the stream's end) -> `complete`
//   2xx JSON                one `next`, then `complete`
//   any other status        `error` with the body's `errors` (SSE or JSON), codes kept: refused before it ran
//
// graphql-ws itself is given a placeholder: `onSubscribe` returns a constant document and the
// relayed operation as `contextValue`, and `subscribe` hands that operation back as the stream. The
// client's `complete`, a closed socket or `close()` cancels the response body, and yoga then calls the
// subscription iterator's `return()` (which releases the gateway's pollers).
import { TOO_MANY_CONNECTIONS_MESSAGE } from './connections.js';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { buildSchema, parse, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { MessageType, type ServerOptions, type SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_LIMITS } from '../config.js';
import { errorResponseBody, statusOf, type ErrorCode } from '../error-codes.js';
import type { Logger } from '../logger.js';

export interface GraphQLWsYoga {
  fetch: (request: Request, ctx: object) => Response | Promise<Response>;
  graphqlEndpoint: string;
}

export interface GraphQLWsOptions {
  server: Server;
  yoga: GraphQLWsYoga;
  /** WebSocket ping interval, and how long a pong may take before the socket is terminated: (0, 15000], default 12000. */
  keepAliveMs?: number;
  /** The largest message a client may send (ws closes the socket with 1009 beyond it); default MAX_REQUEST_BYTES's default. */
  maxPayloadBytes?: number;
  /** Called at upgrade with the client's address: `undefined` refuses it (429), else its release, called once on close. */
  admit?: (address: string) => (() => void) | undefined;
  logger?: Logger;
}

export interface GraphQLWsEndpoint {
  /** Open WebSocket connections. */
  connections(): number;
  /** Completes every active operation, closes every socket with `code`, and refuses further upgrades. */
  close(code?: number, reason?: string): Promise<void>;
}

/** graphql-ws's own default; a socket that has not answered a ping by the next one is terminated. */
const KEEP_ALIVE_MS = 12_000;
/**
 * Under the idle timeouts proxies and load balancers apply by default (nginx's proxy_read_timeout,
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout, 60 s), with room to spare.
 */
const MAX_KEEP_ALIVE_MS = 15_000;
/** A socket that sends no `connection_init` by then is closed (4408): it only held a slot. */
const CONNECTION_INIT_WAIT_MS = 3_000;
/** RFC 6455 §7.4.1: the server is going down; clients reconnect (to another replica). */
const GOING_AWAY = 1001;
/** What yoga's masking says about an unexpected error (https://the-guild.dev/graphql/yoga-server/docs/features/error-masking). */
const MASKED: GraphQLFormattedError = { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' satisfies ErrorCode } };

// graphql-ws needs a document to find the operation type; with `onSubscribe` returning it, nothing
// validates or executes it (makeServer in https://github.com/enisdenjo/graphql-ws/blob/master/src/server.ts).
// A subscription, so only `subscribe` is ever called; `execute` is the same function all the same.
const PLACEHOLDER_SCHEMA = buildSchema('type Query { relayed: Boolean } type Subscription { relayed: Boolean }');
const PLACEHOLDER_DOCUMENT = parse('subscription Relayed { relayed }');

/** Hop-by-hop and handshake headers, and those the relayed request sets itself. */
const NOT_FORWARDED = new Set(['connection', 'upgrade', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'proxy-connection', 'content-length', 'content-encoding', 'content-type', 'accept']);
/** RFC 9110 §5.5 field content, without obs-text: what `Headers` accepts and a token may hold. */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Set by `close()`: upgrades are refused, and one that was under way is closed as it completes. */
interface Closing {
  code: number;
  reason: string;
}

export function attachGraphQLWs(options: GraphQLWsOptions): GraphQLWsEndpoint {
  const { server, keepAliveMs = KEEP_ALIVE_MS, maxPayloadBytes = DEFAULT_LIMITS.requestBytes } = options;
  if (!(keepAliveMs > 0 && keepAliveMs <= MAX_KEEP_ALIVE_MS)) throw new RangeError(`keepAliveMs must be in (0, ${MAX_KEEP_ALIVE_MS}] (got ${keepAliveMs})`);
  if (!Number.isSafeInteger(maxPayloadBytes) || maxPayloadBytes <= 0) throw new RangeError(`maxPayloadBytes must be a positive integer (got ${maxPayloadBytes})`);
  // The active operations of each socket, by id, for `close()` to complete them.
  const operations = new Map<WebSocket, Map<string, RelayedOperation>>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes });
  wss.on('connection', (socket: WebSocket) => {
    operations.set(socket, new Map());
    socket.once('close', () => operations.delete(socket));
  });
  useServer(serverOptions(options, operations), wss, keepAliveMs);
  const state: { closing?: Closing } = {};
  server.on('upgrade', upgradeHandler(options, wss, state));
  return {
    connections: () => wss.clients.size,
    async close(code = GOING_AWAY, reason = 'going away') {
      state.closing = { code, reason };
      const sockets = [...wss.clients];
      const closed = sockets.map((socket) => new Promise((resolve) => (socket.readyState === socket.CLOSED ? resolve(undefined) : socket.once('close', resolve))));
      for (const socket of sockets) closeSocket(socket, operations.get(socket), code, reason);
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

type UseServerOptions = ServerOptions<Record<string, unknown> | undefined, Extra> & { isProd?: boolean };

function serverOptions({ yoga, logger }: GraphQLWsOptions, operations: Map<WebSocket, Map<string, RelayedOperation>>): UseServerOptions {
  const relayed = (args: ExecutionArgs) => args.contextValue as RelayedOperation;
  return {
    // Close reasons never carry an error's message (and useServer does not read NODE_ENV).
    isProd: true,
    connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
    // An Authorization in connection_init that no header could carry closes the socket (4403).
    onConnect: (ctx) => connectionAuthorization(ctx.connectionParams) !== null,
    onSubscribe(ctx, id, payload) {
      const upgrade = ctx.extra.request;
      const authorization = connectionAuthorization(ctx.connectionParams) ?? undefined;
      // The server context yoga's node adapter would give (src/caller/identify.ts reads the client's
      // address from `req`), and the transport, so that plugins count the socket, not each operation.
      const serverContext = { req: upgrade, transport: 'graphql-ws' };
      const operation = new RelayedOperation((signal) => yoga.fetch(relayRequest(upgrade, yoga.graphqlEndpoint, payload, authorization, signal), serverContext));
      operations.get(ctx.extra.socket)?.set(id, operation);
      return { schema: PLACEHOLDER_SCHEMA, document: PLACEHOLDER_DOCUMENT, contextValue: operation };
    },
    subscribe: relayed,
    execute: relayed,
    // Yoga's results are already formatted JSON; graphql-ws would call `toJSON()` on their errors.
    onNext: (_ctx, _id, _payload, _args, result) => result,
    onError(_ctx, _id, _payload, errors) {
      const cause = errors[0]?.originalError;
      if (cause instanceof RefusedOperation) return cause.errors;
      logger?.error({ err: cause ?? errors[0] }, 'graphql-ws: relaying an operation to yoga failed');
      return [MASKED];
    },
    // Called however the operation ended (and before graphql-ws sends its `complete`, if it does).
    onComplete: (ctx, id) => void operations.get(ctx.extra.socket)?.delete(id),
  };
}

function upgradeHandler({ yoga, admit, logger }: GraphQLWsOptions, wss: WebSocketServer, state: { closing?: Closing }) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, body: string, reason: string) => {
      logger?.debug({ status, reason }, 'graphql-ws: upgrade refused');
      refuseUpgrade(socket, status, body);
    };
    if ((req.url ?? '/').split('?', 1)[0] !== yoga.graphqlEndpoint) return refuse(404, errorResponseBody('BAD_REQUEST', `WebSocket connections are served on ${yoga.graphqlEndpoint} only`), 'path');
    if (state.closing) return refuse(503, JSON.stringify({ status: 'draining' }), 'draining');
    // src/server.ts checks a request's Host before yoga builds a URL from it; upgrades do not pass there.
    if (!req.headers.host || !URL.canParse(`http://${req.headers.host}/`)) return refuse(400, errorResponseBody('BAD_REQUEST', 'The Host header is not a host name or address with an optional port'), 'host');
    let release: (() => void) | undefined = () => {};
    if (admit) {
      release = admit(req.socket.remoteAddress ?? '');
      if (!release) return refuse(statusOf('TOO_MANY_CONNECTIONS'), errorResponseBody('TOO_MANY_CONNECTIONS', TOO_MANY_CONNECTIONS_MESSAGE), 'connections');
    }
    // The TCP socket's own close: it comes once, also when ws refuses the handshake itself (400).
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (state.closing) return ws.close(state.closing.code, state.closing.reason);
      wss.emit('connection', ws, req);
    });
  };
}

/** A plain HTTP answer to an upgrade request; the socket is destroyed once it is written. */
function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  // The HTTP server stopped listening for this socket's errors when it handed it over.
  socket.on('error', () => {});
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * `complete` for each active operation, then the close frame. ws writes frames in the order they are
 * sent, so the client reads every `complete` before the close; graphql-ws's own `complete` for these,
 * coming later, finds the socket closing and is dropped.
 */
function closeSocket(socket: WebSocket, active: Map<string, RelayedOperation> | undefined, code: number, reason: string): void {
  for (const [id, operation] of active ?? []) {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id, type: MessageType.Complete }));
    operation.cancel();
  }
  active?.clear();
  socket.close(code, reason);
}

/** The connection_init payload's Authorization (or authorization); `null` when no header could carry it. */
function connectionAuthorization(params: Readonly<Record<string, unknown>> | undefined): string | undefined | null {
  const value = [params?.Authorization, params?.authorization].find((v): v is string => typeof v === 'string');
  if (value === undefined) return undefined;
  return HEADER_VALUE.test(value) ? value : null;
}

/** The POST a client would have sent over HTTP for this subscribe message. */
function relayRequest(upgrade: IncomingMessage, endpoint: string, payload: SubscribePayload, authorization: string | undefined, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(upgrade.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name) || name.startsWith('sec-websocket-')) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  if (authorization !== undefined) headers.set('authorization', authorization);
  headers.set('content-type', 'application/json');
  headers.set('accept', 'text/event-stream');
  const { query, variables, operationName, extensions } = payload;
  // graphql-ws requires a string query; an APQ client that sends only the hash sends '' (yoga refuses '' anyway).
  const body = JSON.stringify({ query: query === '' ? undefined : query, variables, operationName, extensions });
  const scheme = (upgrade.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return new Request(new URL(endpoint, `${scheme}://${upgrade.headers.host}`), { method: 'POST', headers, body, signal });
}

/** An operation yoga refused before running it: its answer's errors, as they are. */
class RefusedOperation extends Error {
  constructor(readonly errors: GraphQLFormattedError[]) {
    super('refused by yoga');
  }
}

/**
 * One subscribe message's results, read from yoga's answer. `return()` does not wait for the next
 * event: it aborts at once (the request's signal, which also aborts its upstream calls, and the
 * response body), where an async generator's `return()` would queue behind the pending read.
 */
class RelayedOperation implements AsyncIterableIterator<ExecutionResult> {
  readonly #abort = new AbortController();
  readonly #start: (signal: AbortSignal) => Response | Promise<Response>;
  #results: AsyncGenerator<ExecutionResult, void> | undefined;

  constructor(start: (signal: AbortSignal) => Response | Promise<Response>) {
    this.#start = start;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    this.#results ??= relay(this.#start, this.#abort.signal);
    return this.#results.next();
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.cancel();
    await this.#results?.return();
    return { done: true, value: undefined };
  }

  cancel(): void {
    this.#abort.abort();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

async function* relay(start: (signal: AbortSignal) => Response | Promise<Response>, signal: AbortSignal): AsyncGenerator<ExecutionResult, void> {
  if (signal.aborted) return;
  const response = await start(signal);
  if (!response.ok) throw new RefusedOperation(await refusalErrors(response));
  if (!isEventStream(response) || !response.body) {
    yield JSON.parse(await response.text()) as ExecutionResult;
    return;
  }
  const body = response.body;
  const reader = body.getReader();
  // Both, because yoga's body on Node is whatwg-node's ReadableStream over a Node Readable, whose
  // reader's cancel() waits for the pending read, i.e. the next event or SSE ping (12 s): the stream's
  // own cancel() ends it at once (https://github.com/ardatan/whatwg-node/blob/master/packages/node-fetch/src/ReadableStream.ts).
  // A standard stream refuses cancel() while a reader holds it, and its reader's cancel() is immediate.
  const cancel = () => void Promise.allSettled([body.cancel(), reader.cancel()]);
  signal.addEventListener('abort', cancel, { once: true });
  try {
    if (signal.aborted) return;
    for await (const { event, data } of serverSentEvents(reader)) {
      if (event === 'complete') return;
      if (event === 'next') yield JSON.parse(data) as ExecutionResult;
    }
  } catch (error) {
    // A read cut short by the cancel may reject; nobody waits for this operation's results any more.
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
    cancel();
  }
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
}

/** The errors of a refused request's answer: yoga's SSE (its first `next`) or a plugin's JSON. */
async function refusalErrors(response: Response): Promise<GraphQLFormattedError[]> {
  const text = await response.text();
  let body: unknown;
  try {
    const data = isEventStream(response) ? text.split('\n\n').map(parseEvent).find((e) => e?.event === 'next')?.data : text;
    body = data === undefined ? undefined : JSON.parse(data);
  } catch {
    body = undefined;
  }
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => typeof (e as { message?: unknown } | null)?.message === 'string')) return errors as GraphQLFormattedError[];
  const code: ErrorCode = response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
  return [{ message: `The operation was refused (HTTP ${response.status})`, extensions: { code } }];
}

interface ServerSentEvent {
  event: string;
  data: string;
}

/** The events of a text/event-stream body, as yoga writes it: `\n` line ends, `:` comments (pings) skipped. */
async function* serverSentEvents(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event) yield event;
    }
  }
}

/** One event block (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation); none for a comment. */
function parseEvent(block: string): ServerSentEvent | undefined {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return event !== undefined || data.length > 0 ? { event: event ?? 'message', data: data.join('\n') } : undefined;
}
