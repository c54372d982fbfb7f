// Starts the simulator and the gateway on port 0 over real HTTP, the way main.ts wires them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS, type CallerAuth, type Limits, type UpstreamAuth } from '../../src/config.js';
import { callerIdentity } from '../../src/caller/identify.js';
import { createLogger } from '../../src/logger.js';
import { createPartnerApi } from '../../src/upstream/index.js';
import { createGateway } from '../../src/yoga.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js';

export const TEST_CLIENT = { clientId: 'test-client', clientSecret: 'test-client-secret-7f3a9c' };

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
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export async function startGateway(sim: Simulator, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const auth: UpstreamAuth =
    options.auth === undefined || options.auth === 'client-credentials'
      ? { mode: 'client-credentials', ...TEST_CLIENT, tokenUrl: sim.tokenUrl }
      : options.auth;
  const upstream = createPartnerApi({ apiUrl: options.apiUrl ?? sim.apiUrl, auth, timeoutMs: options.timeoutMs ?? 5000, logger, ...(options.now ? { now: options.now } : {}) });
  const yoga = createGateway({
    api: upstream.api,
    logger,
    config: {
      orgId: 'orgId' in options ? options.orgId : sim.seed.orgId,
      maxConcurrency: options.maxConcurrency ?? 8,
      maxCallsPerRequest: options.maxCallsPerRequest ?? 100,
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
  });
  const server = createServer(yoga.requestListener);
  await listen(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    logs,
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
    },
  };
}

/** A simulator and one gateway over it: what most test files start with, and stop in afterAll. */
export async function startStack(gatewayOptions: GatewayOptions = {}, simulatorOptions: SimulatorOptions = {}) {
  const sim = await startTestSimulator(simulatorOptions);
  const gateway = await startGateway(sim, gatewayOptions);
  const close = async (): Promise<void> => {
    await gateway.close();
    await sim.close();
  };
  return { sim, gateway, close };
}

export function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ clients: [TEST_CLIENT], staticTokens: ['test-static-token-51d2'], ...options });
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
