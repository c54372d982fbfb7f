// Entry point: config -> (demo mode: start the simulator) -> listen -> graceful shutdown. Nothing else.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config, type UpstreamAuth } from './config.js';
import { createLogger } from './logger.js';
import { createPartnerApi } from './upstream/index.js';
import { createGateway } from './yoga.js';
import { demoMutation, demoQuery, exampleQuery } from './example-query.js';
import { DEMO_CLIENT, startSimulator, type Simulator } from './simulator/server.js';
import { USER_IDS, WALLBOX_IDS } from './simulator/seed.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
let simulator: Simulator | undefined;
let apiUrl: URL;
let auth: UpstreamAuth;
let orgId = config.orgId;

if (config.upstream.mode === 'demo') {
  simulator = await startSimulator();
  apiUrl = simulator.apiUrl;
  auth = { mode: 'client-credentials', ...DEMO_CLIENT, tokenUrl: simulator.tokenUrl };
  orgId ??= simulator.seed.orgId;
  logger.info({ apiUrl: apiUrl.href }, 'demo mode: no PODERO_API_URL is set, so the gateway uses the embedded partner API simulator');
} else {
  ({ apiUrl, auth } = config.upstream);
  logger.info({ apiUrl: apiUrl.href, auth: auth.mode, orgId: orgId ?? null }, 'using the partner API');
}

const upstream = createPartnerApi({ apiUrl, auth, timeoutMs: config.timeoutMs, logger });
const yoga = createGateway({
  api: upstream.api,
  config: { ...config, orgId },
  logger,
  examples: simulator ? [demoQuery(), demoMutation()] : [exampleQuery],
});

const server = createServer(yoga.requestListener);
server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.port, config.host, resolve);
});
const { port } = server.address() as AddressInfo;
const endpoint = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/graphql`;
logger.info({ endpoint, callerAuth: config.auth ? config.auth.jwksUrl.origin : 'off' }, 'gateway listening');

if (simulator) {
  process.stdout.write(
    `\nPodero GraphQL gateway, demo mode (embedded partner API simulator at ${apiUrl.href}; seeded data, nothing leaves this machine)\n\n` +
      `  GraphiQL   ${endpoint}   (open it in a browser: the example query below, and an example mutation, are loaded)\n\n` +
      `${demoQuery()
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n')}\n\n` +
      `  curl -s ${endpoint} -H 'content-type: application/json' \\\n` +
      `    -d '{"query":"{ wallbox(userId: \\"${USER_IDS.anna}\\", id: \\"${WALLBOX_IDS.full}\\") { id connectionStatus chargeRateW owner { firstName } } }"}'\n\n`,
  );
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // In-flight requests get a grace period, then their connections are cut.
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  force.unref();
  await closed;
  await Promise.allSettled([upstream.close(), simulator?.close()]);
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
