// `npm run bench:live` [-- --quick] [--no-write] [--max-minutes M] [--heap-snapshots DIR]: what live
// subscriptions cost the gateway. Three figures, each from a gateway process of its own (dist/main.js,
// as `npm start` runs it) over the partner API simulator, with the subscribers in a third process
// (bench/live-peers.ts):
//
//   memory    RSS growth per idle SSE subscription, 2,000 of them over 10 devices
//   fan-out   a change the poller detected upstream -> its event at the last of 1,000 subscribers
//   calls     upstream GETs per poll interval with 2,000 subscribers over 10 devices: one per device
//
// How each is measured, and why so: bench/README.md ("Live subscriptions"). The measuring functions are
// exported for test/bench/live-harness.test.ts, which runs them at a tiny scale.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createSeed } from '../src/simulator/seed.js';
import { MARKER_PREFIX, now, type Answered, type SubscribersStatus, type SubscriptionSpec } from './live-peers.js';
import { cpuWindow, memoryKb } from './proc-stats.js';
import { START_FLAGS } from './start-command.js';
import { ROOT, freePort, killAll, serverEnv, stop, track } from './processes.js';
import { DISTURBED_OTHER_CPU_PERCENT, LIVE_END, LIVE_START, type Machine } from './report.js';
import { BENCH_TOKEN } from './workload.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A live card's selection: what a dashboard tile of a wallbox shows. */
export const QUERY = `subscription LiveWallbox($userId: UUID, $id: UUID!) {
  wallbox(userId: $userId, id: $id) { id comment connectionStatus isPluggedIn isCharging chargeRateW boostState }
}`;

/**
 * The devices subscribed to: the simulator's seeded wallboxes that are not deleted (11), so a PUT can
 * change them (wallboxes the simulator synthesizes are read-only). The first, Anna's garage wallbox, is
 * the one the fan-out changes. None has a boost `requested`: no poller runs at the fast interval.
 */
export const DEVICES: readonly { userId: string; id: string }[] = createSeed()
  .wallboxes.filter((w) => !w.record.deleted_at)
  .map((w) => ({ userId: w.userId, id: String(w.record.id) }));

// ---- the processes -----------------------------------------------------------------------------------

/** A peer process (bench/live-peers.ts), called over its IPC channel. */
export interface Peer {
  child: ChildProcess;
  ready: Record<string, string>;
  call<T>(method: string, params?: unknown): Promise<T>;
}

export interface Peers {
  upstream: Peer & { apiUrl: string; orgId: string };
  subscribers: Peer;
  /** The gateway's entry in this run's copy of dist/ (see copyBuild). */
  gatewayEntry: string;
}

/** The last bytes a child wrote, for error messages; the rest is drained, so a full pipe never blocks it. */
function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const onData = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-8000));
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return () => tail;
}

async function startPeer(role: 'upstream' | 'subscribers'): Promise<Peer> {
  const child = track(spawn(process.execPath, ['--import', 'tsx', 'bench/live-peers.ts', role], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  const tail = keepTail(child);
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`live-peers ${role} was not ready within 20 s:\n${tail()}`)), 20_000);
    child.on('message', (message: { ready?: Record<string, string>; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) {
        clearTimeout(timer);
        return resolve(message.ready);
      }
      const call = pending.get(message.id!);
      pending.delete(message.id!);
      if (message.error !== undefined) call?.reject(new Error(`live-peers ${role}: ${message.error}`));
      else call?.resolve(message.result);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const error = new Error(`live-peers ${role} exited (${code ?? signal}):\n${tail()}`);
      reject(error);
      for (const call of pending.values()) call.reject(error);
      pending.clear();
    });
  });
  return {
    child,
    ready,
    call: <T>(method: string, params?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, method, params });
      }),
  };
}

export async function startPeers(): Promise<Peers> {
  const gatewayEntry = await copyBuild();
  const [upstream, subscribers] = await Promise.all([startPeer('upstream'), startPeer('subscribers')]);
  return { upstream: { ...upstream, apiUrl: upstream.ready.apiUrl!, orgId: upstream.ready.orgId! }, subscribers, gatewayEntry };
}

export async function stopPeers(peers: Peers): Promise<void> {
  await Promise.all([stop(peers.upstream.child), stop(peers.subscribers.child)]);
  rmSync(join(peers.gatewayEntry, '../..'), { recursive: true, force: true });
}

