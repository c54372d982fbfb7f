// Entry point: config -> (demo mode: start the simulator) -> listen -> ready -> graceful shutdown. Nothing else.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config, type UpstreamAuth } from './config.js';
import { createLogger } from './logger.js';
import { Metrics } from './observability/metrics.js';
import { activeTraceIds, startTracing, upstreamTracing, type TracingSetup } from './observability/tracing.js';
import { Lifecycle, createGatewayServer, createMetricsServer, drain } from './server.js';
import { createPartnerApi } from './upstream/index.js';
import { combineTelemetry } from './upstream/telemetry.js';
import { MemoryReadCache, SharedReads } from './upstream/read-cache.js';
import { connectRedis } from './redis/connection.js';
import { redisReadCache } from './redis/stores.js';
import { createGateway } from './yoga.js';
import { exampleQuery } from './example-query.js';
import type { Demo } from './demo.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const tracing: TracingSetup | undefined = config.tracing && (await startTracing(config.tracing));
const logger = createLogger(config.logLevel, undefined, tracing ? { mixin: activeTraceIds } : {});
const lifecycle = new Lifecycle();
let demo: Demo | undefined;
let apiUrl: URL;
let auth: UpstreamAuth;
let orgId = config.orgId;

if (config.upstream.mode === 'demo') {
  // Imported here, not above: the simulator and its seed are loaded only in demo mode.
  const { startDemo } = await import('./demo.js');
  demo = await startDemo();
  ({ apiUrl, auth } = demo);
  orgId ??= demo.orgId;
  logger.info({ apiUrl: apiUrl.href }, 'demo mode: no PODERO_API_URL is set, so the gateway uses the embedded partner API simulator');
} else {
  ({ apiUrl, auth } = config.upstream);
  logger.info({ apiUrl: apiUrl.href, auth: auth.mode, orgId: orgId ?? null }, 'using the partner API');
}

const metrics = new Metrics();
const redis = config.redisUrl && (await connectRedis(config.redisUrl, logger, metrics.redis));
const cachedReads = config.cacheTtlMs > 0 ? new MemoryReadCache() : undefined;
const upstream = createPartnerApi({
  apiUrl,
  auth,
  timeoutMs: config.timeoutMs,
  logger,
  retries: config.retries,
  breakerCooldownMs: config.breakerCooldownMs,
  telemetry: tracing ? combineTelemetry(metrics.upstream, upstreamTracing(tracing.tracer, apiUrl)) : metrics.upstream,
  reads: cachedReads && new SharedReads(redis ? redisReadCache(redis, cachedReads) : cachedReads, config.cacheTtlMs),
});
const yoga = createGateway({
  api: upstream.api,
  config: { ...config, orgId },
  logger,
  examples: demo ? demo.examples : [exampleQuery],
  metrics,
  tracer: tracing?.tracer,
  redis,
});

const server = createGatewayServer({ gateway: yoga.requestListener, lifecycle, metrics: config.metricsPort === undefined ? metrics : undefined, logger });
const servers: Server[] = [server];
await listen(server, config.port);
const { port } = server.address() as AddressInfo;
const endpoint = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/graphql`;
if (config.metricsPort !== undefined) {
  const metricsServer = createMetricsServer(metrics, logger);
  await listen(metricsServer, config.metricsPort);
  servers.push(metricsServer);
}
logger.info({ endpoint }, 'gateway listening; starting');
// Starting: readiness stays 503 until the first access token is in hand (bounded: an upstream that is
// down must not keep the gateway out of rotation; it then answers with coded errors, as it would later).
await Promise.race([upstream.warmUp(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
lifecycle.phase = 'ready';
logger.info({ endpoint, callerAuth: config.auth ? config.auth.jwksUrl.origin : 'off', tracing: Boolean(tracing), metricsPort: config.metricsPort ?? port }, 'gateway ready');

if (demo) process.stdout.write(demo.banner(endpoint));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // In-flight requests are answered within REQUEST_TIMEOUT_MS by construction; a little more for the last bytes.
  await drain({ lifecycle, servers, delayMs: config.shutdownDelayMs, graceMs: config.requestTimeoutMs + 2000, logger });
  await Promise.allSettled([upstream.close(), demo?.simulator.close(), tracing?.shutdown(), redis?.close()]);
  logger.info('stopped');
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

function listen(target: Server, portToUse: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    target.once('error', reject);
    target.listen(portToUse, config.host, resolve);
  });
}
