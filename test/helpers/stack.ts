// Starts the simulator and the gateway on port 0 over real HTTP, the way main.ts wires them.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS, type CallerAuth, type Limits, type UpstreamAuth } from '../../src/config.js';
import { callerIdentity } from '../../src/caller/identify.js';
import { createLogger } from '../../src/logger.js';
import { createPartnerApi } from '../../src/upstream/index.js';
import type { UpstreamTelemetry } from '../../src/upstream/telemetry.js';
import { createGateway } from '../../src/yoga.js';
import { Lifecycle, createGatewayServer } from '../../src/server.js';
import { Metrics } from '../../src/observability/metrics.js';
import { combineTelemetry } from '../../src/upstream/telemetry.js';
import type { Tracer } from '@opentelemetry/api';
import { activeTraceIds } from '../../src/observability/tracing.js';
import { MemoryReadCache, SharedReads } from '../../src/upstream/read-cache.js';
import { connectRedis } from '../../src/redis/connection.js';
import { redisReadCache } from '../../src/redis/stores.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js';

export const TEST_CLIENT = { clientId: 'test-client', clientSecret: 'test-client-secret-7f3a9c' };
/** A token the test simulator accepts as it is (upstream's static-token mode). */
export const STATIC_TOKEN = 'test-static-token-51d2';

export interface GatewayOptions {
  auth?: UpstreamAuth | 'client-credentials';
  orgId?: string | undefined;
  timeoutMs?: number;
  maxConcurrency?: number;
  maxCallsPerRequest?: number;
  /** Point the gateway somewhere else than the simulator (e.g. a closed port). */
  apiUrl?: URL;
  /** The gateway's clock for token expiry (share one with the simulator to move time in a test). */
  now?: () => number;
  corsOrigins?: string[];
  limits?: Partial<Limits>;
  graphiql?: boolean;
  introspection?: boolean;
  development?: boolean;
  /** Caller authentication (AUTH_*); see test/helpers/identity-provider.ts. */
  callerAuth?: CallerAuth;
  /** How soon an unknown key may make the gateway fetch the key set again (30 s in production). */
  jwksRefetchCooldownMs?: number;
  upstreamCallsPerMinute?: number;
  retries?: number;
  breakerCooldownMs?: number;
  requestTimeoutMs?: number;
  telemetry?: UpstreamTelemetry;
  /** Prometheus metrics as in production (GraphQL plugin, upstream telemetry, GET /metrics). */
  withMetrics?: boolean;
  tracer?: Tracer;
  /** The backoff's jitter source (0: retry at once). */
  random?: () => number;
  /** Log lines carry the active trace and span ids, as main.ts sets it up when tracing is on. */
  traceLogs?: boolean;
  /** PODERO_CACHE_TTL_MS */
  cacheTtlMs?: number;
  /** REDIS_URL: APQ documents, cached reads and callers' budgets shared through it, as main.ts wires them. */
  redisUrl?: URL;
}

export interface GraphQLResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions: Record<string, any> }[] };
  text: string;
}

export interface RunningGateway {
  url: string;
  /** Every log line the gateway wrote. */
  logs: string[];
  metrics: Metrics | undefined;
  lifecycle: Lifecycle;
  breaker: ReturnType<typeof createPartnerApi>['breaker'];
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export async function startGateway(sim: Simulator, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) }, options.traceLogs ? { mixin: activeTraceIds } : {});
  const auth: UpstreamAuth =
    options.auth === undefined || options.auth === 'client-credentials'
      ? { mode: 'client-credentials', ...TEST_CLIENT, tokenUrl: sim.tokenUrl }
      : options.auth;
  const metrics = options.withMetrics || options.redisUrl ? new Metrics() : undefined;
  const redis = options.redisUrl && (await connectRedis(options.redisUrl, logger, metrics!.redis));
  const cachedReads = options.cacheTtlMs ? new MemoryReadCache() : undefined;
  const telemetry = [options.telemetry, metrics?.upstream].filter((t): t is UpstreamTelemetry => t !== undefined);
  const upstream = createPartnerApi({
    apiUrl: options.apiUrl ?? sim.apiUrl,
    auth,
    timeoutMs: options.timeoutMs ?? 5000,
    logger,
    retries: options.retries ?? 2,
    breakerCooldownMs: options.breakerCooldownMs ?? 5000,
    ...(options.now ? { now: options.now } : {}),
    ...(telemetry.length ? { telemetry: combineTelemetry(...telemetry) } : {}),
    ...(options.random ? { random: options.random } : {}),
    reads: cachedReads && new SharedReads(redis ? redisReadCache(redis, cachedReads) : cachedReads, options.cacheTtlMs!),
  });
  const yoga = createGateway({
    api: upstream.api,
    logger,
    config: {
      orgId: 'orgId' in options ? options.orgId : sim.seed.orgId,
      maxConcurrency: options.maxConcurrency ?? 8,
      maxCallsPerRequest: options.maxCallsPerRequest ?? 100,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      corsOrigins: options.corsOrigins ?? [],
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      graphiql: options.graphiql ?? true,
      introspection: options.introspection ?? true,
      development: options.development ?? false,
      auth: options.callerAuth,
      upstreamCallsPerMinute: options.upstreamCallsPerMinute ?? 0,
    },
    ...(options.callerAuth && options.jwksRefetchCooldownMs !== undefined
      ? { identity: callerIdentity({ auth: options.callerAuth, api: upstream.api, orgId: 'orgId' in options ? options.orgId : sim.seed.orgId, logger, refetchCooldownMs: options.jwksRefetchCooldownMs }) }
      : {}),
    metrics,
    tracer: options.tracer,
    redis,
  });
  const lifecycle = new Lifecycle();
  const server = createGatewayServer({ gateway: yoga.requestListener, lifecycle, metrics });
  await listen(server);
  lifecycle.phase = 'ready';
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    logs,
    metrics,
    lifecycle,
    breaker: upstream.breaker,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as GraphQLResponse['body'], text };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
      await redis?.close();
    },
  };
}

/**
 * A simulator and one gateway over it: what most test files start with, and stop in afterAll. `another`
 * starts one more gateway over the same simulator (other options, or a fresh circuit breaker); `close`
 * stops those too.
 */
export async function startStack(gatewayOptions: GatewayOptions = {}, simulatorOptions: SimulatorOptions = {}) {
  const sim = await startTestSimulator(simulatorOptions);
  const gateways = [await startGateway(sim, gatewayOptions)];
  const another = async (options: GatewayOptions = {}): Promise<RunningGateway> => {
    const started = await startGateway(sim, options);
    gateways.push(started);
    return started;
  };
  const close = async (): Promise<void> => {
    await Promise.all(gateways.map((g) => g.close()));
    await sim.close();
  };
  return { sim, gateway: gateways[0]!, another, close };
}

export function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ clients: [TEST_CLIENT], staticTokens: [STATIC_TOKEN], ...options });
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
}

/** The wallbox detail route, as the simulator counts it. */
export const WALLBOX_GET = 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';
export const TOKEN_POST = 'POST /oauth2/token/';

/** Calls the simulator received since its counts were last reset, token requests aside. */
export const apiCalls = (sim: Simulator): number => sim.totalRequests() - sim.count(TOKEN_POST);
