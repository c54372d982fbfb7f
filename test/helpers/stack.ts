// Starts the simulator and the gateway on port 0 over real HTTP. The gateway is built by the same
// composition root `npm start` runs (src/app.ts), from a Config these options describe.
import type { Tracer } from '@opentelemetry/api';
import { createApp } from '../../src/app.js';
import { DEFAULT_COMPRESSION_MIN_BYTES, DEFAULT_LIMITS, DEFAULT_LIVE, type CallerAuth, type Config, type Limits, type LiveConfig, type PersistedDocumentsConfig, type UpstreamAuth } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { Metrics } from '../../src/observability/metrics.js';
import { activeTraceIds } from '../../src/observability/tracing.js';
import type { Lifecycle } from '../../src/server.js';
import type { PartnerApiHandle } from '../../src/upstream/index.js';
import { DEFAULT_MAX_CONNECTIONS } from '../../src/upstream/transport.js';
import type { UpstreamTelemetry } from '../../src/upstream/telemetry.js';
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
  /** Another observer of upstream calls (metrics and, with `tracer`, tracing are always there, as in production). */
  telemetry?: UpstreamTelemetry;
  tracer?: Tracer;
  /** The backoff's jitter source (0: retry at once). */
  random?: () => number;
  /** Log lines carry the active trace and span ids, as main.ts sets it up when tracing is on. */
  traceLogs?: boolean;
  /** PODERO_CACHE_TTL_MS */
  cacheTtlMs?: number;
  /** REDIS_URL: APQ documents, cached reads and callers' budgets shared through it, as main.ts wires them. */
  redisUrl?: URL;
  /** LIVE_*: subscriptions' intervals and bounds (the shipped defaults otherwise). */
  live?: Partial<LiveConfig>;
  /** COMPRESSION, COMPRESSION_MIN_BYTES (on, at the shipped threshold, otherwise); false: COMPRESSION=false. */
  compression?: { minBytes: number } | false;
  /** PERSISTED_DOCUMENTS, PERSISTED_DOCUMENTS_ONLY, PERSISTED_DOCUMENTS_STAFF_EXEMPT: the manifest is read as `npm start` reads it. */
  persistedDocuments?: PersistedDocumentsConfig;
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
  metrics: Metrics;
  lifecycle: Lifecycle;
  breaker: PartnerApiHandle['breaker'];
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

/** The Config `loadConfig` would give for these options (defaults as shipped, on port 0 of 127.0.0.1). */
export function testConfig(sim: Simulator, options: GatewayOptions = {}): Config {
  const auth: UpstreamAuth =
    options.auth === undefined || options.auth === 'client-credentials' ? { mode: 'client-credentials', ...TEST_CLIENT, tokenUrl: sim.tokenUrl } : options.auth;
  return {
    port: 0,
    host: '127.0.0.1',
    logLevel: 'debug',
    upstream: { mode: 'remote', apiUrl: options.apiUrl ?? sim.apiUrl, auth },
    orgId: 'orgId' in options ? options.orgId : sim.seed.orgId,
    timeoutMs: options.timeoutMs ?? 5000,
    maxConcurrency: options.maxConcurrency ?? 8,
    maxConnections: DEFAULT_MAX_CONNECTIONS,
    maxCallsPerRequest: options.maxCallsPerRequest ?? 100,
    retries: options.retries ?? 2,
    breakerCooldownMs: options.breakerCooldownMs ?? 5000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    shutdownDelayMs: 0,
    metricsPort: undefined,
    tracing: undefined,
    cacheTtlMs: options.cacheTtlMs ?? 0,
    redisUrl: options.redisUrl,
    corsOrigins: options.corsOrigins ?? [],
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    graphiql: options.graphiql ?? true,
    introspection: options.introspection ?? true,
    development: options.development ?? false,
    auth: options.callerAuth,
    upstreamCallsPerMinute: options.upstreamCallsPerMinute ?? 0,
    live: { ...DEFAULT_LIVE, maxPerCaller: options.callerAuth ? DEFAULT_LIVE.maxPerCaller : 0, ...options.live },
    compression: options.compression === false ? undefined : (options.compression ?? { minBytes: DEFAULT_COMPRESSION_MIN_BYTES }),
    persistedDocuments: options.persistedDocuments,
  };
}

export async function startGateway(sim: Simulator, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) }, options.traceLogs ? { mixin: activeTraceIds } : {});
  const app = await createApp({
    config: testConfig(sim, options),
    logger,
    tracer: options.tracer,
    ...(options.now ? { now: options.now } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.jwksRefetchCooldownMs === undefined ? {} : { jwksRefetchCooldownMs: options.jwksRefetchCooldownMs }),
  });
  const url = await app.listen();
  app.lifecycle.phase = 'ready';
  return {
    url,
    logs,
    metrics: app.metrics,
    lifecycle: app.lifecycle,
    breaker: app.upstream.breaker,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as GraphQLResponse['body'], text };
    },
    close: () => app.close(),
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

/** The wallbox detail route, as the simulator counts it. */
export const WALLBOX_GET = 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';
export const TOKEN_POST = 'POST /oauth2/token/';

/** Calls the simulator received since its counts were last reset, token requests aside. */
export const apiCalls = (sim: Simulator): number => sim.totalRequests() - sim.count(TOKEN_POST);
