// Entry point: config -> tracing and logs -> the app (src/app.ts) -> listen -> ready -> graceful
// shutdown. Nothing else: everything the gateway is made of is built in createApp, which the tests call too.
import { ConfigError, loadConfig, type Config } from './config.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';
import type { TracingSetup } from './observability/tracing.js';

// After the drain, the time left to release connections and send the last spans.
const STOP_SLACK_MS = 5000;

/** A configuration problem (the environment, or a file it names) ends start-up with its message alone. */
function invalid(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  invalid(error);
}

// Tracing first: log lines carry the active trace's ids.
// Imported only when configured: a gateway without tracing never loads OpenTelemetry (src/app.ts says why).
const traced = config.tracing && (await import('./observability/tracing.js'));
const tracing: TracingSetup | undefined = traced && config.tracing ? await traced.startTracing(config.tracing) : undefined;
const logger = createLogger(config.logLevel, undefined, traced ? { mixin: traced.activeTraceIds } : {});
// createApp reads the files the config names (PERSISTED_DOCUMENTS): a bad one is a configuration problem too.
const app = await createApp({ config, logger, tracer: tracing?.tracer }).catch(invalid);

const endpoint = await app.listen().catch(cannotListen);
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
  // The drain takes at most SHUTDOWN_DELAY_MS, then REQUEST_TIMEOUT_MS and 2 s for requests in flight;
  // what follows (a trace collector or a Redis that never answers) gets a few seconds more, and then
  // the process ends anyway rather than waiting for the orchestrator to kill it.
  const budgetMs = config.shutdownDelayMs + config.requestTimeoutMs + 2000 + STOP_SLACK_MS;
  setTimeout(() => {
    logger.warn({ budgetMs }, 'shutdown did not finish in time; exiting anyway');
    process.exit(1);
  }, budgetMs).unref();
  await app.shutdown();
  await tracing?.shutdown();
  logger.info('stopped');
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

/**
 * A port the gateway cannot listen on ends start-up with one line that names the setting to change
 * (exit code 1), not a stack trace: a busy port is a mistake in the environment, not in the code.
 */
function cannotListen(error: unknown): never {
  const { code, port, address, message } = error as NodeJS.ErrnoException & { port?: number; address?: string };
  const setting = port !== undefined && port === config.metricsPort ? 'METRICS_PORT' : 'PORT';
  let line = `cannot listen on ${address ?? config.host}:${port ?? config.port} (${message ?? String(error)}): check HOST and ${setting}`;
  if (code === 'EADDRINUSE') line = `port ${port} is already in use: set ${setting} to a free port`;
  else if (code === 'EACCES') line = `port ${port} needs privileges this process does not have: set ${setting} to a port above 1023`;
  else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') line = `HOST ${config.host} is not an address of this machine: set HOST to one that is (0.0.0.0 for all)`;
  process.stderr.write(`${line}\n`);
  process.exit(1);
}
