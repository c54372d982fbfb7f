// The composition root: the whole gateway built from one Config, in one place. `main.ts` calls it
// with the environment's config; the tests call it with theirs, so a test cannot pass while the
// wiring `npm start` runs is broken.
//
//   config -> upstream (the embedded simulator in demo mode, or the partner API) -> metrics, Redis
//   -> shared reads, the partner API client -> callers' identity and budgets -> yoga -> HTTP servers
//
// Nothing here listens until `listen()`; nothing reads process.env (config.ts does).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tracer } from '@opentelemetry/api';
import type { Config, UpstreamAuth } from './config.js';
import type { Logger } from './logger.js';
import type { Demo } from './demo.js';
import { exampleQuery } from './example-query.js';
import { MemoryCallBudget, type CallBudgetStore } from './caller/budget.js';
import { callerIdentity } from './caller/identify.js';
import { Metrics } from './observability/metrics.js';
import { connectRedis, type SharedRedis } from './redis/connection.js';
import { redisApqStore, redisCallBudget, redisReadCache } from './redis/stores.js';
import { RedisLiveShare } from './redis/live-share.js';
import { Lifecycle, createGatewayServer, createMetricsServer, drain } from './server.js';
import { createPartnerApi, type PartnerApiHandle } from './upstream/index.js';
import { MemoryReadCache, SharedReads } from './upstream/reads.js';
import { combineTelemetry, type UpstreamTelemetry } from './upstream/telemetry.js';
import { createGateway, type Gateway } from './yoga.js';
import { LiveDevices } from './live/live-devices.js';
import { Connections } from './live/connections.js';
import { attachGraphQLWs } from './live/graphql-ws.js';
import { readTrustedDocuments } from './plugins/use-persisted-queries.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** OpenTelemetry (OTEL_EXPORTER_OTLP_*): spans for requests and for upstream calls. */
  tracer?: Tracer | undefined;
  // Seams for tests, each standing in for something the process takes from the world:
  /** The clock token expiry is judged by (tests move it instead of waiting). */
  now?: () => number;
  /** The retry backoff's jitter (0: retry at once). */
  random?: () => number;
  /** Another observer of upstream calls, beside metrics and tracing. */
  telemetry?: UpstreamTelemetry;
  /** How soon an unknown key may fetch the identity provider's key set again (30 s otherwise). */
  jwksRefetchCooldownMs?: number;
}

export interface App {
  yoga: Gateway;
  lifecycle: Lifecycle;
  metrics: Metrics;
  upstream: PartnerApiHandle;
  /** The pollers subscriptions share. */
  live: LiveDevices;
  /** Demo mode's embedded simulator, GraphiQL tabs and banner. */
  demo: Demo | undefined;
  /** Starts listening on config.host:config.port (and METRICS_PORT); resolves with the GraphQL endpoint. */
  listen(): Promise<string>;
  /** Starting: readiness follows once the first access token is in hand (or 5 s have passed). */
  start(): Promise<void>;
  /** SIGTERM: readiness fails, requests are still served for SHUTDOWN_DELAY_MS, then drained; then everything is released. */
  shutdown(): Promise<void>;
  /** Stops at once (tests): open connections are cut, then everything is released. */
  close(): Promise<void>;
}

export async function createApp({ config, logger, tracer, ...seams }: AppOptions): Promise<App> {
  // First: a manifest that cannot be read stops start-up before anything is started.
  const trustedDocuments = config.persistedDocuments && (await readTrustedDocuments(config.persistedDocuments, logger));
  const { demo, apiUrl, auth, orgId } = await upstreamOf(config, logger);
  const metrics = new Metrics({ liveMaxPollers: config.live.maxPollers });
  const redis: SharedRedis | undefined = config.redisUrl && (await connectRedis(config.redisUrl, logger, metrics.redis));
  // Loaded only with a tracer: the OpenTelemetry API and its semantic conventions cost ~40 ms of start-up and ~2 MB.
  const tracing = tracer && (await import('./observability/tracing.js'));
  const telemetry = [metrics.upstream, tracing?.upstreamTracing(tracer!, apiUrl), seams.telemetry].filter((t): t is UpstreamTelemetry => t !== undefined);
  const localReads = config.cacheTtlMs > 0 ? new MemoryReadCache() : undefined;
  const upstream = createPartnerApi({
    apiUrl,
    auth,
    timeoutMs: config.timeoutMs,
    maxConnections: config.maxConnections,
    logger,
    retries: config.retries,
    breakerCooldownMs: config.breakerCooldownMs,
    telemetry: combineTelemetry(...telemetry),
    reads: localReads && new SharedReads(redis ? redisReadCache(redis, localReads) : localReads, config.cacheTtlMs),
    ...(seams.now ? { now: seams.now } : {}),
    ...(seams.random ? { random: seams.random } : {}),
  });
  const identity = callerIdentity({
    auth: config.auth,
    api: upstream.api,
    orgId,
    logger,
    ...(seams.jwksRefetchCooldownMs === undefined ? {} : { refetchCooldownMs: seams.jwksRefetchCooldownMs }),
  });
  const perMinute = config.upstreamCallsPerMinute;
  const localBudget = perMinute > 0 ? new MemoryCallBudget(perMinute) : undefined;
  const budget: CallBudgetStore | undefined = localBudget && redis ? redisCallBudget(redis, localBudget, perMinute) : localBudget;
  const live = new LiveDevices({ ...config.live, api: upstream.api, logger, timeoutMs: config.requestTimeoutMs, observer: metrics.live, tracer, share: redis && new RedisLiveShare(redis, config.live) });
  const connections = new Connections(config.live.maxConnectionsPerClient);
  const yoga = createGateway({
    api: upstream.api,
    live,
    connections,
    config: { ...config, orgId },
    logger,
    identity,
    budget,
    examples: demo ? demo.examples : [exampleQuery],
    metrics,
    tracing: tracing?.useTracing(tracer!),
    apqShare: redis && ((local, options) => redisApqStore(redis, local, options)),
    trustedDocuments,
  });

  const release = () => Promise.allSettled([upstream.close(), demo?.simulator.close(), redis?.close()]).then(() => undefined);
  return { yoga, metrics, upstream, demo, live, ...serving(config, logger, yoga, metrics, upstream, { live, connections }, release) };
}

