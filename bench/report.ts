// Turns one run's results into what people read: the markdown tables (stdout and BENCHMARKS.md), the
// targets of the performance issue as ratios from that same run, and a bar chart (SVG).
import { readFileSync } from 'node:fs';
import type { LoadResult } from './load.js';

export type TargetName = 'direct-rest' | 'gateway' | 'plain-yoga' | 'apollo-rest' | 'mercurius-jit' | 'floor';

/** One server (or direct REST) at one upstream delay and concurrency: the measured window's load figures and more. */
export interface Cell extends LoadResult {
  /** 1, or more when other work disturbed a measurement and it was taken again (this is the last). */
  attempts: number;
  target: TargetName;
  delayMs: number;
  connections: number;
  /** Failed requests in the warm-up before the window (not measured, but shown in the JSON). */
  warmupFailedRequests: number;
  /** Server p50 minus direct REST's p50 at the same delay and concurrency. */
  addedP50Ms: number | null;
  /** The server's CPU time in the measured window per answered request, ms. */
  cpuMsPerRequest: number | null;
  /** The server's CPU use in the measured window, % of one core. */
  cpuPercent: number | null;
  /** VmHWM of the server at the end of the cell (reset at its start when the kernel allows). */
  peakRssMb: number | null;
  /** Largest VmRSS sampled every 100 ms through warm-up and window. */
  maxSampledRssMb: number | null;
  /** CPU use of the upstream process and of the load generator (the harness) in the window, % of one core. */
  upstreamCpuPercent: number;
  loadCpuPercent: number;
  /** Busy CPU outside the benchmark's processes in the window (someone else's work), % of one core. */
  otherCpuPercent: number;
  /** CPU the hypervisor gave to other machines in the window, % of one core. */
  stealPercent: number;
}

export interface Startup {
  target: Exclude<TargetName, 'direct-rest'>;
  samplesMs: number[];
  medianMs: number;
  /** Busy CPU outside the benchmark's processes during each start, % of one core. */
  otherCpuPercent: number[];
  /** Starts that other work disturbed, replaced by another start, ms. */
  replacedMs: number[];
}

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  os: string;
}

export interface Settings {
  mode: 'full' | 'quick';
  warmupS: number;
  durationS: number;
  connections: number[];
  delaysMs: number[];
  starts: number;
  peakRss: 'per cell (VmHWM reset at the start of each cell)' | 'since process start (VmHWM could not be reset)';
}

export interface Results {
  date: string;
  machine: Machine;
  settings: Settings;
  /** How many check variable sets every server answered with the same JSON as the gateway. */
  checkedVariableSets: number;
  /** Someone else's CPU use just before the run, % of one core, and how long the run waited for quiet. */
  otherCpuPercentBefore: number;
  quietWaitS: number;
  startup: Startup[];
  cells: Cell[];
  /** The last request number used: requests 0 to this one each named wallboxes no other request named. */
  highestRequest: number;
  wallClockS: number;
}

export interface TargetCheck {
  name: string;
  measured: string;
  required: string;
  /** null: not measured in this run, or measured with errors. */
  pass: boolean | null;
  note?: string;
}

export const LABELS: Record<TargetName, string> = {
  'direct-rest': 'direct REST (bound)',
  gateway: 'podero-graphql-gateway',
  'plain-yoga': 'plain yoga + undici',
  'apollo-rest': 'Apollo Server 5 + RESTDataSource',
  'mercurius-jit': 'Fastify 5 + mercurius 16 (graphql-jit)',
  floor: 'node:http, no GraphQL (floor)',
};

/** Table and chart order: the two bounds (no GraphQL), then the gateway, then the GraphQL baselines. */
const ORDER: TargetName[] = ['direct-rest', 'floor', 'gateway', 'mercurius-jit', 'plain-yoga', 'apollo-rest'];

export function failedRequests(cell: Cell): number {
  return cell.errors + cell.non2xx + cell.mismatches;
}

