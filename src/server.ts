// The HTTP side of a running gateway: health and readiness for the orchestrator, /metrics for
// Prometheus, everything else to yoga; and the graceful drain on SIGTERM.
//
//   GET /health   200 {"status":"ok"} while the process lives (liveness)
//   GET /ready    200 {"status":"ready"} when it serves traffic; 503 {"status":"starting"} before,
//                 503 {"status":"draining"} from the moment a SIGTERM arrives (readiness)
//   GET /metrics  Prometheus exposition, here unless METRICS_PORT serves it on a port of its own
//
// The probes are answered before yoga sees the request: they are cheap, never logged per request, and
// never a GraphQL body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
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
}

export function createGatewayServer({ gateway, lifecycle, metrics }: GatewayServerOptions): Server {
  const server = createServer((req, res) => {
    // GraphQL's POSTs, most of the traffic, go straight to yoga.
    if (req.method === 'GET' || req.method === 'HEAD') {
      const path = pathOf(req);
      if (path === '/health') return json(res, 200, { status: 'ok' });
      if (path === '/ready') return lifecycle.phase === 'ready' ? json(res, 200, { status: 'ready' }) : json(res, 503, { status: lifecycle.phase });
      if (path === '/metrics' && metrics) return void serveMetrics(metrics, res);
    }
    // While draining, clients are told to take their next request elsewhere.
    if (lifecycle.phase === 'draining') res.setHeader('connection', 'close');
    gateway(req, res);
  });
  // Longer than common load balancer idle timeouts, so the balancer closes idle connections first.
  server.keepAliveTimeout = 65_000;
  return server;
}

/** A server of its own for /metrics (METRICS_PORT), kept off the public GraphQL port. */
export function createMetricsServer(metrics: Metrics): Server {
  return createServer((req, res) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && pathOf(req) === '/metrics') return void serveMetrics(metrics, res);
    json(res, 404, { status: 'not found' });
  });
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
}

/**
 * SIGTERM: readiness fails at once; requests are still served for `delayMs`; then the listeners close
 * and in-flight requests finish (bounded by `graceMs`). The caller then releases the upstream pools.
 */
export async function drain({ lifecycle, servers, delayMs, graceMs, logger }: DrainOptions): Promise<void> {
  lifecycle.phase = 'draining';
  logger.info({ delayMs }, 'draining: readiness fails now; still serving until the delay has passed');
  if (delayMs > 0) await sleep(delayMs);
  const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
  // Idle keep-alive connections would hold `close` open; active ones end after their response
  // (`connection: close`). Checked until all are gone or the grace period ends.
  const idle = setInterval(() => servers.forEach((server) => server.closeIdleConnections()), 100);
  for (const server of servers) server.closeIdleConnections();
  const done = await Promise.race([Promise.all(closed).then(() => true), sleep(graceMs).then(() => false)]);
  clearInterval(idle);
  if (!done) {
    logger.warn({ graceMs }, 'in-flight requests did not finish within the grace period; closing their connections');
    for (const server of servers) server.closeAllConnections();
  }
}
