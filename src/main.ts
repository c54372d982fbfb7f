// Entry point: config -> tracing and logs -> the app (src/app.ts) -> listen -> ready -> graceful
// shutdown. Nothing else: everything the gateway is made of is built in createApp, which the tests call too.
import { ConfigError, loadConfig, type Config } from './config.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';
import { activeTraceIds, startTracing, type TracingSetup } from './observability/tracing.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

// Tracing first: log lines carry the active trace's ids.
const tracing: TracingSetup | undefined = config.tracing && (await startTracing(config.tracing));
const logger = createLogger(config.logLevel, undefined, tracing ? { mixin: activeTraceIds } : {});
const app = await createApp({ config, logger, tracer: tracing?.tracer });

const endpoint = await app.listen();
logger.info({ endpoint }, 'gateway listening; starting');
await app.start();
logger.info(
  { endpoint, mode: app.demo ? 'demo' : 'partner-api', callerAuth: config.auth ? config.auth.jwksUrl.origin : 'off', tracing: Boolean(tracing), metricsPort: config.metricsPort ?? Number(new URL(endpoint).port) },
  'gateway ready',
);
if (app.demo) process.stdout.write(app.demo.banner(endpoint));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await app.shutdown();
  await tracing?.shutdown();
  logger.info('stopped');
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
