// `npm run bench` [-- --quick]: the gateway against three GraphQL baselines, a floor without GraphQL and
// the direct-REST bound, all over the partner API simulator (bench/upstream.ts) in its own process. How
// it measures: bench/README.md.
//
// Flags: --quick (1 s warm-up, 2 s windows), --warmup S, --duration S, --connections 1,10,100,
// --delays 0,20, --servers gateway,plain-yoga,apollo-rest,mercurius-jit,floor, --starts N, --no-write,
// --max-minutes M, --render FILE (no measuring: the report again from a results file, e.g. bench/results/latest.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type LoadTarget, type RequestCounter } from './load.js';
import { cpuWindow, memoryKb, resetPeak, sampleRss } from './proc-stats.js';
import {
  ROOT,
  SERVERS,
  checkAnswers,
  killAll,
  setUpstreamDelay,
  startServer,
  startUpstream,
  stop,
  type RunningServer,
  type ServerUnderTest,
  type Upstream,
} from './processes.js';
import {
  DISTURBED_OTHER_CPU_PERCENT,
  LABELS,
  benchmarksMarkdown,
  chartSvg,
  checkTargets,
  disturbed,
  failedRequests,
  machineLine,
  resultsTable,
  startupTable,
  targetsTable,
  type Cell,
  type Results,
  type Settings,
  type Startup,
  type TargetName,
} from './report.js';
import { BENCH_TOKEN, CHECK_VARIABLES, graphqlTarget, wallboxPath } from './workload.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    warmup: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '1,10,100' },
    delays: { type: 'string', default: '0,20' },
    servers: { type: 'string', default: SERVERS.map((s) => s.name).join(',') },
    starts: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
    'max-minutes': { type: 'string' },
    render: { type: 'string' },
  },
});

const numbers = (name: string, text: string): number[] => {
  const list = text.split(',').map((v) => Number(v.trim()));
  if (list.length === 0 || list.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`--${name}: expected comma-separated numbers, got "${text}"`);
  return list;
};
const servers: ServerUnderTest[] = flags.servers.split(',').map((name) => {
  const server = SERVERS.find((s) => s.name === name.trim());
  if (!server) throw new Error(`--servers: unknown server "${name}" (known: ${SERVERS.map((s) => s.name).join(', ')})`);
  return server;
});
const settings: Settings = {
  mode: flags.quick ? 'quick' : 'full',
  warmupS: Number(flags.warmup ?? (flags.quick ? 1 : 3)),
  durationS: Number(flags.duration ?? (flags.quick ? 2 : 8)),
  connections: numbers('connections', flags.connections),
  delaysMs: numbers('delays', flags.delays),
  starts: Math.max(1, Number(flags.starts)),
  peakRss: 'per cell (VmHWM reset at the start of each cell)',
};
/**
 * How long the machine is watched for other work before each measurement; it is also the pause that lets
 * requests still in flight from the previous cell finish before the next one.
 */
const QUIET_PROBE_MS = 500;
/** How long a whole run may wait, in all, for other work on the machine to stop before a measurement. */
const QUIET_BUDGET_MS = 240_000;
let quietWaitedMs = 0;
/**
 * A cell that other work disturbed is measured again (at most twice), and a disturbed start is replaced
 * by another one (at most EXTRA_STARTS per server), while this many re-measurements are left in the run.
 */
const REMEASURE_BUDGET = 16;
const EXTRA_STARTS = 3;
let remeasuresLeft = REMEASURE_BUDGET;

const cellCount = (servers.length + 1) * settings.delaysMs.length * settings.connections.length;
const cellS = settings.warmupS + settings.durationS + QUIET_PROBE_MS / 1000;
const estimateS = cellCount * cellS + servers.length * (settings.starts + 1) * 2.5 + 5;
/** The most waiting for quiet and re-measuring can add to a run. */
const disturbanceS = QUIET_BUDGET_MS / 1000 + REMEASURE_BUDGET * cellS;
const maxMinutes = Number(flags['max-minutes'] ?? Math.ceil((estimateS * 1.5 + disturbanceS) / 60) + 2);