/** The partner API to use: the embedded simulator in demo mode (no PODERO_API_URL), else the configured one. */
async function upstreamOf(config: Config, logger: Logger): Promise<{ demo: Demo | undefined; apiUrl: URL; auth: UpstreamAuth; orgId: string | undefined }> {
  if (config.upstream.mode === 'remote') {
    const { apiUrl, auth } = config.upstream;
    logger.info({ apiUrl: apiUrl.href, auth: auth.mode, orgId: config.orgId ?? null }, 'using the partner API');
    return { demo: undefined, apiUrl, auth, orgId: config.orgId };
  }
  // Imported here: the simulator and its seed are loaded only in demo mode.
  const { startDemo } = await import('./demo.js');
  const demo = await startDemo();
  logger.info({ apiUrl: demo.apiUrl.href }, 'demo mode: no PODERO_API_URL is set, so the gateway uses the embedded partner API simulator');
  return { demo, apiUrl: demo.apiUrl, auth: demo.auth, orgId: config.orgId ?? demo.orgId };
}

/** The HTTP side: the GraphQL server (and METRICS_PORT's), readiness, and the ways to stop. */
function serving(
  config: Config,
  logger: Logger,
  yoga: Gateway,
  metrics: Metrics,
  upstream: PartnerApiHandle,
  { live, connections }: { live: LiveDevices; connections: Connections },
  release: () => Promise<void>,
) {
  const lifecycle = new Lifecycle();
  const server = createGatewayServer({
    gateway: yoga.listener,
    lifecycle,
    metrics: config.metricsPort === undefined ? metrics : undefined,
    logger,
    demo: config.upstream.mode === 'demo',
  });
  // graphql-ws on the same port and path: each operation runs through yoga as an HTTP request would.
  const webSockets = attachGraphQLWs({ server, yoga, admit: (address) => connections.open(address), maxPayloadBytes: config.limits.requestBytes, logger });
  // The drain: WebSockets get `complete` and close code 1001, SSE and multipart streams complete.
  const endStreams = () => {
    const closing = webSockets.close(1001, 'going away');
    live.close();
    return closing;
  };
  const servers: Server[] = [server];
  return {
    lifecycle,
    async listen() {
      await listen(server, config.port, config.host);
      const { port } = server.address() as AddressInfo;
      if (config.metricsPort !== undefined) {
        const metricsServer = createMetricsServer(metrics, logger);
        await listen(metricsServer, config.metricsPort, config.host);
        servers.push(metricsServer);
      }
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/graphql`;
    },
    async start() {
      // Bounded: an upstream that is down must not keep the gateway out of rotation; it then answers
      // with coded errors, as it would later.
      await Promise.race([upstream.warmUp(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      lifecycle.phase = 'ready';
    },
    async shutdown() {
      // In-flight requests are answered within REQUEST_TIMEOUT_MS by construction; a little more for the last bytes.
      await drain({ lifecycle, servers, delayMs: config.shutdownDelayMs, graceMs: config.requestTimeoutMs + 2000, logger, endStreams });
      await release();
    },
    async close() {
      void endStreams();
      await Promise.all(
        servers.map((s) => {
          s.closeAllConnections();
          return new Promise<void>((resolve) => s.close(() => resolve()));
        }),
      );
      await release();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
