// The benchmark's child processes: the upstream (bench/upstream.ts) and the servers under test, each in
// a process of its own on 127.0.0.1. Every child is registered and killed when the harness exits, fails
// or is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { START_FLAGS } from './start-command.js';
import { BENCH_TOKEN, CHECK_VARIABLES, graphqlBody, type DashboardVariables } from './workload.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerUnderTest {
  name: 'gateway' | 'plain-yoga' | 'apollo-rest' | 'mercurius-jit' | 'floor';
  label: string;
  /** argv, run in the repository root. */
  command: string[];
}

/**
 * How each server starts: compiled JavaScript under plain node, as `npm start` runs the gateway (minus
 * npm, so the measured pid is the server itself; with its node flags, START_FLAGS). `npm run bench` builds dist/ and the baselines'
 * bench/baselines/dist/ first, so no server pays for a TypeScript loader in start-up or memory.
 */
export const SERVERS: readonly ServerUnderTest[] = [
  { name: 'gateway', label: 'podero-graphql-gateway', command: [process.execPath, ...START_FLAGS, 'dist/main.js'] },
  { name: 'plain-yoga', label: 'plain yoga + undici', command: [process.execPath, 'bench/baselines/dist/plain-yoga.js'] },
  { name: 'apollo-rest', label: 'Apollo Server 5 + RESTDataSource', command: [process.execPath, 'bench/baselines/dist/apollo-rest.js'] },
  { name: 'mercurius-jit', label: 'Fastify 5 + mercurius 16 (graphql-jit)', command: [process.execPath, 'bench/baselines/dist/mercurius-jit.js'] },
  { name: 'floor', label: 'node:http, no GraphQL (floor)', command: [process.execPath, 'bench/baselines/dist/floor.js'] },
];

export interface Upstream {
  child: ChildProcess;
  /** Origin, e.g. http://127.0.0.1:40123/ */
  url: string;
  /** API base, e.g. http://127.0.0.1:40123/api/partners/v2.0 */
  apiUrl: string;
  orgId: string;
}

export interface RunningServer {
  server: ServerUnderTest;
  child: ChildProcess;
  pid: number;
  url: string;
  /** Spawn to first successful GraphQL answer, ms. */
  startupMs: number;
}

const children = new Set<ChildProcess>();
let exitHooked = false;

/** Kills every child still running, at once (SIGKILL): for exits, errors and Ctrl-C. */
export function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

/** Registers a child to be killed when this process exits, whatever the reason. */
export function track<T extends ChildProcess>(child: T): T {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', killAll);
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The last bytes a child wrote (stdout and stderr), for error messages; the rest is drained and dropped. */
function keepTail(child: ChildProcess, limit = 8000): () => string {
  let tail = '';
  const onData = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-limit);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return () => tail;
}

/**
 * Resolves with the first match of `pattern` in what the child writes (stdout and stderr together), and
 * stops reading then; rejects with the output so far if the child exits first or `timeoutMs` passes.
 * Whoever keeps the child running keeps its pipes drained (keepTail, or a listener of its own).
 */
export function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const settle = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (!match) return;
      settle();
      resolve(match);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      settle();
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${seen.slice(-8000)}`));
    };
    const timer = setTimeout(() => {
      settle();
      child.kill('SIGKILL');
      reject(new Error(`${what} was not ready within ${timeoutMs} ms:\n${seen.slice(-8000)}`));
    }, timeoutMs);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts bench/upstream.ts and waits for the JSON line it prints when listening. */
export async function startUpstream(): Promise<Upstream> {
  const child = track(spawn(process.execPath, ['--import', 'tsx', 'bench/upstream.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  keepTail(child);
  const [, line] = await waitForOutput(child, /^(\{.*\})\n/m, 'bench/upstream.ts', 20_000);
  const { url, apiUrl, orgId } = JSON.parse(line!) as Omit<Upstream, 'child'>;
  return { child, url, apiUrl, orgId };
}

/** Sets the delay the upstream adds to every request (its fault-injection admin routes). */
export async function setUpstreamDelay(upstream: Upstream, delayMs: number): Promise<void> {
  const faults = new URL('/_simulator/faults', upstream.url);
  const cleared = await fetch(faults, { method: 'DELETE' });
  if (!cleared.ok) throw new Error(`could not clear the upstream's faults: ${cleared.status}`);
  if (delayMs === 0) return;
  const set = await fetch(faults, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delayMs }) });
  if (!set.ok) throw new Error(`could not set the upstream delay: ${set.status}`);
}

/**
 * The environment every server under test gets: the gateway's variables, all pointing at the upstream.
 * The gateway runs with its shipped defaults: metrics and the access log (LOG_LEVEL=info) on, tracing
 * (no OTEL_* variable) and caller authentication (no AUTH_JWKS_URL) off, and so no per-caller budget
 * of upstream calls (src/config.ts: none without caller authentication unless
 * RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE sets one).
 */
export function serverEnv(upstream: Upstream, port: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    PODERO_API_URL: upstream.apiUrl,
    PODERO_ACCESS_TOKEN: BENCH_TOKEN,
    PODERO_ORG_ID: upstream.orgId,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a server under test and waits for its first successful answer to the benchmark query. */
export async function startServer(server: ServerUnderTest, upstream: Upstream, timeoutMs = 30_000): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const started = performance.now();
  const [file, ...args] = server.command;
  const child = track(spawn(file!, args, { cwd: ROOT, env: serverEnv(upstream, port), stdio: ['ignore', 'pipe', 'pipe'] }));
  const tail = keepTail(child);
  const deadline = started + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${server.label} exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail()}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${server.label} gave no successful answer within ${timeoutMs} ms:\n${tail()}`);
    }
    const answer = await postQuery(url, CHECK_VARIABLES[0]!).catch(() => undefined);
    if (answer?.ok) return { server, child, pid: child.pid!, url, startupMs: performance.now() - started };
    if (answer && !answer.ok) {
      child.kill('SIGKILL');
      throw new Error(`${server.label} answered the benchmark query with an error (HTTP ${answer.status}): ${answer.text.slice(0, 2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface QueryAnswer {
  /** HTTP 200 with `data` and no `errors`. */
  ok: boolean;
  status: number;
  text: string;
  data: unknown;
}

/** The benchmark query with these variables. */
export async function postQuery(url: string, variables: DashboardVariables): Promise<QueryAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: graphqlBody(variables),
  });
  const text = await response.text();
  let body: { data?: unknown; errors?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: not ok
  }
  return { ok: response.status === 200 && body.data != null && body.errors === undefined, status: response.status, text, data: body.data };
}

/** The check requests' `data`, one JSON text each, for comparing servers. */
export async function checkAnswers(url: string): Promise<string[]> {
  const answers: string[] = [];
  for (const variables of CHECK_VARIABLES) {
    const answer = await postQuery(url, variables);
    if (!answer.ok) throw new Error(`check request ${JSON.stringify(variables)} failed (HTTP ${answer.status}): ${answer.text.slice(0, 2000)}`);
    answers.push(JSON.stringify(answer.data));
  }
  return answers;
}