/**
 * Above this much CPU used by work other than the benchmark's (% of one core), a measurement is marked
 * as disturbed: on a shared machine another job can take the cores the servers need.
 */
export const DISTURBED_OTHER_CPU_PERCENT = 15;

export function disturbed(cell: Cell): boolean {
  return cell.otherCpuPercent > DISTURBED_OTHER_CPU_PERCENT;
}

function startupDisturbed(startup: Startup): boolean {
  return startup.otherCpuPercent.some((p) => p > DISTURBED_OTHER_CPU_PERCENT);
}

/** Why a figure gets no verdict, if it does not. */
function doubt(cells: Cell[]): string | undefined {
  if (cells.some((c) => failedRequests(c) > 0)) return 'a measurement had failed requests';
  if (cells.some(disturbed)) return 'other work used the CPU during a measurement';
  return undefined;
}

function find(results: Results, target: TargetName, delayMs: number, connections: number): Cell | undefined {
  return results.cells.find((c) => c.target === target && c.delayMs === delayMs && c.connections === connections);
}

const fixed = (digits: number) => (value: number | null | undefined) => (value == null || Number.isNaN(value) ? '–' : value.toFixed(digits));
const f0 = fixed(0);
const f1 = fixed(1);
const f2 = fixed(2);
const f3 = fixed(3);

/** A target that compares one figure of the gateway's with the same figure of another server, in one cell. */
interface Comparison {
  name: string;
  metric: 'rps' | 'addedP50Ms' | 'cpuMsPerRequest';
  against: TargetName;
  delayMs: number;
  connections: number;
  bound: '≥' | '≤';
  factor: number;
}

const COMPARISONS: Comparison[] = [
  { name: 'server CPU per request at c=100, upstream 0 ms', metric: 'cpuMsPerRequest', against: 'mercurius-jit', delayMs: 0, connections: 100, bound: '≤', factor: 1 },
  { name: 'server CPU per request at c=100, upstream 20 ms', metric: 'cpuMsPerRequest', against: 'mercurius-jit', delayMs: 20, connections: 100, bound: '≤', factor: 1 },
  { name: 'req/s at c=100, upstream 0 ms', metric: 'rps', against: 'mercurius-jit', delayMs: 0, connections: 100, bound: '≥', factor: 1 },
  { name: 'req/s at c=100, upstream 20 ms', metric: 'rps', against: 'mercurius-jit', delayMs: 20, connections: 100, bound: '≥', factor: 1 },
  { name: 'added p50 at c=1, upstream 0 ms', metric: 'addedP50Ms', against: 'mercurius-jit', delayMs: 0, connections: 1, bound: '≤', factor: 1.1 },
];

const UNITS = { rps: { unit: 'req/s', format: fixed(0) }, addedP50Ms: { unit: 'ms', format: fixed(2) }, cpuMsPerRequest: { unit: 'ms/req', format: fixed(3) } };

const ratioText = (factor: number) => `${factor.toFixed(1)}×`;

/**
 * The targets of the performance issue, each a ratio of two figures of this run: the gateway (shipped
 * defaults) against Fastify + mercurius with graphql-jit for CPU, throughput, latency and memory, and
 * against plain yoga for start-up. A target whose figures come from a cell with failed requests or
 * disturbed by other work gets no verdict; one whose cells this run (or an older results file) lacks
 * is "not measured".
 */