/**
 * A copy of dist/ for this run, in a temporary directory whose node_modules links to the repository's
 * (the bundle's external packages resolve there). Others' `npm run build` or `npm test` on the same
 * working tree delete and rewrite dist/, which would take the gateway's entry, or a chunk it loads later,
 * away in the middle of a run. Removed when the harness exits.
 */
async function copyBuild(): Promise<string> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-live-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const entry = join(ROOT, 'dist/main.js');
  for (let attempt = 0; attempt < 60; attempt++) {
    // A build under way: wait for it, and copy again if it finished while we copied.
    const built = statSync(entry, { throwIfNoEntry: false })?.mtimeMs;
    if (built !== undefined) {
      rmSync(join(dir, 'dist'), { recursive: true, force: true });
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      if (statSync(entry, { throwIfNoEntry: false })?.mtimeMs === built && existsSync(join(dir, 'dist/main.js'))) return join(dir, 'dist/main.js');
    }
    await sleep(500);
  }
  throw new Error('dist/main.js is missing or keeps changing: run `npm run build`');
}

export interface Gateway {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The gateway's /metrics, one value per series (`name` or `name{labels}` as exposed). */
  metrics(): Promise<Map<string, number>>;
}

/** Starts the gateway (dist/main.js) against the upstream, with `env` over the benchmark's environment; waits for /ready. */
export async function startGateway(peers: Peers, env: Record<string, string>, nodeFlags: string[] = []): Promise<Gateway> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const { upstream } = peers;
  const child = track(
    spawn(process.execPath, [...START_FLAGS, ...nodeFlags, peers.gatewayEntry], {
      cwd: ROOT,
      env: { ...serverEnv({ child: upstream.child, url: upstream.ready.url!, apiUrl: upstream.apiUrl, orgId: upstream.orgId }, port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const tail = keepTail(child);
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the gateway exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail()}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the gateway was not ready within 30 s:\n${tail()}`);
    }
    if ((await fetch(`${origin}/ready`).catch(() => undefined))?.status === 200) break;
    await sleep(20);
  }
  return {
    child,
    pid: child.pid!,
    url: `${origin}/graphql`,
    async metrics() {
      const text = await (await fetch(`${origin}/metrics`)).text();
      const series = new Map<string, number>();
      for (const line of text.split('\n')) {
        const match = /^([^#\s][^\s]*) (\S+)$/.exec(line);
        if (match) series.set(match[1]!, Number(match[2]));
      }
      return series;
    },
  };
}

/** Resolves once the gateway's metrics satisfy `condition` (checked every 100 ms), or throws after `timeoutMs`. */
async function metricsUntil(gateway: Gateway, condition: (metrics: Map<string, number>) => boolean, what: string, timeoutMs = 30_000): Promise<Map<string, number>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const metrics = await gateway.metrics();
    if (condition(metrics)) return metrics;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const SSE_SUBSCRIPTIONS = 'podero_live_subscriptions{transport="sse"}';
const POLLERS = 'podero_live_pollers';

/** `count` subscriptions spread round-robin over the first `devices` devices. */
function specs(count: number, devices: number): SubscriptionSpec[] {
  if (devices > DEVICES.length) throw new Error(`at most ${DEVICES.length} devices (the seeded wallboxes), got ${devices}`);
  return Array.from({ length: count }, (_, i) => ({ query: QUERY, variables: DEVICES[i % devices]! }));
}

/** Opens the subscriptions and waits for every first event; throws when one was refused or failed. */
async function subscribeAll(peers: Peers, gateway: Gateway, list: SubscriptionSpec[], timeoutMs = 60_000): Promise<SubscribersStatus> {
  const opened = await peers.subscribers.call<SubscribersStatus>('open', { url: gateway.url, specs: list, concurrency: 64 });
  if (opened.failed > 0) throw new Error(`${opened.failed} of ${list.length} subscriptions failed; the first: ${opened.firstFailure}`);
  const status = await peers.subscribers.call<SubscribersStatus>('firstEvents', { timeoutMs });
  if (status.firstEvents < list.length) throw new Error(`only ${status.firstEvents} of ${list.length} subscriptions had their first event within ${timeoutMs / 1000} s`);
  return status;
}

/** After a measurement, failed or not: the subscriber process starts the next one with nothing open. */
async function finish(peers: Peers, gateway: Gateway): Promise<void> {
  await peers.subscribers.call('close').catch(() => undefined);
  await stop(gateway.child);
}

async function closeAll(peers: Peers, gateway: Gateway): Promise<void> {
  await peers.subscribers.call('close');
  await metricsUntil(gateway, (m) => (m.get(SSE_SUBSCRIPTIONS) ?? 0) === 0 && (m.get(POLLERS) ?? 0) === 0, 'the subscriptions to end');
}

const percentOfCore = (cpuMs: number, wallMs: number) => (100 * cpuMs) / wallMs;

/** CPU use of the gateway and of work outside the benchmark's processes, in a window, % of one core. */
function cpuOf(peers: Peers, gateway: Gateway): { stop(): { gatewayCpuPercent: number; otherCpuPercent: number; gatewayCpuMs: number } } {
  const window = cpuWindow([gateway.pid, peers.upstream.child.pid!, peers.subscribers.child.pid!]);
  return {
    stop() {
      const { processesMs, otherMs, wallMs } = window.stop();
      return { gatewayCpuPercent: percentOfCore(processesMs[0]!, wallMs), otherCpuPercent: percentOfCore(otherMs, wallMs), gatewayCpuMs: processesMs[0]! };
    },
  };
}

// ---- memory ------------------------------------------------------------------------------------------

export interface MemoryOptions {
  subscriptions: number;
  devices: number;
  /** How long after the last first event the memory is read (the spec of the figure: 2 s). */
  settleMs: number;
  /** LIVE_POLL_INTERVAL_MS; unset: the default (30 s), as in production. */
  intervalMs?: number;
  /**
   * Once memory is read, writes two heap snapshots of the gateway here: `subscribed.heapsnapshot` with
   * the subscriptions, `ended.heapsnapshot` once they have all ended. Their difference is what the
   * subscriptions retain. A snapshot collects all garbage first, so the heap used right after each is
   * the live heap: `retained` below.
   */
  heapSnapshotDir?: string;
}

export interface MemoryReading {
  rssKb: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** V8's large-object space (strings and arrays over ~128 KB): freed only by a full GC, so it tells whether one ran between two readings. */
  largeObjectBytes: number;
}

export interface MemoryResult extends MemoryOptions {
  baseline: MemoryReading;
  loaded: MemoryReading;
  rssKbPerSubscription: number;
  heapUsedKbPerSubscription: number;
  externalKbPerSubscription: number;
  /** Subscriptions and pollers the gateway's metrics counted when memory was read. */
  gaugedSubscriptions: number;
  gaugedPollers: number;
  /** From the first request to the last first event, s. */
  subscribeS: number;
  errorEvents: number;
  gatewayCpuPercent: number;
  otherCpuPercent: number;
  /** The gateway's CPU time from the first request to the reading ÷ subscriptions: what subscribing costs. */
  gatewayCpuMsPerSubscription: number;
  /**
   * With heap snapshots only: the V8 heap used just after each (garbage collected), with the
   * subscriptions and once they ended, and the difference per subscription: what they retain, whatever
   * the GC had or had not collected when RSS was read.
   */
  retained?: { subscribedHeapUsedBytes: number; endedHeapUsedBytes: number; heapKbPerSubscription: number };
}

async function readMemory(gateway: Gateway): Promise<{ reading: MemoryReading; metrics: Map<string, number> }> {
  // RSS first: reading /metrics allocates a little in the gateway.
  const { rss } = memoryKb(gateway.pid);
  const metrics = await gateway.metrics();
  return {
    reading: {
      rssKb: rss,
      heapUsedBytes: metrics.get('nodejs_heap_size_used_bytes') ?? NaN,
      heapTotalBytes: metrics.get('nodejs_heap_size_total_bytes') ?? NaN,
      externalBytes: metrics.get('nodejs_external_memory_bytes') ?? NaN,
      largeObjectBytes: metrics.get('nodejs_heap_space_size_used_bytes{space="large_object"}') ?? NaN,
    },
    metrics,
  };
}

/**
 * RSS (and V8 heap) growth per idle subscription. A warm-up first subscribes once to each device and
 * leaves, so one-time costs (modules loaded lazily, the document parsed and validated once, compiled
 * code) are in the baseline, not spread over the subscriptions. No GC is forced: this is what the
 * process holds, garbage not yet collected included.
 */
export async function measureMemory(peers: Peers, options: MemoryOptions): Promise<MemoryResult> {
  const env: Record<string, string> = options.intervalMs ? { LIVE_POLL_INTERVAL_MS: String(options.intervalMs) } : {};
  const dir = options.heapSnapshotDir;
  // https://nodejs.org/api/cli.html#--heapsnapshot-signalsignal, written to --diagnostic-dir.
  const gateway = await startGateway(peers, env, dir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] : []);
  try {
    await subscribeAll(peers, gateway, specs(options.devices, options.devices));
    await closeAll(peers, gateway);
    await sleep(options.settleMs);
    const { reading: baseline } = await readMemory(gateway);

    const cpu = cpuOf(peers, gateway);
    const started = performance.now();
    const status = await subscribeAll(peers, gateway, specs(options.subscriptions, options.devices));
    const subscribeS = (performance.now() - started) / 1000;
    await sleep(options.settleMs);
    const { reading: loaded, metrics } = await readMemory(gateway);
    const { gatewayCpuMs, ...cpuPercent } = cpu.stop();
    const per = (after: number, before: number, unit: number) => (after - before) / unit / options.subscriptions;
    const result: MemoryResult = {
      ...options,
      baseline,
      loaded,
      rssKbPerSubscription: per(loaded.rssKb, baseline.rssKb, 1),
      heapUsedKbPerSubscription: per(loaded.heapUsedBytes, baseline.heapUsedBytes, 1024),
      externalKbPerSubscription: per(loaded.externalBytes, baseline.externalBytes, 1024),
      gaugedSubscriptions: metrics.get(SSE_SUBSCRIPTIONS) ?? NaN,
      gaugedPollers: metrics.get(POLLERS) ?? NaN,
      subscribeS,
      errorEvents: status.errorEvents,
      ...cpuPercent,
      gatewayCpuMsPerSubscription: gatewayCpuMs / options.subscriptions,
    };
    if (!dir) return result;
    const subscribedHeapUsedBytes = await heapSnapshot(gateway, dir, 'subscribed');
    await closeAll(peers, gateway);
    const endedHeapUsedBytes = await heapSnapshot(gateway, dir, 'ended');
    const heapKbPerSubscription = per(subscribedHeapUsedBytes, endedHeapUsedBytes, 1024);
    return { ...result, retained: { subscribedHeapUsedBytes, endedHeapUsedBytes, heapKbPerSubscription } };
  } finally {
    await finish(peers, gateway);
  }
}

/**
 * Signals the gateway to write a heap snapshot into `dir`, waits until it has, and names it
 * `<name>.heapsnapshot`. Answers the V8 heap used just after: the live heap, the snapshot having
 * collected the garbage.
 */
async function heapSnapshot(gateway: Gateway, dir: string, name: string): Promise<number> {
  const existing = new Set(readdirSync(dir));
  process.kill(gateway.pid, 'SIGUSR2');
  const deadline = performance.now() + 120_000;
  let file: string | undefined;
  while (!(file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !existing.has(f)))) {
    if (performance.now() > deadline) throw new Error('the gateway wrote no heap snapshot within 120 s');
    await sleep(50);
  }
  // The snapshot is written on the main thread: the gateway answers again once it is complete.
  await fetch(gateway.url.replace('/graphql', '/health'), { signal: AbortSignal.timeout(120_000) });
  renameSync(join(dir, file), join(dir, `${name}.heapsnapshot`));
  return (await gateway.metrics()).get('nodejs_heap_size_used_bytes') ?? NaN;
}

// ---- fan-out -----------------------------------------------------------------------------------------

export interface FanOutOptions {
  subscribers: number;
  changes: number;
  /** LIVE_POLL_INTERVAL_MS (and the fast one): how soon a change upstream is detected. */
  intervalMs: number;
}

export interface Change {
  /** When the simulator answered the poll that carried the change (epoch ms). */
  detectedAt: number;
  /** From the PUT's answer to the detection: the poll's wait, not part of the figure. */
  waitedForPollMs: number;
  /** Arrival − detection at the first and last subscriber, ms. */
  firstMs: number;
  lastMs: number;
  /** Subscribers the event never reached within the timeout. */
  missing: number;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

export interface FanOutResult extends FanOutOptions {
  changeList: Change[];
  /** Over the changes: detection -> the first and the last subscriber's arrival. */
  first: Percentiles;
  last: Percentiles;
  /** Over every arrival of every change: detection -> arrival. */
  all: Percentiles;
  missing: number;
  gatewayCpuPercent: number;
  otherCpuPercent: number;
  /** The gateway's CPU time over the changes ÷ changes (its polls included: a few ms). */
  gatewayCpuMsPerChange: number;
}

/** Nearest-rank percentiles. */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: at(50), p99: at(99), max: sorted.at(-1) ?? NaN };
}

/** Writes `comment` on the wallbox straight at the simulator, as the partner's own app would: not through the gateway. */
async function changeUpstream(peers: Peers, device: { userId: string; id: string }, comment: string): Promise<void> {
  const { apiUrl, orgId } = peers.upstream;
  const response = await fetch(`${apiUrl}/org/${orgId}/users/${device.userId}/wallboxes/${device.id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ comment }),
  });
  if (response.status !== 200) throw new Error(`the upstream refused the change (HTTP ${response.status}): ${await response.text()}`);
}

