// Hostile input, measured: what each attack of the hostile-input issue costs a running gateway.
//
//   npx tsx bench/hostile-input.ts [--root <checkout>] [--json <file>] [--only <case>] [--env NAME=value]...
//
// Starts the gateway the way `npm start` does (demo mode: the embedded simulator is its upstream) as a
// child process, sends each attack, and records per case: HTTP status, the first error code, the
// gateway process's CPU time (utime + stime from /proc, 10 ms resolution), wall time, response and
// log bytes, upstream calls (counted by the simulator), RSS, and the longest a `/health` probe sent every
// 100 ms meanwhile had to wait (another caller held up). Memory cases run on a fresh process
// each and report RSS growth. `--root` runs another checkout's gateway (e.g. the commit before a
// change) with the same attacks, so before/after figures are measured the same way.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, MEMORY_CASES, gql, post, probing, type HostileCase, type MemoryCase } from './hostile-cases.js';
import { cpuMs, memoryKb } from './proc-stats.js';
import { track, waitForOutput } from './processes.js';
import { START_FLAGS } from './start-command.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const ROOT = resolve(flag('--root') ?? fileURLToPath(new URL('..', import.meta.url)));
const JSON_OUT = flag('--json');
const ONLY = flag('--only');
/** `--env NAME=value` (repeatable): extra environment for every gateway started, e.g. a raised limit. */
const EXTRA_ENV = Object.fromEntries(
  args.flatMap((arg, i) => (arg === '--env' && args[i + 1]?.includes('=') ? [args[i + 1]!.split(/=(.*)/s).slice(0, 2) as [string, string]] : [])),
);

interface Gateway {
  child: ChildProcessWithoutNullStreams;
  url: string;
  simulator: string;
  logBytes: () => number;
  stop: () => Promise<void>;
}

