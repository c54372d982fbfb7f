// Where one request's CPU goes: the gateway under the benchmark's load, profiled with V8's sampling
// profiler for a measured window only, and every sample charged to a layer (HTTP adapter, yoga's
// pipeline, each plugin, Pothos, graphql-js, loaders, undici, logging, metrics ...). The per-layer
// table in bench/README.md is read from runs of this script, beside A/B runs of bench/ab.ts.
//
//   npm run build && npx tsx bench/profile.ts [--connections 100] [--seconds 10] [--delay 0] [--env NAME=value ...]
//     [--by layer|module|function] [--allocations | --survivors] [--gc] [--callers NAME] [--server FILE]
//
// --allocations: bytes allocated per request instead of CPU. --survivors: bytes per request of the objects
// that outlived a scavenge, by where they were allocated. --gc: V8's own young-generation figures for the
// window (scavenges, KiB promoted and allocated per request, mark-compacts), one line above the table.
//
// How a sample is charged: to the innermost frame of its stack that belongs to a module of the bundle
// (the bundle's source maps name each function's original file) or to a layer of Node itself (the HTTP server
// and parser, sockets). Node's internals called from a module are charged to that module: the socket
// writes undici makes are undici's. Samples with no such frame are V8's own: GC, or `(program)` (native
// code outside any JavaScript frame, e.g. the HTTP parser's C side and libuv).
//
// The profiler is started over the inspector protocol after the warm-up and stopped at the window's
// end, so start-up and first compiles do not count. Sampling costs a little CPU itself (every 250 µs).
//
// What survives young-generation collections, two ways. `--gc` is V8's own figures, how much: the server
// runs with --trace-gc-nvp, and the lines it prints in the measured window (kept in memory; the whole
// output also goes to /tmp/profile-server.log) give the scavenges, the bytes they promoted (`promoted=`)
// and the bytes allocated (`allocated=`), per request, and the mark-compacts. `--survivors` is where: the
// sampling heap profile of `--allocations`, started with includeObjectsCollectedByMinorGC: false, so a
// sampled object that a scavenge frees is dropped, and the table charges per request the objects that
// outlived a scavenge (promoted, or still alive at the end) to the code that allocated them, i.e. the code
// that keeps them. The server runs with --expose-gc for it: one more scavenge, after the window (outside
// `--gc`'s figures), judges what was allocated since the last one. Its total is not V8's figure: it is a
// sample (every 8 KB on average); it counts the objects still alive at the window's end too (at c=100 a
// request lives about as long as the interval between scavenges, so more of them); and it counts objects
// V8 allocates straight into the old generation, which no scavenge sees and `promoted=` leaves out. (The
// gateway at c=10: about 2 KB per request in all, against 1.1 KiB promoted.) Read `--gc` for how much,
// `--survivors` for where.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { runLoad, type RequestCounter } from './load.js';
import { cpuMs, memoryKb, resetPeak } from './proc-stats.js';
import { startFlags } from './start-command.js';
import { ROOT, freePort, killAll, serverEnv, setUpstreamDelay, startUpstream, stop, track, waitForOutput } from './processes.js';
import { graphqlBody, graphqlTarget, requestVariables } from './workload.js';