export function checkTargets(results: Results): TargetCheck[] {
  const checks: TargetCheck[] = COMPARISONS.map(({ name: what, metric, against, delayMs, connections, bound, factor }) => {
    const name = `${what}, vs ${LABELS[against]}`;
    const required = `${bound} ${ratioText(factor)}`;
    const gateway = find(results, 'gateway', delayMs, connections);
    const other = find(results, against, delayMs, connections);
    const direct = find(results, 'direct-rest', delayMs, connections);
    if (!gateway || !other || (metric === 'addedP50Ms' && !direct)) return { name, measured: 'not measured', required, pass: null };
    const ratio = gateway[metric]! / other[metric]!;
    const { unit, format } = UNITS[metric];
    const over = metric === 'addedP50Ms' ? ` over direct REST's ${f2(direct!.p50Ms)} ms` : '';
    const note = doubt([gateway, other, ...(metric === 'addedP50Ms' ? [direct!] : [])]);
    return {
      name,
      measured: `${ratio.toFixed(2)}× (${format(gateway[metric])} vs ${format(other[metric])} ${unit}${over})`,
      required,
      pass: note ? null : bound === '≥' ? ratio >= factor : ratio <= factor,
      ...(note ? { note } : {}),
    };
  });
  checks.push(peakRssCheck(results, 'mercurius-jit'), startupCheck(results, 'plain-yoga'));
  return checks;
}

/** Peak RSS under load: the largest of the c=100 cells' peaks, at the delays both servers were measured at. */
function peakRssCheck(results: Results, against: TargetName): TargetCheck {
  const name = `peak RSS under load (largest of the c=100 cells), vs ${LABELS[against]}`;
  const required = `≤ ${ratioText(1)}`;
  const loaded = (target: TargetName) =>
    results.settings.delaysMs.flatMap((d) => find(results, target, d, 100) ?? []).filter((c) => c.peakRssMb !== null);
  const delays = loaded('gateway').map((c) => c.delayMs).filter((d) => loaded(against).some((c) => c.delayMs === d));
  if (delays.length === 0) return { name, measured: 'not measured', required, pass: null };
  const cells = (target: TargetName) => loaded(target).filter((c) => delays.includes(c.delayMs));
  const peak = (target: TargetName) => Math.max(...cells(target).map((c) => c.peakRssMb!));
  const [gateway, other] = [peak('gateway'), peak(against)];
  const ratio = gateway / other;
  // Another job's CPU use does not change how much memory a server holds: only failures void it.
  const note = [...cells('gateway'), ...cells(against)].some((c) => failedRequests(c) > 0) ? 'a measurement had failed requests' : undefined;
  return {
    name,
    measured: `${ratio.toFixed(2)}× (${f1(gateway)} vs ${f1(other)} MB, upstream ${delays.join(' and ')} ms)`,
    required,
    pass: note ? null : ratio <= 1,
    ...(note ? { note } : {}),
  };
}

function startupCheck(results: Results, against: Exclude<TargetName, 'direct-rest'>): TargetCheck {
  const name = `start-up to first answer, vs ${LABELS[against]}`;
  const required = `≤ ${ratioText(1)}`;
  const gatewayStart = results.startup.find((s) => s.target === 'gateway');
  const otherStart = results.startup.find((s) => s.target === against);
  if (!gatewayStart || !otherStart) return { name, measured: 'not measured', required, pass: null };
  const ratio = gatewayStart.medianMs / otherStart.medianMs;
  const quiet = !startupDisturbed(gatewayStart) && !startupDisturbed(otherStart);
  return {
    name,
    measured: `${ratio.toFixed(2)}× (${f0(gatewayStart.medianMs)} vs ${f0(otherStart.medianMs)} ms, medians)`,
    required,
    pass: quiet ? ratio <= 1 : null,
    ...(quiet ? {} : { note: 'other work used the CPU during a start' }),
  };
}

export function machineLine(results: Results): string {
  const { machine: m, settings: s } = results;
  return (
    `${m.cores} cores (${m.cpuModel}), ${f0(m.memoryGb)} GB RAM, ${m.os}, Node ${m.node}; ${results.date}; ` +
    `${s.mode} mode: warm-up ${s.warmupS} s, measured window ${s.durationS} s per cell, start-up median of ${s.starts}`
  );
}