async function startGateway(): Promise<Gateway> {
  // What `npm start` runs; a checkout from before the build existed runs its sources through tsx.
  const entry = existsSync(resolve(ROOT, 'dist/main.js')) ? [...START_FLAGS, 'dist/main.js'] : [...START_FLAGS, '--import', 'tsx', 'src/main.ts'];
  const child = track(spawn(process.execPath, entry, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...EXTRA_ENV } }));
  let logs = 0;
  const countLogs = (chunk: Buffer) => void (logs += chunk.length);
  child.stdout.on('data', countLogs);
  child.stderr.on('data', countLogs);
  // Ready when the demo banner is out (the last thing it prints on start-up, in checkouts from before this
  // script too): measuring earlier would count the start-up's own log lines against the first case.
  const [, simulator, url] = await waitForOutput(child, /simulator at (http:\/\/[^/\s]+)[\s\S]*?curl -s (\S+) [^\n]*\n[^\n]*\n/, 'the gateway');
  return {
    child,
    url: url!,
    simulator: simulator!,
    logBytes: () => logs,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const rssMb = (pid: number) => memoryKb(pid).rss / 1024;

async function upstreamCalls(gateway: Gateway): Promise<number> {
  const response = await fetch(`${gateway.simulator}/_simulator/counts`);
  const counts = (await response.json()) as Record<string, number>;
  return Object.entries(counts)
    .filter(([route]) => !route.includes('/_simulator/') && !route.includes('oauth2'))
    .reduce((sum, [, n]) => sum + n, 0);
}

// ---- running -----------------------------------------------------------------------------------------

interface Row {
  name: string;
  what: string;
  status: number | string;
  code: string;
  errors: number;
  cpuMs: number;
  wallMs: number;
  responseBytes: number;
  logBytes: number;
  upstreamCalls: number;
  rssMb: number;
  /** The longest a concurrent `/health` probe waited while the case ran. */
  probeMs: number;
  note: string;
}

async function runCase(gateway: Gateway, c: HostileCase): Promise<Row> {
  const pid = gateway.child.pid!;
  const [cpu0, log0, calls0] = [cpuMs(pid), gateway.logBytes(), await upstreamCalls(gateway)];
  let failure = '';
  const { result: sent, longestMs, workMs: wallMs } = await probing(gateway.url, () =>
    c.send(gateway.url).catch((error: unknown) => {
      failure = error instanceof Error ? error.message : String(error);
      return undefined;
    }),
  );
  await new Promise((r) => setTimeout(r, 50)); // let log lines arrive
  const alive = gateway.child.exitCode === null && gateway.child.signalCode === null;
  return {
    name: c.name,
    what: c.what,
    status: sent?.status ?? (alive ? 'no answer' : 'process died'),
    code: sent?.code ?? '',
    errors: sent?.errors ?? 0,
    cpuMs: alive ? cpuMs(pid) - cpu0 : NaN,
    wallMs: Math.round(wallMs),
    responseBytes: sent?.bytes ?? 0,
    logBytes: gateway.logBytes() - log0,
    upstreamCalls: alive ? (await upstreamCalls(gateway)) - calls0 : NaN,
    rssMb: alive ? Math.round(rssMb(pid)) : NaN,
    probeMs: Math.round(longestMs),
    note: failure || sent?.message || '',
  };
}

async function runMemoryCase(c: MemoryCase): Promise<Row> {
  const gateway = await startGateway();
  const pid = gateway.child.pid!;
  try {
    for (let i = 0; i < 5; i++) await post(gateway.url, gql('{ __typename }'));
    const [rss0, cpu0, log0] = [rssMb(pid), cpuMs(pid), gateway.logBytes()];
    const statuses = new Map<string, number>();
    let failure = '';
    const { longestMs, workMs: wallMs } = await probing(gateway.url, async () => {
      for (let i = 0; i < c.count && !failure; i++) {
        for (let n = 0; n < c.times && !failure; n++) {
          try {
            const sent = await post(gateway.url, gql(c.document(i)));
            const key = `${sent.status} ${sent.code ?? ''}`.trim();
            statuses.set(key, (statuses.get(key) ?? 0) + 1);
          } catch (error) {
            failure = `request ${i}: ${error instanceof Error ? error.message : String(error)}`;
          }
        }
      }
    });
    const alive = gateway.child.exitCode === null && gateway.child.signalCode === null;
    const serving = alive ? (await post(gateway.url, gql('{ __typename }')).catch(() => undefined))?.status === 200 : false;
    return {
      name: c.name,
      what: c.what,
      status: [...statuses].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none',
      code: '',
      errors: 0,
      cpuMs: alive ? cpuMs(pid) - cpu0 : NaN,
      wallMs: Math.round(wallMs),
      responseBytes: 0,
      logBytes: gateway.logBytes() - log0,
      upstreamCalls: 0,
      rssMb: alive ? Math.round(rssMb(pid) - rss0) : NaN,
      probeMs: Math.round(longestMs),
      note: `${failure ? `${failure}; ` : ''}RSS growth (MB); still serving: ${serving ? 'yes' : 'NO'}`,
    };
  } finally {
    await gateway.stop();
  }
}

const rows: Row[] = [];
let gateway = await startGateway();
try {
  for (const c of CASES) {
    if (ONLY && !c.name.includes(ONLY)) continue;
    // A case that ended the process (a gateway from before a limit existed) is followed by a fresh one.
    if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) gateway = await startGateway();
    const row = await runCase(gateway, c);
    rows.push(row);
    process.stderr.write(`${row.name}: ${row.status} ${row.code} ${row.cpuMs} ms CPU, /health waited ${row.probeMs} ms\n`);
  }
} finally {
  await gateway.stop();
}
for (const c of MEMORY_CASES) {
  if (ONLY && !c.name.includes(ONLY)) continue;
  const row = await runMemoryCase(c);
  rows.push(row);
  process.stderr.write(`${row.name}: ${row.status} +${row.rssMb} MB\n`);
}

const header = '| case | status | code | errors | CPU ms | wall ms | /health waited ms | response bytes | log bytes | upstream calls | RSS MB | note |';
const lines = rows.map((r) =>
  `| ${r.name} | ${r.status} | ${r.code} | ${r.errors} | ${Number.isNaN(r.cpuMs) ? '—' : r.cpuMs} | ${r.wallMs} | ${r.probeMs} | ${r.responseBytes} | ${r.logBytes} | ${Number.isNaN(r.upstreamCalls) ? '—' : r.upstreamCalls} | ${Number.isNaN(r.rssMb) ? '—' : r.rssMb} | ${r.note.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
);
process.stdout.write(`${[header, '|---|---|---|---|---|---|---|---|---|---|---|---|', ...lines].join('\n')}\n`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ root: ROOT, date: new Date().toISOString(), node: process.version, rows }, null, 2));