/**
 * Subscribers all on one device; the device changes upstream `changes` times, each at a random point
 * of the poll interval, and each change is timed from the moment the simulator answered the poll GET
 * carrying it (the detection) to each subscriber's arrival of its event.
 */
export async function measureFanOut(peers: Peers, options: FanOutOptions): Promise<FanOutResult> {
  const interval = String(options.intervalMs);
  const gateway = await startGateway(peers, { LIVE_POLL_INTERVAL_MS: interval, LIVE_FAST_POLL_INTERVAL_MS: interval });
  const device = DEVICES[0]!;
  const runId = Math.random().toString(36).slice(2, 8);
  try {
    await subscribeAll(peers, gateway, specs(options.subscribers, 1));
    const cpu = cpuOf(peers, gateway);
    const changeList: Change[] = [];
    const arrivals: number[] = [];
    for (let k = 1; k <= options.changes; k++) {
      await sleep(Math.random() * options.intervalMs);
      const marker = `${MARKER_PREFIX}${runId} #${k}`;
      await changeUpstream(peers, device, marker);
      const written = now();
      const times = await peers.subscribers.call<number[]>('arrivals', { marker, count: options.subscribers, timeoutMs: options.intervalMs * 2 + 10_000 });
      const detectedAt = await peers.upstream.call<number | null>('detected', { marker });
      if (detectedAt === null) throw new Error(`no poll carried change #${k} to the gateway`);
      const latencies = times.map((t) => t - detectedAt);
      arrivals.push(...latencies);
      changeList.push({ detectedAt, waitedForPollMs: detectedAt - written, firstMs: Math.min(...latencies), lastMs: Math.max(...latencies), missing: options.subscribers - times.length });
    }
    const { gatewayCpuMs, ...cpuPercent } = cpu.stop();
    const result: FanOutResult = {
      ...options,
      changeList,
      first: percentiles(changeList.map((c) => c.firstMs)),
      last: percentiles(changeList.map((c) => c.lastMs)),
      all: percentiles(arrivals),
      missing: changeList.reduce((sum, c) => sum + c.missing, 0),
      ...cpuPercent,
      gatewayCpuMsPerChange: gatewayCpuMs / options.changes,
    };
    return result;
  } finally {
    await finish(peers, gateway);
  }
}