const { values: flags } = parseArgs({
  options: {
    connections: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '4' },
    delay: { type: 'string', default: '0' },
    env: { type: 'string', multiple: true, default: [] },
    top: { type: 'string', default: '25' },
    // 'layer' (the table of bench/README.md), 'module' (each file of the bundle) or 'function'.
    by: { type: 'string', default: 'layer' },
    // A function name: prints the stacks (5 frames) the samples in it were taken in, instead of the table.
    callers: { type: 'string' },
    // Bytes allocated per request instead of CPU, from V8's sampling heap profiler (every 8 KB on average).
    allocations: { type: 'boolean', default: false },
    // Bytes per request of the objects that outlived a scavenge, by where they were allocated (implies the allocation mode).
    survivors: { type: 'boolean', default: false },
    // V8's young-generation figures for the window, from --trace-gc-nvp: scavenges, KiB promoted and allocated per request, mark-compacts.
    gc: { type: 'boolean', default: false },
    // Another server's entry (e.g. bench/baselines/dist/mercurius-jit.js after `npm run build:baselines`), to compare layers.
    server: { type: 'string', default: 'dist/main.js' },
    // Node flags for the server, e.g. --node-flag=--trace-gc (its output is written to /tmp/profile-server.log).
    'node-flag': { type: 'string', multiple: true, default: [] },
    // A fixed operation sent instead of the benchmark's (e.g. '{ __typename }': the gateway without upstream calls).
    query: { type: 'string' },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Per bundle file (dist/main.js and its chunks), its source map: which original file each position
 * comes from (Node's own reader, https://nodejs.org/api/module.html#class-modulesourcemap). Empty for
 * a server that is not bundled (the baselines).
 */
function moduleIndex(root: string): Map<string, SourceMap> {
  const index = new Map<string, SourceMap>();
  if (!existsSync(join(root, 'dist/chunks'))) return index;
  const files = ['dist/main.js', ...readdirSync(join(root, 'dist/chunks')).filter((f) => f.endsWith('.js')).map((f) => `dist/chunks/${f}`)];
  for (const file of files) {
    if (existsSync(join(root, `${file}.map`))) index.set(file, new SourceMap(JSON.parse(readFileSync(join(root, `${file}.map`), 'utf8')) as SourceMapPayload));
  }
  return index;
}

/** The layer a module path (node_modules/… or src/…) belongs to. */
function layerOfModule(path: string): string {
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (pkg) {
    const [, name, rest] = pkg as unknown as [string, string, string];
    if (name === 'graphql') {
      if (rest.startsWith('language/')) return 'graphql-js: parse/print';
      if (rest.startsWith('validation/')) return 'graphql-js: validate';
      if (rest.startsWith('execution/')) return 'graphql-js: execute (interpreted)';
      return 'graphql-js: other (types, utilities)';
    }
    if (name.startsWith('@whatwg-node/')) return 'HTTP adapter (@whatwg-node: Request/Response/Headers)';
    if (name === 'graphql-yoga' || name.startsWith('@envelop/') || name.startsWith('@graphql-yoga/')) return 'yoga + envelop pipeline';
    if (name === '@pothos/plugin-scope-auth') return 'Pothos scope auth';
    if (name.startsWith('@pothos/')) return 'Pothos field wrappers';
    if (name === 'graphql-jit' || name === 'fast-json-stringify' || name === 'generate-function') return 'graphql-jit (compiled execution)';
    if (name === 'pino' || name === 'sonic-boom' || name === 'pino-std-serializers' || name === 'fast-redact' || name === 'quick-format-unescaped' || name === 'atomic-sleep')
      return 'logging (pino)';
    if (name === 'prom-client' || name === 'tdigest' || name === 'bintrees') return 'metrics (prom-client)';
    if (name === 'graphql-scalars') return 'scalars (graphql-scalars)';
    return name;
  }
  const src = /^src\/(.*)\.ts$/.exec(path)?.[1] ?? path;
  if (src.startsWith('plugins/')) return `plugin ${src.slice('plugins/'.length)}`;
  if (src.startsWith('schema/')) return 'resolvers (src/schema)';
  if (src === 'upstream/decode' || src.startsWith('upstream/devices/')) return 'decoding (src/upstream)';
  if (src.startsWith('upstream/')) return 'upstream client (src/upstream)';
  if (src === 'context' || src === 'loaders' || src.startsWith('caller/')) return 'context, caller, loaders';
  if (src.startsWith('observability/metrics')) return 'metrics (src/observability)';
  if (src === 'server') return 'HTTP front (src/server.ts)';
  return `src/${src}`;
}

/** Node's own modules that count as a layer when nothing of the bundle is above them. */
function layerOfNode(url: string): string | undefined {
  if (/^node:_http_|^node:internal\/http|^node:http$/.test(url)) return 'Node HTTP server';
  if (/^node:net$|^node:internal\/stream_base|^node:internal\/streams|^node:stream/.test(url)) return 'Node sockets/streams';
  return undefined;
}

function attribute(profile: Profile, index: Map<string, SourceMap>): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const moduleOf = (frame: ProfileNode['callFrame']): string | undefined => {
    // A server that is not bundled (the baselines) runs its dependencies from node_modules as they are.
    const unbundled = /\/(node_modules\/.*)$/.exec(frame.url)?.[1];
    if (unbundled) return unbundled;
    const file = /\/(dist\/(?:chunks\/)?[^/]+\.js)$/.exec(frame.url)?.[1];
    const map = file && index.get(file);
    if (!map) return undefined;
    // The function's first position names its original file; a checkout whose node_modules is a link
    // names them by their real path (../../<checkout>/node_modules/…).
    const source = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
    return /(?:^|\/)((?:node_modules|src)\/.*)$/.exec(source.originalSource ?? '')?.[1];
  };
  const layerCache = new Map<number, string>();
  const layerOf = (id: number): string => {
    const cached = layerCache.get(id);
    if (cached) return cached;
    let layer: string | undefined;
    let firstNode: string | undefined;
    for (let at: number | undefined = id; at !== undefined && !layer; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const path = moduleOf(frame);
      if (path) layer = flags.by === 'module' ? path : flags.by === 'function' ? `${path} ${frame.functionName || '(anonymous)'}:${frame.lineNumber + 1}` : layerOfModule(path);
      else firstNode ??= layerOfNode(frame.url);
      if (!layer && /^\((garbage collector|program|idle)\)$/.test(frame.functionName)) layer = `V8 ${frame.functionName}`;
    }
    layer ??= firstNode ?? 'Node other';
    layerCache.set(id, layer);
    return layer;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const layer = layerOf(id);
    totals.set(layer, (totals.get(layer) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
}

/** The stacks, five frames deep, of the samples taken in a function of this name, most frequent first. */
function callers(profile: Profile, name: string): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<string, number>();
  for (const id of profile.samples) {
    if (!byId.get(id)!.callFrame.functionName.includes(name)) continue;
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined && frames.length < 5; at = parent.get(at)) {
      const { functionName, lineNumber } = byId.get(at)!.callFrame;
      frames.push(`${functionName || '(anonymous)'}:${lineNumber + 1}`);
    }
    const key = frames.join(' < ');
    stacks.set(key, (stacks.get(key) ?? 0) + 1);
  }
  return `${[...stacks.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([stack, n]) => `${n}\t${stack}`).join('\n')}\n`;
}

interface AllocationNode {
  id: number;
  callFrame: ProfileNode['callFrame'];
  selfSize: number;
  children: AllocationNode[];
}

/**
 * V8's young-generation figures in --trace-gc-nvp output (one line per collection): scavenges (`gc=s`)
 * with the bytes they promoted and the bytes allocated since the previous collection, and mark-compacts
 * (`gc=mc`). The fields are matched whole: every line also has `nodes_promoted=`.
 */
function gcFigures(text: string): { scavenges: number; promoted: number; allocated: number; markCompacts: number } {
  const figures = { scavenges: 0, promoted: 0, allocated: 0, markCompacts: 0 };
  for (const line of text.split('\n')) {
    if (/ gc=mc /.test(line)) figures.markCompacts++;
    if (!/ gc=s /.test(line)) continue;
    figures.scavenges++;
    figures.promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
    figures.allocated += Number(/ allocated=(\d+)/.exec(line)?.[1] ?? 0);
  }
  return figures;
}

/**
 * The sampling heap profile in the CPU profile's shape, so one attribution serves both: a node's bytes
 * allocated are its "time" (in thousandths, since the table divides by 1000: the table's µs are bytes).
 */
function allocationsAsSamples(head: AllocationNode): Profile {
  const nodes: ProfileNode[] = [];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const visit = (node: AllocationNode) => {
    nodes.push({ id: node.id, callFrame: node.callFrame, children: node.children.map((c) => c.id) });
    if (node.selfSize > 0) {
      samples.push(node.id);
      timeDeltas.push(node.selfSize);
    }
    node.children.forEach(visit);
  };
  visit(head);
  return { nodes, samples, timeDeltas };
}

/** A minimal Chrome DevTools protocol client over the inspector's WebSocket. */
async function inspector(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let next = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse((data as Buffer).toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  return {
    send: <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve) => {
        const id = ++next;
        pending.set(id, resolve as (r: unknown) => void);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

async function main(): Promise<void> {
  const connections = Number(flags.connections);
  const allocationMode = flags.allocations || flags.survivors;
  const upstream = await startUpstream();
  await setUpstreamDelay(upstream, Number(flags.delay));
  const port = await freePort();
  const env: Record<string, string> = serverEnv(upstream, port);
  for (const pair of flags.env) {
    const at = pair.indexOf('=');
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  // A gateway build runs with its checkout's npm start flags (package.json next to its dist/), before any given here; a baseline with none.
  const serverFlags = startFlags(resolve(ROOT, dirname(flags.server), '..'));
  const child = track(spawn(process.execPath, ['--inspect=127.0.0.1:0', ...serverFlags, ...(flags.gc ? ['--trace-gc-nvp'] : []), ...(flags.survivors ? ['--expose-gc'] : []), ...flags['node-flag'], flags.server], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const [wsUrl] = await waitForOutput(child, /ws:\/\/\S+/, flags.server);
  const log = createWriteStream('/tmp/profile-server.log');
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  // With --gc, V8's GC lines (on the server's stdout, among the access log's) are kept here, whole lines
  // only, and the window's part of them read at the end.
  let gcOutput = '';
  let partial = '';
  if (flags.gc) {
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.includes(' gc=')) gcOutput += `${line}\n`;
    });
  }
  const url = `http://127.0.0.1:${port}/graphql`;
  // Node prints the inspector's address before it loads the entry: a server that then fails to start must end the wait.
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${flags.server} exited before it answered (its output: /tmp/profile-server.log)`);
    if (performance.now() > deadline) throw new Error(`${flags.server} gave no successful answer within 30 s (its output: /tmp/profile-server.log)`);
    const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: graphqlBody(requestVariables(0)) }).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const counter: RequestCounter = { next: 1 };
  const target = graphqlTarget(url, { query: flags.query });
  const cdp = await inspector(wsUrl);
  const memory = async () =>
    JSON.parse(
      (await cdp.send<{ result: { value: string } }>('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())' })).result.value,
    ) as { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  const idleMemory = { ...(await memory()), rssKb: memoryKb(child.pid!).rss };
  resetPeak(child.pid!);
  await runLoad(target, { connections, durationS: Number(flags.warmup), counter });
  let profile: Profile;
  let measured: Awaited<ReturnType<typeof runLoad>>;
  const cpuBefore = cpuMs(child.pid!);
  // Where the window's GC lines start and end in gcOutput; the end is read after a round trip to the
  // server, so that the lines it printed before the load stopped have arrived.
  let gcFrom: number;
  let gcTo: number;
  const gcMark = async () => (await cdp.send('Runtime.evaluate', { expression: '0' }), gcOutput.length);
  if (allocationMode) {
    await cdp.send('HeapProfiler.enable');
    // --survivors: a sampled object a scavenge frees is dropped from the profile; one a mark-compact frees is kept.
    await cdp.send('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !flags.survivors });
    gcFrom = gcOutput.length;
    measured = await runLoad(target, { connections, durationS: Number(flags.seconds), counter });
    gcTo = await gcMark();
    // --survivors: a scavenge (after the window, outside --gc's figures) judges what was allocated since the
    // last one; without it, everything in the young generation at the end would count as having survived.
    if (flags.survivors) await cdp.send('Runtime.evaluate', { expression: "gc({ type: 'minor' })" });
    const { profile: sampled } = await cdp.send<{ profile: { head: AllocationNode } }>('HeapProfiler.stopSampling');
    profile = allocationsAsSamples(sampled.head);
  } else {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    await cdp.send('Profiler.start');
    gcFrom = gcOutput.length;
    measured = await runLoad(target, { connections, durationS: Number(flags.seconds), counter });
    gcTo = await gcMark();
    ({ profile } = await cdp.send<{ profile: Profile }>('Profiler.stop'));
  }
  const processMs = cpuMs(child.pid!) - cpuBefore;
  const loaded = { ...(await memory()), rssKb: memoryKb(child.pid!).rss, hwmKb: memoryKb(child.pid!).hwm };
  const gc = gcFigures(gcOutput.slice(gcFrom, gcTo));
  await cdp.send('HeapProfiler.collectGarbage');
  const collected = await memory();
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  process.stderr.write(
    `memory (MiB)   idle: RSS ${mb(idleMemory.rssKb * 1024)}, heap used ${mb(idleMemory.heapUsed)} of ${mb(idleMemory.heapTotal)}, external ${mb(idleMemory.external)}, array buffers ${mb(idleMemory.arrayBuffers)}\n` +
      `   end of load: RSS ${mb(loaded.rssKb * 1024)} (peak ${mb(loaded.hwmKb * 1024)}), heap used ${mb(loaded.heapUsed)} of ${mb(loaded.heapTotal)}, external ${mb(loaded.external)}, array buffers ${mb(loaded.arrayBuffers)}\n` +
      `   after a full GC: heap used ${mb(collected.heapUsed)} of ${mb(collected.heapTotal)}, array buffers ${mb(collected.arrayBuffers)}\n`,
  );
  cdp.close();
  await stop(child);
  await stop(upstream.child);

  const requests = measured.requests;
  const kb = (bytes: number) => (bytes / 1024 / requests).toFixed(1);
  const gcLine = flags.gc
    ? `young generation (V8, --trace-gc-nvp): ${gc.scavenges} scavenge${gc.scavenges === 1 ? '' : 's'} and ${gc.markCompacts} mark-compact${gc.markCompacts === 1 ? '' : 's'} in the window; ` +
      `per request ${kb(gc.promoted)} KiB promoted of ${kb(gc.allocated)} KiB allocated\n`
    : '';
  if (flags.callers) return void process.stdout.write(gcLine + callers(profile, flags.callers));
  // Another checkout's build (e.g. --server /tmp/before/dist/main.js) is read with its own source maps.
  const totals = attribute(profile, moduleIndex(dirname(dirname(resolve(ROOT, flags.server)))));
  const idle = totals.get('V8 (idle)') ?? 0;
  totals.delete('V8 (idle)');
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(flags.top));
  const out = [
    `${requests} requests in ${flags.seconds} s at c=${connections}, upstream ${flags.delay} ms: ${measured.rps.toFixed(0)} req/s, process CPU ${(processMs / requests).toFixed(3)} ms/request ` +
      `(main thread sampled busy ${(busy / requests).toFixed(3)} ms/request; idle ${((100 * idle) / (idle + busy)).toFixed(0)} % of the window); ` +
      `${measured.mismatches + measured.non2xx + measured.errors} answers with errors or failed`,
    ...(flags.gc ? [gcLine.trimEnd()] : []),
    '',
    flags.survivors
      ? '| layer | bytes per request that outlived a scavenge | share |'
      : flags.allocations
        ? '| layer | bytes allocated per request | share |'
        : '| layer | µs per request | share of sampled CPU |',
    '|---|--:|--:|',
    ...rows.map(([layer, ms]) => `| ${layer} | ${((1000 * ms) / requests).toFixed(0)} | ${((100 * ms) / busy).toFixed(1)} % |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  killAll();
  process.stderr.write(`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
