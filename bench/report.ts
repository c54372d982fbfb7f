// Turns one run's results into what people read: the markdown tables (stdout and BENCHMARKS.md), the
// targets of the performance issue as ratios from that same run, and a bar chart (SVG).
import { readFileSync } from 'node:fs';
import type { LoadResult } from './load.js';

export type TargetName = 'direct-rest' | 'gateway' | 'plain-yoga' | 'apollo-rest';

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
};

const ORDER: TargetName[] = ['direct-rest', 'gateway', 'plain-yoga', 'apollo-rest'];

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
  metric: 'rps' | 'addedP50Ms';
  against: TargetName;
  delayMs: number;
  connections: number;
  bound: '≥' | '≤';
  factor: number;
}

const COMPARISONS: Comparison[] = [
  { name: 'req/s at c=100, upstream 0 ms, vs plain yoga + undici', metric: 'rps', against: 'plain-yoga', delayMs: 0, connections: 100, bound: '≥', factor: 1.3 },
  { name: 'req/s at c=100, upstream 20 ms, vs direct REST', metric: 'rps', against: 'direct-rest', delayMs: 20, connections: 100, bound: '≥', factor: 0.9 },
  { name: 'added p50 at c=1, upstream 0 ms, vs plain yoga + undici', metric: 'addedP50Ms', against: 'plain-yoga', delayMs: 0, connections: 1, bound: '≤', factor: 0.7 },
];

const UNITS = { rps: { unit: 'req/s', format: fixed(0) }, addedP50Ms: { unit: 'ms', format: fixed(2) } };

/** The targets of the performance issue, each a ratio of two figures of this run. */
export function checkTargets(results: Results): TargetCheck[] {
  const checks: TargetCheck[] = COMPARISONS.map(({ name, metric, against, delayMs, connections, bound, factor }) => {
    const required = `${bound} ${factor}×`;
    const gateway = find(results, 'gateway', delayMs, connections);
    const other = find(results, against, delayMs, connections);
    if (!gateway || !other) return { name, measured: 'not measured', required, pass: null };
    const ratio = gateway[metric]! / other[metric]!;
    const { unit, format } = UNITS[metric];
    const direct = metric === 'addedP50Ms' ? ` over direct REST's ${f2(find(results, 'direct-rest', delayMs, connections)?.p50Ms)} ms` : '';
    const note = doubt([gateway, other, ...(metric === 'addedP50Ms' ? [find(results, 'direct-rest', delayMs, connections)!] : [])]);
    return {
      name,
      measured: `${ratio.toFixed(2)}× (${format(gateway[metric])} vs ${format(other[metric])} ${unit}${direct})`,
      required,
      pass: note ? null : bound === '≥' ? ratio >= factor : ratio <= factor,
      ...(note ? { note } : {}),
    };
  });

  const loaded = results.cells.filter((c) => c.target === 'gateway' && c.connections === 100 && c.peakRssMb !== null);
  if (loaded.length > 0) {
    const peak = Math.max(...loaded.map((c) => c.peakRssMb!));
    // Another job's CPU use does not change how much memory the gateway holds: only failures void it.
    const note = loaded.some((c) => failedRequests(c) > 0) ? 'a measurement had failed requests' : undefined;
    checks.push({ name: 'peak RSS under load (c=100, both delays)', measured: `${f1(peak)} MB`, required: '≤ 150 MB', pass: note ? null : peak <= 150, ...(note ? { note } : {}) });
  } else {
    checks.push({ name: 'peak RSS under load (c=100, both delays)', measured: 'not measured', required: '≤ 150 MB', pass: null });
  }

  const gatewayStart = results.startup.find((s) => s.target === 'gateway');
  const plainStart = results.startup.find((s) => s.target === 'plain-yoga');
  if (gatewayStart && plainStart) {
    const r = gatewayStart.medianMs / plainStart.medianMs;
    const quiet = !startupDisturbed(gatewayStart) && !startupDisturbed(plainStart);
    checks.push({
      name: 'start-up to first answer vs plain yoga + undici',
      measured: `${r.toFixed(2)}× (${f0(gatewayStart.medianMs)} vs ${f0(plainStart.medianMs)} ms, medians)`,
      required: '≤ 1.3×',
      pass: quiet ? r <= 1.3 : null,
      ...(quiet ? {} : { note: 'other work used the CPU during a start' }),
    });
  } else {
    checks.push({ name: 'start-up to first answer vs plain yoga + undici', measured: 'not measured', required: '≤ 1.3×', pass: null });
  }
  return checks;
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
  const colors: Record<TargetName, string> = { 'direct-rest': '#9e9e9e', gateway: '#1565c0', 'plain-yoga': '#ef6c00', 'apollo-rest': '#6a1b9a' };
  const delays = results.settings.delaysMs;
  const connections = Math.max(...results.settings.connections);
  const cells = delays.map((d) => ORDER.map((t) => find(results, t, d, connections)));
  const values = cells.map((group) => group.map((c) => c?.rps ?? 0));
  const doubtful = (c: Cell | undefined) => c !== undefined && (disturbed(c) || failedRequests(c) > 0);
  const max = niceCeiling(Math.max(1, ...values.flat()));
  const [width, height, left, right, top, bottom] = [760, 420, 70, 20, 50, 110];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const groupW = plotW / delays.length;
  const barW = Math.min(60, (groupW * 0.8) / ORDER.length);
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
    const x0 = left + g * groupW + (groupW - barW * ORDER.length) / 2;
    ORDER.forEach((target, i) => {
      const v = values[g]![i]!;
      const x = x0 + i * barW;
      const doubt = doubtful(cells[g]![i]);
      out.push(`<rect x="${x + 3}" y="${y(v)}" width="${barW - 6}" height="${top + plotH - y(v)}" fill="${colors[target]}"${doubt ? ' fill-opacity="0.4"' : ''}/>`);
      out.push(`<text x="${x + barW / 2}" y="${y(v) - 4}" text-anchor="middle">${Math.round(v)}${doubt ? ' ⚠' : ''}</text>`);
    });
    out.push(`<text x="${left + g * groupW + groupW / 2}" y="${top + plotH + 20}" text-anchor="middle" font-weight="bold">upstream ${delay} ms</text>`);
  });
  out.push(`<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  ORDER.forEach((target, i) => {
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