// ---- upstream calls ----------------------------------------------------------------------------------

export interface CallsOptions {
  subscriptions: number;
  devices: number;
  intervalMs: number;
  /** How many intervals the window lasts. */
  intervals: number;
}

export interface CallsResult extends CallsOptions {
  windowMs: number;
  /** Upstream GETs answered in the window, all routes. */
  gets: number;
  /** gets ÷ (window ÷ interval). */
  callsPerInterval: number;
  /** callsPerInterval ÷ devices: 1 when each device is read once per interval whatever its subscribers. */
  ratio: number;
  /** Distinct paths the GETs read, and the fewest and most GETs of one of them. */
  devicesPolled: number;
  minPerDevice: number;
  maxPerDevice: number;
  /** Events sent in the window (nothing changed upstream: 0). */
  events: number;
  gatewayCpuPercent: number;
  otherCpuPercent: number;
}

/**
 * Counts the simulator's GETs over `intervals` poll intervals once every subscriber has had its first
 * event and one more interval has passed (the reads subscribing caused are over by then).
 */
export async function measureCalls(peers: Peers, options: CallsOptions): Promise<CallsResult> {
  const interval = String(options.intervalMs);
  const gateway = await startGateway(peers, { LIVE_POLL_INTERVAL_MS: interval, LIVE_FAST_POLL_INTERVAL_MS: interval });
  try {
    await subscribeAll(peers, gateway, specs(options.subscriptions, options.devices));
    await sleep(options.intervalMs);
    const eventsBefore = (await gateway.metrics()).get('podero_live_events_total') ?? 0;
    const cpu = cpuOf(peers, gateway);
    const since = now();
    await sleep(options.intervals * options.intervalMs);
    const until = now();
    const { gatewayCpuPercent, otherCpuPercent } = cpu.stop();
    const eventsAfter = (await gateway.metrics()).get('podero_live_events_total') ?? 0;
    const gets = await peers.upstream.call<Answered[]>('answered', { method: 'GET', since, until });
    const perPath = new Map<string, number>();
    for (const get of gets) perPath.set(get.path, (perPath.get(get.path) ?? 0) + 1);
    const windowMs = until - since;
    const callsPerInterval = gets.length / (windowMs / options.intervalMs);
    return {
      ...options,
      windowMs,
      gets: gets.length,
      callsPerInterval,
      ratio: callsPerInterval / options.devices,
      devicesPolled: perPath.size,
      minPerDevice: Math.min(...perPath.values()),
      maxPerDevice: Math.max(...perPath.values()),
      events: eventsAfter - eventsBefore,
      gatewayCpuPercent,
      otherCpuPercent,
    };
  } finally {
    await finish(peers, gateway);
  }
}

