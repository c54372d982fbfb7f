// The HTTP side of a running gateway: health and readiness for the orchestrator, /metrics for
// Prometheus, everything else to yoga; and the graceful drain on SIGTERM.
//
//   GET /health   200 {"status":"ok"} while the process lives (liveness)
//   GET /ready    200 {"status":"ready"} when it serves traffic ({"status":"ready","mode":"demo"} over the
//                 embedded simulator); 503 {"status":"starting"} before,
//                 503 {"status":"draining"} from the moment a SIGTERM arrives (readiness)
//   GET /metrics  Prometheus exposition, here unless METRICS_PORT serves it on a port of its own
//
// The probes are answered before yoga sees the request: they are cheap, never logged per request, and
// never a GraphQL body.
//
// A malformed request (a Host header or request target that forms no URL, a request line or header
// Node's parser refuses) is answered here with the coded JSON error every other refusal carries,
// never with a stack trace or Node's bare status line, and the connection is closed.
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorResponseBody, statusOf, type RefusalCode } from './error-codes.js';
import type { Logger } from './logger.js';
import type { Metrics } from './observability/metrics.js';

export type Phase = 'starting' | 'ready' | 'draining';

/** Where the process stands; readiness follows it. */
export class Lifecycle {
  phase: Phase = 'starting';
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface GatewayServerOptions {
  /** yoga's node:http listener. */
  gateway: Listener;
  lifecycle: Lifecycle;
  /** Serve /metrics here (false when METRICS_PORT gives it a port of its own). */
  metrics: Metrics | undefined;
  /** Where refused malformed requests are logged (they never reach yoga's access log). */
  logger?: Logger | undefined;
  /** Demo mode (the embedded simulator): /ready says so, so no one mistakes it for a real deployment. */
  demo?: boolean;
}

export function createGatewayServer({ gateway, lifecycle, metrics, logger, demo = false }: GatewayServerOptions): Server {
  const ready = demo ? { status: 'ready', mode: 'demo' } : { status: 'ready' };
  const server = createServer(SERVER_OPTIONS, (req, res) => {
    const problem = malformed(req);
    if (problem !== undefined) return refuse(res, problem, logger);
    // GraphQL's POSTs, most of the traffic, go straight to yoga.
    if (req.method === 'GET' || req.method === 'HEAD') {
      const path = pathOf(req);
      if (path === '/health') return json(res, 200, { status: 'ok' });
      if (path === '/ready') return lifecycle.phase === 'ready' ? json(res, 200, ready) : json(res, 503, { status: lifecycle.phase });
      if (path === '/metrics' && metrics) return void serveMetrics(metrics, res);
    }
    // While draining, clients are told to take their next request elsewhere.
    if (lifecycle.phase === 'draining') res.setHeader('connection', 'close');
    gateway(req, res);
  });
  // Longer than common load balancer idle timeouts, so the balancer closes idle connections first.
  server.keepAliveTimeout = 65_000;
  return answerMalformed(server, logger);
}

/** A server of its own for /metrics (METRICS_PORT), kept off the public GraphQL port. */
export function createMetricsServer(metrics: Metrics, logger?: Logger): Server {
  const server = createServer(SERVER_OPTIONS, (req, res) => {
    const problem = malformed(req);
    if (problem !== undefined) return refuse(res, problem, logger);
    if ((req.method === 'GET' || req.method === 'HEAD') && pathOf(req) === '/metrics') return void serveMetrics(metrics, res);
    json(res, 404, { status: 'not found' });
  });
  return answerMalformed(server, logger);
}

// Node's own missing-Host check answers a bare 400; `malformed` makes the same check with a body.
const SERVER_OPTIONS = { requireHostHeader: false };

/** uri-host [":" port] (RFC 3986 §3.2.2): a bracketed IP literal or a reg-name; URL.canParse checks the rest. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]*)?$/;

interface Problem {
  status: number;
  code: RefusalCode;
  message: string;
  /** For the log line: which check refused it (never the caller's text). */
  reason: string;
}