export function targetsTable(checks: TargetCheck[]): string {
  const verdict = (c: TargetCheck) => (c.pass === null ? `– ${c.note ?? ''}`.trim() : c.pass ? 'pass' : 'FAIL');
  return [
    '| Target (gateway) | Measured | Required | Result |',
    '|---|---|---|---|',
    ...checks.map((c) => `| ${c.name} | ${c.measured} | ${c.required} | ${verdict(c)} |`),
  ].join('\n');
}

export function resultsTable(results: Results): string {
  const rows = [
    '| Upstream | c | Server | req/s | p50 ms | p99 ms | added p50 ms | CPU ms/req | server CPU % | upstream CPU % | load-gen CPU % | other CPU % | peak RSS MB | max sampled RSS MB | failed requests |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const delayMs of results.settings.delaysMs) {
    for (const connections of results.settings.connections) {
      for (const target of ORDER) {
        const c = find(results, target, delayMs, connections);
        if (!c) continue;
        const failed = failedRequests(c);
        rows.push(
          `| ${delayMs} ms | ${connections} | ${LABELS[target]} | ${f0(c.rps)} | ${f2(c.p50Ms)} | ${f2(c.p99Ms)} | ${f2(c.addedP50Ms)} | ` +
            `${f3(c.cpuMsPerRequest)} | ${f0(c.cpuPercent)} | ${f0(c.upstreamCpuPercent)} | ${f0(c.loadCpuPercent)} | ${disturbed(c) ? `**${f0(c.otherCpuPercent)}** ⚠` : f0(c.otherCpuPercent)} | ${f1(c.peakRssMb)} | ${f1(c.maxSampledRssMb)} | ${failed === 0 ? '0' : `**${failed}** ⚠`} |`,
        );
      }
    }
  }
  return rows.join('\n');
}

export function startupTable(results: Results): string {
  return [
    '| Server | start-up to first answer, median ms | samples ms | other CPU % during each sample | replaced (disturbed) starts ms |',
    '|---|---:|---|---|---|',
    ...results.startup.map(
      (s) =>
        `| ${LABELS[s.target]} | ${f0(s.medianMs)} | ${s.samplesMs.map(f0).join(', ')} | ` +
        `${s.otherCpuPercent.map((p) => (p > DISTURBED_OTHER_CPU_PERCENT ? `**${f0(p)}** ⚠` : f0(p))).join(', ')} | ` +
        `${s.replacedMs.map(f0).join(', ') || '–'} |`,
    ),
  ].join('\n');
}