// ---- the report --------------------------------------------------------------------------------------

export interface LiveResults {
  date: string;
  machine: Machine;
  mode: 'full' | 'quick';
  memory: MemoryResult;
  fanOut: FanOutResult;
  calls: CallsResult;
  targets: LiveTarget[];
  wallClockS: number;
}

export interface LiveTarget {
  name: string;
  measured: string;
  required: string;
  /** null: no verdict, for the reason in `note` (as `npm run bench` does for a disturbed measurement). */
  pass: boolean | null;
  note?: string;
}

const f = (digits: number) => (value: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const [f0, f1, f2] = [f(0), f(1), f(2)];
const n = (value: number) => value.toLocaleString('en-US');

/** Other work on the machine during a measurement, when it is enough to doubt a timing. */
function disturbance(otherCpuPercent: number): string | undefined {
  return otherCpuPercent > DISTURBED_OTHER_CPU_PERCENT ? `other work used ${f0(otherCpuPercent)} % of a core meanwhile` : undefined;
}

/**
 * A full GC between the two memory readings frees garbage the baseline held (the large objects only a
 * full GC frees shrink), and the growth then understates what the subscriptions hold. The bound adds
 * all of that garbage back, as if the subscriptions had held it: an upper bound the verdict is given on.
 */
function upperBound({ baseline, loaded, subscriptions, rssKbPerSubscription }: MemoryResult): { kb: number; note: string } | undefined {
  const freed = baseline.largeObjectBytes - loaded.largeObjectBytes;
  if (freed <= 1024 * 1024) return undefined;
  const kb = rssKbPerSubscription + freed / 1024 / subscriptions;
  return {
    kb,
    note: `a full GC between the readings freed ${f1(freed / 2 ** 20)} MiB of garbage the baseline held (large objects alone), so the growth understates; with all of it added back: ${f1(kb)} KB`,
  };
}

export function liveTargets({ memory, fanOut, calls }: Pick<LiveResults, 'memory' | 'fanOut' | 'calls'>): LiveTarget[] {
  const fanOutNote = fanOut.missing > 0 ? `${fanOut.missing} arrivals missing` : disturbance(fanOut.otherCpuPercent);
  const bound = upperBound(memory);
  const retained = memory.retained ? `; retained after GC: ${f1(memory.retained.heapKbPerSubscription)} KB` : '';
  return [
    {
      name: `memory per idle subscription (RSS growth ÷ ${n(memory.subscriptions)} SSE subscriptions, ${memory.devices} devices)`,
      measured: `${f1(memory.rssKbPerSubscription)} KB (V8 heap used: ${f1(memory.heapUsedKbPerSubscription)} KB${retained})`,
      required: '≤ 40 KB',
      pass: (bound?.kb ?? memory.rssKbPerSubscription) <= 40,
      ...(bound ? { note: bound.note } : {}),
    },
    {
      name: `fan-out: detected change → last of ${n(fanOut.subscribers)} subscribers, p99 of ${fanOut.changes} changes`,
      measured: `${f1(fanOut.last.p99)} ms (p50 ${f1(fanOut.last.p50)} ms)`,
      required: '≤ 100 ms',
      pass: fanOut.missing > 0 ? false : fanOutNote ? null : fanOut.last.p99 <= 100,
      ...(fanOutNote ? { note: fanOutNote } : {}),
    },
    {
      name: `upstream calls per interval, ${n(calls.subscriptions)} subscribers on ${calls.devices} devices`,
      measured: `${f2(calls.callsPerInterval)} (${f2(calls.ratio)} × devices; ${calls.devicesPolled} devices polled)`,
      required: `${calls.devices} (one per device)`,
      // Polls are jittered ±10 % and scheduled after each read: the count over a window rounds to the devices.
      pass: Math.round(calls.callsPerInterval) === calls.devices && calls.devicesPolled === calls.devices,
    },
  ];
}

export function liveMarkdown(results: LiveResults): string {
  const { memory: m, fanOut: o, calls: c, machine } = results;
  const mb = (kb: number) => f1(kb / 1024);
  const mib = (bytes: number) => f1(bytes / 2 ** 20);
  const verdict = (t: LiveTarget) => (t.pass === null ? `– ${t.note ?? ''}`.trim() : `${t.pass ? 'pass' : 'FAIL'}${t.note ? ` (${t.note})` : ''}`);
  return `${LIVE_START}
## Live subscriptions

Written by \`npm run bench:live\` ([bench/live.ts](bench/live.ts)); how each figure is measured:
[bench/README.md](bench/README.md#live-subscriptions). Raw figures: [bench/results/live.json](bench/results/live.json).

**Machine and run:** ${machine.cores} cores (${machine.cpuModel}), ${f0(machine.memoryGb)} GB RAM, ${machine.os}, Node ${machine.node}; ${results.date}; ${results.mode} mode. Whole run: ${f0(results.wallClockS)} s.

| Target (gateway) | Measured | Required | Result |
|---|---|---|---|
${results.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.required} | ${verdict(t)} |`).join('\n')}