/** BAD_REQUEST, with the catalogue's status unless HTTP has a closer one (405, 408, 417, 431). */
const badRequest = (reason: string, message: string, status = statusOf('BAD_REQUEST')): Problem => ({ status, code: 'BAD_REQUEST', message, reason });

/**
 * What is wrong with a request's Host header or target, if anything. Yoga's node adapter builds the
 * request's URL by appending the target to the Host header, and answers a string that does not parse
 * with HTTP 500 and a stack trace (`buildFullUrl` in
 * https://github.com/ardatan/whatwg-node/blob/master/packages/server/src/utils.ts), so that same
 * string is tried here first. On every request, so cheap: a scan of the raw header names, one regular
 * expression and one URL.canParse (no URL object is built).
 */
function malformed(req: IncomingMessage): Problem | undefined {
  const host = req.headers.host;
  const target = req.url ?? '';
  if (!host) {
    // RFC 9112 §3.2: HTTP/1.1 requires a Host header (https://www.rfc-editor.org/rfc/rfc9112#section-3.2).
    if (req.httpVersionMajor !== 1 || req.httpVersionMinor !== 0) return badRequest('no-host', 'The request has no Host header');
    // HTTP/1.0 may omit it. Yoga's adapter would then build the URL from the socket's local address,
    // which for an IPv6 address forms no URL; the host it picks when in doubt is used instead.
    req.headers.host = 'localhost';
  } else {
    // RFC 9112 §3.2: more than one Host header is refused as well.
    let hosts = 0;
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      if (name.length === 4 && name.toLowerCase() === 'host' && ++hosts > 1) return badRequest('host', 'The request has more than one Host header');
    }
    if (!HOST.test(host)) return badRequest('host', 'The Host header is not a host name or address with an optional port');
  }
  // Only origin-form (a path): absolute-form and `*` would be appended to the host as they are.
  if (target.charCodeAt(0) !== 0x2f /* / */) return badRequest('target', 'The request target is not a path');
  if (!URL.canParse(`http://${req.headers.host}${target}`)) {
    return URL.canParse(`http://${req.headers.host}/`)
      ? badRequest('target', 'The request target is not a valid path')
      : badRequest('host', 'The Host header is not a host name or address with an optional port');
  }
  return undefined;
}

function refuse(res: ServerResponse, problem: Problem, logger: Logger | undefined): void {
  logger?.info({ status: problem.status, code: problem.code, reason: problem.reason }, 'malformed request refused');
  // The body is not read: the connection closes after the answer instead.
  const body = errorResponseBody(problem.code, problem.message);
  res
    .writeHead(problem.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', connection: 'close' })
    .end(body);
}

/** What Node's parser refuses, by llhttp's error code (https://github.com/nodejs/llhttp/blob/main/src/llhttp/constants.ts); the rest is "malformed". */
const PARSER_PROBLEMS: Record<string, Problem> = {
  HPE_INVALID_METHOD: badRequest('method', 'The request method is not a valid HTTP method'),
  HPE_INVALID_URL: badRequest('target', 'The request target is not a valid path'),
  HPE_INVALID_VERSION: badRequest('version', 'The request is not HTTP/1.0 or HTTP/1.1'),
  HPE_INVALID_HEADER_TOKEN: badRequest('header', 'A request header is malformed'),
  HPE_INVALID_CONTENT_LENGTH: badRequest('header', 'The Content-Length header is malformed'),
  HPE_UNEXPECTED_CONTENT_LENGTH: badRequest('header', 'The request has both Content-Length and Transfer-Encoding'),
  HPE_INVALID_TRANSFER_ENCODING: badRequest('header', 'The Transfer-Encoding header is malformed'),
  HPE_INVALID_CHUNK_SIZE: badRequest('body', 'The chunked request body is malformed'),
  HPE_HEADER_OVERFLOW: badRequest('header-size', 'The request headers are too large', 431),
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: statusOf('REQUEST_ENTITY_TOO_LARGE'), code: 'REQUEST_ENTITY_TOO_LARGE', message: 'The chunk extensions are too large', reason: 'body' },
  ERR_HTTP_REQUEST_TIMEOUT: badRequest('timeout', 'The request did not arrive in time', 408),
};
const MALFORMED = badRequest('malformed', 'The HTTP request is malformed');