/** Grouped bars: req/s at c=100 per server, one group per upstream delay, with direct REST as the bound. */
export function chartSvg(results: Results): string {
  const colors: Record<TargetName, string> = {
    'direct-rest': '#9e9e9e',
    floor: '#616161',
    gateway: '#1565c0',
    'mercurius-jit': '#2e7d32',
    'plain-yoga': '#ef6c00',
    'apollo-rest': '#6a1b9a',
  };
  // Only what this run measured: a results file from before a server was added draws no empty bar for it.
  const shown = ORDER.filter((t) => results.cells.some((c) => c.target === t));
  const delays = results.settings.delaysMs;
  const connections = Math.max(...results.settings.connections);
  const cells = delays.map((d) => shown.map((t) => find(results, t, d, connections)));
  const values = cells.map((group) => group.map((c) => c?.rps ?? 0));
  const doubtful = (c: Cell | undefined) => c !== undefined && (disturbed(c) || failedRequests(c) > 0);
  const max = niceCeiling(Math.max(1, ...values.flat()));
  const [width, height, left, right, top, bottom] = [760, 440, 70, 20, 50, 130];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const groupW = plotW / delays.length;
  const barW = Math.min(60, (groupW * 0.8) / shown.length);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Requests per second at c=${connections} (higher is better)</text>`,
    `<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(`${results.machine.cores} cores, Node ${results.machine.node}, ${results.date.slice(0, 10)}, ${results.settings.mode} mode`)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = (max * i) / 5;
    out.push(`<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
  }
  delays.forEach((delay, g) => {
    const x0 = left + g * groupW + (groupW - barW * shown.length) / 2;
    shown.forEach((target, i) => {
      const v = values[g]![i]!;
      const x = x0 + i * barW;
      const doubt = doubtful(cells[g]![i]);
      out.push(`<rect x="${x + 3}" y="${y(v)}" width="${barW - 6}" height="${top + plotH - y(v)}" fill="${colors[target]}"${doubt ? ' fill-opacity="0.4"' : ''}/>`);
      out.push(`<text x="${x + barW / 2}" y="${y(v) - 4}" text-anchor="middle">${Math.round(v)}${doubt ? ' ⚠' : ''}</text>`);
    });
    out.push(`<text x="${left + g * groupW + groupW / 2}" y="${top + plotH + 20}" text-anchor="middle" font-weight="bold">upstream ${delay} ms</text>`);
  });
  out.push(`<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  shown.forEach((target, i) => {
    const x = left + (i % 2) * 320;
    const yy = top + plotH + 48 + Math.floor(i / 2) * 20;
    out.push(`<rect x="${x}" y="${yy - 10}" width="12" height="12" fill="${colors[target]}"/>`);
    out.push(`<text x="${x + 18}" y="${yy}">${escapeXml(LABELS[target])}</text>`);
  });
  if (cells.flat().some(doubtful)) {
    out.push(`<text x="${left}" y="${height - 10}" fill="#555">⚠ faded: measured while other work used the CPU, or with failed requests (see BENCHMARKS.md)</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value)!;
  return step * magnitude;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The markers of the section `npm run bench:live` (bench/live.ts) writes into BENCHMARKS.md. That
 * section comes from another run, so this report, which writes the whole file, carries it over as it is.
 */
export const LIVE_START = '<!-- live:start -->';
export const LIVE_END = '<!-- live:end -->';

/** The live section of the BENCHMARKS.md on disk, markers included; '' when there is none. */
function keptLiveSection(): string {
  let current: string;
  try {
    current = readFileSync(new URL('../BENCHMARKS.md', import.meta.url), 'utf8');
  } catch {
    return '';
  }
  const start = current.indexOf(LIVE_START);
  const end = current.indexOf(LIVE_END, start);
  return start === -1 || end === -1 ? '' : `\n${current.slice(start, end + LIVE_END.length)}\n`;
}

export function benchmarksMarkdown(results: Results, checks: TargetCheck[]): string {
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); how it measures and how to read it: [bench/README.md](bench/README.md).
Every figure below comes from one run. Compare servers only within a run: ratios, not absolute numbers,
carry over to other machines.

**Machine and run:** ${machineLine(results)}. Whole run: ${f0(results.wallClockS)} s.

**Workload:** the operation in [bench/query.graphql](bench/query.graphql) (two wallboxes of one user as
cards, the first again in a detail panel): fresh variables for every request, answered by the partner API
simulator in its own process with the stated delay per upstream call. Before measuring, every server
answered ${results.checkedVariableSets} check variable sets with JSON identical to the gateway's.

## Targets

${targetsTable(checks)}

![req/s at c=100](bench/results/benchmarks.svg)

## All measurements

${resultsTable(results)}

Peak RSS is ${results.settings.peakRss}. "Added p50" is the server's p50 minus direct REST's p50 at the
same upstream delay and concurrency. CPU % columns are % of one core over the measured window; "other" is
busy CPU outside the benchmark's processes (another job on the machine): above
${DISTURBED_OTHER_CPU_PERCENT} % a cell is marked ⚠ and the targets it feeds get no verdict. Before the
run, other work used ${f0(results.otherCpuPercentBefore)} % of a core; the run waited
${f0(results.quietWaitS)} s in all for the machine to be quiet. Raw figures:
[bench/results/latest.json](bench/results/latest.json).

## Start-up

${startupTable(results)}
${keptLiveSection()}`;
}