**Memory** (poll interval ${m.intervalMs ? `${m.intervalMs} ms` : 'the default, 30 s'}; read ${m.settleMs / 1000} s after the last first event, no forced GC):

| | RSS MB | V8 heap used MiB | V8 heap total MiB | of which large objects MiB | external MiB |
|---|---:|---:|---:|---:|---:|
| after warm-up, 0 subscriptions | ${mb(m.baseline.rssKb)} | ${mib(m.baseline.heapUsedBytes)} | ${mib(m.baseline.heapTotalBytes)} | ${mib(m.baseline.largeObjectBytes)} | ${mib(m.baseline.externalBytes)} |
| ${n(m.gaugedSubscriptions)} subscriptions, ${m.gaugedPollers} pollers | ${mb(m.loaded.rssKb)} | ${mib(m.loaded.heapUsedBytes)} | ${mib(m.loaded.heapTotalBytes)} | ${mib(m.loaded.largeObjectBytes)} | ${mib(m.loaded.externalBytes)} |
| per subscription, KB | ${f1(m.rssKbPerSubscription)} | ${f1(m.heapUsedKbPerSubscription)} | | | ${f1(m.externalKbPerSubscription)} |
${
  m.retained
    ? `| after a full GC (heap snapshots, taken after the readings above): with them / once they ended | | ${mib(m.retained.subscribedHeapUsedBytes)} / ${mib(m.retained.endedHeapUsedBytes)} | | | |
| retained per subscription, KB | | ${f1(m.retained.heapKbPerSubscription)} | | | |
`
    : ''
}
Subscribing all took ${f1(m.subscribeS)} s; gateway CPU ${f2(m.gatewayCpuMsPerSubscription)} ms per subscription (${f0(m.gatewayCpuPercent)} % of a core), other work ${f0(m.otherCpuPercent)} %.

