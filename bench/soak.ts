// The soak: many reads through a gateway process, over the simulator with a tenth of the partner API's
// answers broken (503s, reset connections, 429s with Retry-After, slow answers), bounded in count and
// time. It checks what an operator needs to trust: no 5xx, no crash, almost every read with data thanks
// to the retries, every error coded, and memory that does not creep.
//
//   npm run soak                       20,000 reads at concurrency 50 (the figures in the README)
//   npm run soak -- --reads 2000 --concurrency 20
//
// test/e2e/soak.test.ts runs a smaller version with the same checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { memoryKb } from './proc-stats.js';
import { ROOT, track, waitForOutput } from './processes.js';
import { START_FLAGS } from './start-command.js';

const WALLBOX_GET = 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';
const TOKEN = 'soak-static-token';

export interface SoakOptions {
  reads: number;
  concurrency: number;
  /** The fraction of upstream answers broken, split evenly over 503, reset, 429 (Retry-After 1 s) and slow. */
  faultRate?: number;
  /** How slow a slow answer is. */
  slowMs?: number;
  /** Hard stop, whatever is left. */
  maxDurationMs?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  reads: number;
  withData: number;
  /** HTTP statuses of the gateway's answers. */
  statuses: Record<string, number>;
  /** GraphQL error codes in the answers. */
  codes: Record<string, number>;
  /** Errors without extensions.code. */
  uncoded: number;
  /** Reads that got no HTTP answer at all. */
  failedRequests: number;
  crashed: boolean;
  stillServing: boolean;
  cleanExit: boolean;
  durationS: number;
  readsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Reads before memory is measured: the heap grows to its working size first (JIT, pools, caches). */
  warmUpReads: number;
  /** Median RSS of the gateway process in each quarter of the run after the warm-up, in MB. */
  rssMbByQuarter: number[];
  rssGrowthPercent: number;
  /** What the simulator answered, by status (plus drop/reset/hang). */
  upstream: Record<string, number>;
  upstreamCalls: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * A heap ceiling as a container with 512 MB of memory gives Node (it sizes its heap from the cgroup
 * limit). Without one, on this 24 GB machine V8 lets the heap grow to ~350 MB before it collects, which
 * is the heap finding its working size, not a leak — and would drown the leak check in it.
 */
const HEAP_CEILING = '--max-old-space-size=256';

/** Starts the gateway the way `npm start` runs it (dist/main.js), pointed at the simulator; resolves with its endpoint once ready. */
async function startGateway(sim: Simulator, log: (line: string) => void): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = track(
    spawn(process.execPath, [...START_FLAGS, HEAP_CEILING, 'dist/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        // As shipped: the access log at info (its lines are read and dropped here).
        LOG_LEVEL: 'info',
        PODERO_API_URL: sim.apiUrl.href,
        PODERO_ACCESS_TOKEN: TOKEN,
        PODERO_ORG_ID: sim.seed.orgId,
        // No RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: without caller authentication there is no per-caller
        // budget by default, so one load generator (one client address, like a router) is not cut off.
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  // Keep the pipes drained, or the gateway would block on its log writes.
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
  const [, endpoint] = await waitForOutput(child, /"endpoint":"([^"]+)"[^\n]*"msg":"gateway ready"/, 'the gateway');
  return { child, endpoint: endpoint! };
}

export async function runSoak({ reads, concurrency, faultRate = 0.1, slowMs = 2000, maxDurationMs = 10 * 60_000, log = () => {} }: SoakOptions): Promise<SoakResult> {
  const sim = await startSimulator({ staticTokens: [TOKEN] });
  // Four faults of faultRate/4 each, in order: each one's probability is of what the ones before left.
  const share = faultRate / 4;
  const faults = [{ status: 503, body: { detail: 'maintenance' } }, { reset: true }, { status: 429, headers: { 'retry-after': '1' } }, { delayMs: slowMs }];
  faults.forEach((fault, k) => sim.injectFault({ route: WALLBOX_GET, probability: share / (1 - share * k), ...fault }));
  const wallboxes = sim.seed.wallboxes.filter((w) => !w.record.deleted_at).map((w) => ({ userId: w.userId, id: String(w.record.id) }));

  const { child, endpoint } = await startGateway(sim, log);
  let crashed = false;
  child.once('exit', (code, signal) => {
    if (code !== 0 || signal) crashed = true;
  });
  const url = new URL(endpoint);
  const pool = new Pool(url.origin, { connections: concurrency, pipelining: 1 });

  const result = { statuses: {} as Record<string, number>, codes: {} as Record<string, number>, uncoded: 0, withData: 0, failedRequests: 0 };
  const latencies: number[] = [];
  const rssSamples: { done: number; mb: number }[] = [];
  let issued = 0;
  let done = 0;
  const started = Date.now();
  // Often enough that even a short run has a few dozen samples per quarter: RSS rises and falls with
  // each garbage collection, and a quarter's median needs many samples to see past that.
  const sampler = setInterval(() => {
    if (!crashed && child.pid) rssSamples.push({ done, mb: memoryKb(child.pid).rss / 1024 });
  }, 50);

  const worker = async () => {
    while (issued < reads && Date.now() - started < maxDurationMs && !crashed) {
      const wallbox = wallboxes[issued++ % wallboxes.length]!;
      const t0 = performance.now();
      try {
        const response = await pool.request({
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: 'query Soak($u: UUID!, $id: UUID!) { wallbox(userId: $u, id: $id) { id chargeRateW } }', variables: { u: wallbox.userId, id: wallbox.id } }),
        });
        const body = (await response.body.json()) as { data?: { wallbox: unknown }; errors?: { extensions?: { code?: string } }[] };
        result.statuses[response.statusCode] = (result.statuses[response.statusCode] ?? 0) + 1;
        if (body.data?.wallbox) result.withData++;
        for (const error of body.errors ?? []) {
          const code = error.extensions?.code;
          if (code) result.codes[code] = (result.codes[code] ?? 0) + 1;
          else result.uncoded++;
        }
      } catch {
        result.failedRequests++;
      }
      latencies.push(performance.now() - t0);
      done++;
      if (done % Math.max(1, Math.floor(reads / 10)) === 0) log(`${done}/${reads} reads`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);
  const durationS = (Date.now() - started) / 1000;

  let stillServing: boolean;
  try {
    const probe = await pool.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    stillServing = probe.statusCode === 200 && ((await probe.body.json()) as { data?: unknown }).data !== undefined;
  } catch {
    stillServing = false;
  }
  await pool.close();
  const exit = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  child.kill('SIGTERM');
  const cleanExit = (await exit) === 0 && !crashed;
  const upstream = sim.statusCounts();
  const upstreamCalls = sim.count(WALLBOX_GET);
  await sim.close();

  // The heap settles over the first few thousand reads; a short run gives a third of itself to it.
  const warmUpReads = Math.min(Math.floor(done / 3), 2000);
  const measured = done - warmUpReads;
  const quarters = [0, 1, 2, 3].map((q) =>
    median(rssSamples.filter((s) => s.done >= warmUpReads + (q * measured) / 4 && s.done < warmUpReads + ((q + 1) * measured) / 4).map((s) => s.mb)),
  );
  return {
    reads: done,
    ...result,
    crashed,
    stillServing,
    cleanExit,
    durationS,
    readsPerSecond: Math.round(done / durationS),
    p50Ms: Math.round(median(latencies) * 10) / 10,
    p99Ms: Math.round([...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.99)]! * 10) / 10,
    warmUpReads,
    rssMbByQuarter: quarters.map((q) => Math.round(q)),
    rssGrowthPercent: Math.round(((quarters[3]! - quarters[0]!) / quarters[0]!) * 1000) / 10,
    upstream,
    upstreamCalls,
  };
}

/** The soak's verdict: each check the issue asks for, and whether it held. */
export function verdict(result: SoakResult): [string, boolean][] {
  const http5xx = Object.entries(result.statuses).filter(([status]) => Number(status) >= 500).reduce((n, [, count]) => n + count, 0);
  return [
    [`no HTTP 5xx (${http5xx})`, http5xx === 0],
    ['no crash, clean exit on SIGTERM', !result.crashed && result.cleanExit && result.stillServing],
    [`every read answered (${result.failedRequests} without an HTTP answer)`, result.failedRequests === 0],
    [`≥ 98 % of reads with data (${((100 * result.withData) / result.reads).toFixed(2)} %)`, result.withData >= 0.98 * result.reads],
    [`every error coded (${result.uncoded} without a code)`, result.uncoded === 0],
    [`RSS growth < 10 % between the first and last quarter (${result.rssGrowthPercent} %)`, result.rssGrowthPercent < 10],
  ];
}

// `npm run soak`: the full run, printed as a markdown summary.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, fallback: number) => {
    const at = process.argv.indexOf(name);
    return at === -1 ? fallback : Number(process.argv[at + 1]);
  };
  const options = { reads: arg('--reads', 20_000), concurrency: arg('--concurrency', 50) };
  process.stderr.write(`soak: ${options.reads} reads at concurrency ${options.concurrency}, 10 % of upstream answers broken\n`);
  const result = await runSoak({ ...options, log: (line) => process.stderr.write(`  ${line}\n`) });
  const checks = verdict(result);
  process.stdout.write(
    [
      `## Soak, ${new Date().toISOString().slice(0, 10)} (Node ${process.version})`,
      '',
      `${result.reads} reads at concurrency ${options.concurrency} in ${result.durationS.toFixed(1)} s (${result.readsPerSecond} reads/s; p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms)`,
      `- answers: ${JSON.stringify(result.statuses)}; with data: ${result.withData}; error codes: ${JSON.stringify(result.codes)}`,
      `- upstream: ${result.upstreamCalls} wallbox reads, answered ${JSON.stringify(result.upstream)}`,
      `- RSS by quarter after ${result.warmUpReads} warm-up reads (MB): ${result.rssMbByQuarter.join(', ')}`,
      '',
      ...checks.map(([check, ok]) => `- ${ok ? 'PASS' : 'FAIL'}: ${check}`),
      '',
    ].join('\n'),
  );
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}