process.once('SIGINT', () => abort('interrupted', 130));
process.once('SIGTERM', () => abort('terminated', 143));
setTimeout(() => abort(`the run exceeded --max-minutes ${maxMinutes}`, 1), maxMinutes * 60_000).unref();

function abort(reason: string, code: number): void {
  killAll();
  process.stderr.write(`\nbench: ${reason}; every child process was killed.\n`);
  process.exit(code);
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentOfCore = (cpuMs: number, wallMs: number) => (100 * cpuMs) / wallMs;

/**
 * Waits (within the run's budget) until work other than the benchmark's stays below the disturbed
 * threshold for QUIET_PROBE_MS, so a job elsewhere on the machine does not take the cores a server needs.
 */
async function waitForQuiet(pids: number[]): Promise<void> {
  let told = false;
  while (quietWaitedMs < QUIET_BUDGET_MS) {
    const window = cpuWindow(pids);
    await sleep(QUIET_PROBE_MS);
    const { otherMs, wallMs } = window.stop();
    const other = percentOfCore(otherMs, wallMs);
    if (other <= DISTURBED_OTHER_CPU_PERCENT) return;
    quietWaitedMs += QUIET_PROBE_MS;
    if (!told) log(`  (waiting for other work on the machine to stop: ${other.toFixed(0)} % of a core)`);
    told = true;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const begun = performance.now();
  log(
    `bench: ${settings.mode} mode, ${cellCount} cells (${servers.length} servers + direct REST × upstream ${settings.delaysMs.join('/')} ms × c=${settings.connections.join('/')}), ` +
      `${settings.warmupS} s warm-up + ${settings.durationS} s window each; estimated ${(estimateS / 60).toFixed(1)} min ` +
      `(+ up to ${(disturbanceS / 60).toFixed(1)} min if other work disturbs it), hard limit ${maxMinutes} min`,
  );
  const before = cpuWindow([]);
  await sleep(1000);
  const idle = before.stop();
  const otherCpuPercentBefore = percentOfCore(idle.otherMs, idle.wallMs);
  if (otherCpuPercentBefore > DISTURBED_OTHER_CPU_PERCENT) {
    log(`bench: other work on this machine uses ${otherCpuPercentBefore.toFixed(0)} % of a core; measurements will wait for it, and are marked if it does not stop`);
  }
  const upstream = await startUpstream();
  log(`upstream: ${upstream.apiUrl} (pid ${upstream.child.pid})`);

  const startup = await measureStartupAndCheck(upstream);
  await checkDirectRest(upstream);

  const counter: RequestCounter = { next: 0 };
  const cells: Cell[] = [];
  const targets: (ServerUnderTest | 'direct-rest')[] = ['direct-rest', ...servers];
  for (const target of targets) {
    const running = target === 'direct-rest' ? undefined : await startServer(target, upstream);
    try {
      for (const delayMs of settings.delaysMs) {
        await setUpstreamDelay(upstream, delayMs);
        for (const connections of settings.connections) {
          const measure = () => measureCell(target === 'direct-rest' ? 'direct-rest' : target.name, upstream, running, delayMs, connections, counter);
          let cell = await measure();
          while (disturbed(cell) && cell.attempts < 3 && remeasuresLeft > 0 && quietWaitedMs < QUIET_BUDGET_MS) {
            remeasuresLeft--;
            log(`  (other work used ${cell.otherCpuPercent.toFixed(0)} % of a core: measuring again)`);
            cell = { ...(await measure()), attempts: cell.attempts + 1 };
          }
          cells.push(cell);
          const failed = failedRequests(cell);
          log(
            `  ${LABELS[cell.target].padEnd(40)} upstream ${String(delayMs).padStart(2)} ms  c=${String(connections).padEnd(3)} ` +
              `${cell.rps.toFixed(0).padStart(6)} req/s  p50 ${cell.p50Ms.toFixed(2)} ms  p99 ${cell.p99Ms.toFixed(2)} ms` +
              (cell.peakRssMb === null ? '' : `  peak RSS ${cell.peakRssMb.toFixed(1)} MB  CPU ${cell.cpuMsPerRequest!.toFixed(3)} ms/req`) +
              (failed ? `  ⚠ ${failed} failed requests` : '') +
              (disturbed(cell) ? `  ⚠ other work used ${cell.otherCpuPercent.toFixed(0)} % of a core` : ''),
          );
        }
      }
    } finally {
      if (running) await stop(running.child);
    }
  }
  await stop(upstream.child);

  for (const cell of cells) {
    const direct = cells.find((c) => c.target === 'direct-rest' && c.delayMs === cell.delayMs && c.connections === cell.connections);
    cell.addedP50Ms = cell.target === 'direct-rest' || !direct ? null : cell.p50Ms - direct.p50Ms;
  }

  const cpus = os.cpus();
  const results: Results = {
    date: new Date().toISOString(),
    machine: {
      cores: os.availableParallelism(),
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGb: os.totalmem() / 2 ** 30,
      node: process.version,
      os: `${os.type()} ${os.release()}`,
    },
    settings,
    checkedVariableSets: CHECK_VARIABLES.length,
    otherCpuPercentBefore,
    quietWaitS: quietWaitedMs / 1000,
    startup,
    cells,
    highestRequest: counter.next - 1,
    wallClockS: (performance.now() - begun) / 1000,
  };
  publish(results);
}

/** The tables on stdout, and unless --no-write, BENCHMARKS.md, the raw results and the chart. */
function publish(results: Results): void {
  const checks = checkTargets(results);
  process.stdout.write(
    `\n${machineLine(results)}\n\n${targetsTable(checks)}\n\n${resultsTable(results)}\n\n${startupTable(results)}\n\n` +
      `Highest request number used: ${results.highestRequest} (every request named wallboxes no other request named).\n`,
  );
  if (!flags['no-write']) {
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify({ ...results, targets: checks }, null, 2)}\n`);
    writeFileSync(join(ROOT, 'bench/results/benchmarks.svg'), chartSvg(results));
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), benchmarksMarkdown(results, checks));
    log('\nwrote BENCHMARKS.md, bench/results/latest.json, bench/results/benchmarks.svg');
  }
}

/**
 * Start-up to first answer, `settings.starts` times per server (a fresh process each, killed after);
 * on the first start, the check variable sets, which every server must answer with the same JSON.
 */
async function measureStartupAndCheck(upstream: Upstream): Promise<Startup[]> {
  const startup: Startup[] = [];
  let reference: { server: ServerUnderTest; answers: string[] } | undefined;
  for (const server of servers) {
    const samplesMs: number[] = [];
    const otherCpuPercent: number[] = [];
    const replacedMs: number[] = [];
    const attempts = settings.starts + EXTRA_STARTS;
    for (let i = 0; samplesMs.length < settings.starts && i < attempts; i++) {
      await waitForQuiet([upstream.child.pid!]);
      const window = cpuWindow([upstream.child.pid!]);
      const running = await startServer(server, upstream);
      try {
        const { otherMs, wallMs } = window.stop([running.pid]);
        const other = percentOfCore(otherMs, wallMs);
        // A start other work disturbed is replaced by another, as long as enough attempts are left.
        if (other > DISTURBED_OTHER_CPU_PERCENT && attempts - i - 1 >= settings.starts - samplesMs.length) replacedMs.push(running.startupMs);
        else {
          samplesMs.push(running.startupMs);
          otherCpuPercent.push(other);
        }
        if (i > 0) continue;
        const answers = await checkAnswers(running.url);
        if (!reference) reference = { server, answers };
        const differs = answers.findIndex((a, k) => a !== reference!.answers[k]);
        if (differs !== -1) {
          throw new Error(
            `${server.label} answers the benchmark query differently from ${reference.server.label} ` +
              `(variables ${JSON.stringify(CHECK_VARIABLES[differs])}):\n  ${reference.server.name}: ${reference.answers[differs]}\n  ${server.name}: ${answers[differs]}`,
          );
        }
      } finally {
        await stop(running.child);
      }
    }
    startup.push({ target: server.name, samplesMs, medianMs: median(samplesMs), otherCpuPercent, replacedMs });
    log(`start-up ${server.label}: median ${median(samplesMs).toFixed(0)} ms (${samplesMs.map((s) => s.toFixed(0)).join(', ')}); answers the ${CHECK_VARIABLES.length} check sets like ${reference!.server.label}`);
  }
  return startup;
}

async function checkDirectRest(upstream: Upstream): Promise<void> {
  const apiPath = new URL(upstream.apiUrl).pathname;
  const response = await fetch(new URL(wallboxPath(apiPath, upstream.orgId, 0), upstream.url), { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  if (response.status !== 200) throw new Error(`the upstream answered the direct-REST request with ${response.status}: ${await response.text()}`);
}

function loadTarget(target: TargetName, upstream: Upstream, running: RunningServer | undefined): LoadTarget {
  if (target === 'direct-rest') {
    const apiPath = new URL(upstream.apiUrl).pathname;
    return {
      origin: new URL(upstream.url).origin,
      method: 'GET',
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, accept: 'application/json' },
      request: (n) => ({ path: wallboxPath(apiPath, upstream.orgId, n) }),
      verifyBody: (body) => body.startsWith('{') && body.includes('"id"'),
    };
  }
  return graphqlTarget(running!.url);
}

async function measureCell(
  target: TargetName,
  upstream: Upstream,
  running: RunningServer | undefined,
  delayMs: number,
  connections: number,
  counter: RequestCounter,
): Promise<Cell> {
  const pid = running?.pid;
  const watched = pid === undefined ? [upstream.child.pid!] : [upstream.child.pid!, pid];
  const load = loadTarget(target, upstream, running);
  await waitForQuiet(watched);
  if (pid !== undefined && !resetPeak(pid)) settings.peakRss = 'since process start (VmHWM could not be reset)';
  const sampler = pid === undefined ? undefined : sampleRss(pid);

  const warmup = await runLoad(load, { connections, durationS: settings.warmupS, counter });
  const window = cpuWindow(watched);
  const measured = await runLoad(load, { connections, durationS: settings.durationS, counter });
  const cpu = window.stop();
  const [upstreamCpu, serverCpu] = cpu.processesMs as [number, number | undefined];
  const maxSampledKb = sampler?.stop();
  const peakKb = pid === undefined ? undefined : memoryKb(pid).hwm;

  return {
    ...measured,
    attempts: 1,
    target,
    delayMs,
    connections,
    warmupFailedRequests: warmup.errors + warmup.non2xx + warmup.mismatches,
    addedP50Ms: null,
    cpuMsPerRequest: serverCpu === undefined ? null : serverCpu / measured.requests,
    cpuPercent: serverCpu === undefined ? null : percentOfCore(serverCpu, cpu.wallMs),
    peakRssMb: peakKb === undefined ? null : peakKb / 1024,
    maxSampledRssMb: maxSampledKb === undefined ? null : maxSampledKb / 1024,
    upstreamCpuPercent: percentOfCore(upstreamCpu, cpu.wallMs),
    loadCpuPercent: percentOfCore(cpu.harnessMs, cpu.wallMs),
    otherCpuPercent: percentOfCore(cpu.otherMs, cpu.wallMs),
    stealPercent: percentOfCore(cpu.stealMs, cpu.wallMs),
  };
}

const run = flags.render
  ? Promise.resolve().then(() => publish(JSON.parse(readFileSync(flags.render!, 'utf8')) as Results))
  : main();
run.catch((error: unknown) => {
  killAll();
  process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