**Fan-out** (${n(o.subscribers)} subscribers on one wallbox, poll interval ${o.intervalMs} ms, ${o.changes} changes written straight at the simulator):

| detected change → | p50 ms | p99 ms | max ms |
|---|---:|---:|---:|
| first subscriber's event, per change | ${f1(o.first.p50)} | ${f1(o.first.p99)} | ${f1(o.first.max)} |
| last subscriber's event, per change | ${f1(o.last.p50)} | ${f1(o.last.p99)} | ${f1(o.last.max)} |
| every subscriber's event (${n(o.changeList.length * o.subscribers - o.missing)} arrivals) | ${f1(o.all.p50)} | ${f1(o.all.p99)} | ${f1(o.all.max)} |

Missing arrivals: ${o.missing}. Gateway CPU ${f0(o.gatewayCpuMsPerChange)} ms per change (${f0(o.gatewayCpuPercent)} % of a core), other work ${f0(o.otherCpuPercent)} %.

**Upstream calls** (${n(c.subscriptions)} subscribers on ${c.devices} wallboxes, poll interval ${c.intervalMs} ms): ${c.gets} GETs in
${f2(c.windowMs / 1000)} s = ${f2(c.callsPerInterval)} per interval; ${c.devicesPolled} distinct paths read, ${c.minPerDevice}–${c.maxPerDevice} times each;
${c.events} events sent (nothing changed). Gateway CPU ${f0(c.gatewayCpuPercent)} % of a core, other work ${f0(c.otherCpuPercent)} %.
${LIVE_END}`;
}

/** Puts the live section into BENCHMARKS.md: in place of the one there, else at its end. */
function writeLiveSection(section: string): void {
  const file = join(ROOT, 'BENCHMARKS.md');
  let current: string;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = '# Benchmarks\n';
  }
  const start = current.indexOf(LIVE_START);
  const end = current.indexOf(LIVE_END, start);
  const next = start !== -1 && end !== -1 ? current.slice(0, start) + section + current.slice(end + LIVE_END.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

// ---- the command -------------------------------------------------------------------------------------

const SCALE = {
  full: { subscriptions: 2000, devices: 10, fanOutSubscribers: 1000, changes: 20, fanOutIntervalMs: 500, callsIntervalMs: 1000, intervals: 12 },
  quick: { subscriptions: 20, devices: 2, fanOutSubscribers: 20, changes: 3, fanOutIntervalMs: 200, callsIntervalMs: 200, intervals: 10 },
};

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      'max-minutes': { type: 'string', default: '4' },
      'heap-snapshots': { type: 'string' },
    },
  });
  const abort = (reason: string, code: number) => {
    killAll();
    process.stderr.write(`\nbench:live: ${reason}; every child process was killed.\n`);
    process.exit(code);
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  const maxMinutes = Number(flags['max-minutes']);
  setTimeout(() => abort(`the run exceeded --max-minutes ${maxMinutes}`, 1), maxMinutes * 60_000).unref();

  const mode = flags.quick ? 'quick' : 'full';
  const s = SCALE[mode];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const begun = performance.now();
  const peers = await startPeers();
  log(`bench:live (${mode}): memory, ${s.subscriptions} subscriptions over ${s.devices} devices…`);
  // The snapshots give the retained heap beside the RSS figure; they are kept only when asked for.
  const keep = flags['heap-snapshots'];
  const heapSnapshotDir = keep ?? mkdtempSync(join(os.tmpdir(), 'bench-live-heap-'));
  mkdirSync(heapSnapshotDir, { recursive: true });
  const memory = await measureMemory(peers, { subscriptions: s.subscriptions, devices: s.devices, settleMs: 2000, heapSnapshotDir }).finally(() => {
    if (!keep) rmSync(heapSnapshotDir, { recursive: true, force: true });
  });
  log(`  ${f1(memory.rssKbPerSubscription)} KB RSS per subscription; fan-out, ${s.fanOutSubscribers} subscribers × ${s.changes} changes…`);
  const fanOut = await measureFanOut(peers, { subscribers: s.fanOutSubscribers, changes: s.changes, intervalMs: s.fanOutIntervalMs });
  log(`  last subscriber p99 ${f1(fanOut.last.p99)} ms; upstream calls over ${s.intervals} intervals of ${s.callsIntervalMs} ms…`);
  const calls = await measureCalls(peers, { subscriptions: s.subscriptions, devices: s.devices, intervalMs: s.callsIntervalMs, intervals: s.intervals });
  await stopPeers(peers);

  const measured = { memory, fanOut, calls };
  const results: LiveResults = { date: new Date().toISOString(), machine: machine(), mode, ...measured, targets: liveTargets(measured), wallClockS: (performance.now() - begun) / 1000 };
  const section = liveMarkdown(results);
  process.stdout.write(`\n${section.slice(LIVE_START.length, -LIVE_END.length).trim()}\n`);
  if (!flags['no-write']) {
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/live.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeLiveSection(section);
    log('\nwrote the "Live subscriptions" section of BENCHMARKS.md and bench/results/live.json');
  }
}

// Run as a command, not when the test imports the measuring functions.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    killAll();
    process.stderr.write(`\nbench:live failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