/**
 * Requests Node's parser refuses (`clientError`, https://nodejs.org/api/http.html#event-clienterror),
 * and expectations it cannot meet (`checkExpectation`), answered as the request handler answers the
 * rest. Like Node's default (`socketOnError` in https://github.com/nodejs/node/blob/v20.x/lib/_http_server.js),
 * an answer is written only while nothing of another response is on the socket, and the socket is then closed.
 */
/** A whole HTTP response written to a socket no ServerResponse owns, which is then closed. */
function answerOnSocket(socket: Duplex, problem: Problem): void {
  const body = errorResponseBody(problem.code, problem.message);
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`,
    'content-type: application/json',
    'cache-control: no-store',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

function answerMalformed(server: Server, logger: Logger | undefined): Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // `_httpMessage`: the response in flight on this socket, as Node's default handler checks it.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const problem = PARSER_PROBLEMS[error.code ?? ''] ?? MALFORMED;
    logger?.info({ status: problem.status, code: problem.code, reason: problem.reason, parser: error.code }, 'malformed request refused');
    answerOnSocket(socket, problem);
  });
  // CONNECT asks for a tunnel; without a listener Node closes the socket without a word.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    const problem = badRequest('method', 'CONNECT is not offered: GraphQL only supports GET and POST requests', 405);
    logger?.info({ status: problem.status, code: problem.code, reason: problem.reason }, 'malformed request refused');
    answerOnSocket(socket, problem);
  });
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    refuse(res, badRequest('expect', 'The only expectation supported is 100-continue', 417), logger);
  });
  return server;
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?', 1)[0]!;
}

async function serveMetrics(metrics: Metrics, res: ServerResponse): Promise<void> {
  const { contentType, body } = await metrics.text();
  res.writeHead(200, { 'content-type': contentType }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

export interface DrainOptions {
  lifecycle: Lifecycle;
  servers: Server[];
  /** Keep serving this long after readiness fails, so load balancers notice first (SHUTDOWN_DELAY_MS). */
  delayMs: number;
  /** How long in-flight requests may take to finish once the listener is closed (then they are cut). */
  graceMs: number;
  logger: Logger;
  /** Ends every open subscription stream (each completes, so its client reconnects elsewhere); resolves once they are closed. */
  endStreams?: () => Promise<void>;
}

/**
 * SIGTERM: readiness fails at once; requests are still served for `delayMs`; then the listeners close
 * and in-flight requests finish (bounded by `graceMs`). The caller then releases the upstream pools.
 */
export async function drain({ lifecycle, servers, delayMs, graceMs, logger, endStreams }: DrainOptions): Promise<void> {
  lifecycle.phase = 'draining';
  logger.info({ delayMs }, 'draining: readiness fails now; still serving until the delay has passed');
  if (delayMs > 0) await sleep(delayMs);
  // Streams never end by themselves: they are completed now, and their connections close after that.
  const streamsEnded = endStreams?.();
  const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
  // Idle keep-alive connections would hold `close` open; active ones end after their response
  // (`connection: close`). Checked until all are gone or the grace period ends.
  const idle = setInterval(() => servers.forEach((server) => server.closeIdleConnections()), 100);
  for (const server of servers) server.closeIdleConnections();
  const done = await Promise.race([Promise.all([...closed, streamsEnded]).then(() => true), sleep(graceMs).then(() => false)]);
  clearInterval(idle);
  if (!done) {
    logger.warn({ graceMs }, 'in-flight requests did not finish within the grace period; closing their connections');
    for (const server of servers) server.closeAllConnections();
  }
}
