// A/B: variants of the gateway — other environment, other node flags, another build — measured in
// alternating windows against one upstream, so that a machine's drift hits every variant alike. The
// figures of the README's "Performance and scale-out" section (the levers, the heap flags, what tracing,
// caller authentication and compression cost) are medians of runs of this script.
//
//   npx tsx bench/ab.ts --preset costs [--connections 100] [--windows 10] [--seconds 2]
//   npx tsx bench/ab.ts --preset heap
//   npx tsx bench/ab.ts --preset compression                # the benchmark query (~1.2 KB of JSON)
//   npx tsx bench/ab.ts --preset compression-introspection  # GraphiQL's introspection (~190 KB)
//   npx tsx bench/ab.ts --variants '[{"name":"before","cwd":"/tmp/old-checkout"},{"name":"now"}]'
//
// Each variant runs `node <its checkout's npm start flags> [its flags] dist/main.js` in its `cwd` (this
// checkout by default: run `npm run build` first) with the environment the benchmark gives every server
// (serverEnv) plus its own. Its flags come after npm start's, so they win (`--max-semi-space-size=0`:
// V8's own size).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getIntrospectionQuery } from 'graphql';
import { request } from 'undici';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { runLoad, type LoadTarget } from './load.js';
import { cpuMs, memoryKb, resetPeak } from './proc-stats.js';
import { startFlags } from './start-command.js';
import { ROOT, freePort, killAll, serverEnv, setUpstreamDelay, startUpstream, stop, track } from './processes.js';
import { graphqlTarget } from './workload.js';

interface Variant {
  name: string;
  env?: Record<string, string>;
  /** Node flags, e.g. ["--max-old-space-size=96"]. */
  flags?: string[];
  /** The checkout whose dist/main.js runs (another build); this one by default. */
  cwd?: string;
  /** Request headers (a caller's token, an Accept-Encoding). */
  headers?: Record<string, string>;
  /** Sent in every request instead of the benchmark query with fresh variables (e.g. introspection). */
  query?: string;
}

const { values: options } = parseArgs({
  options: {
    preset: { type: 'string' },
    variants: { type: 'string' },
    connections: { type: 'string', default: '100' },
    windows: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '2' },
    delay: { type: 'string', default: '0' },
  },
});
const connections = Number(options.connections);
const windows = Number(options.windows);
const seconds = Number(options.seconds);

// An identity provider's key set and an OTLP receiver, for the `costs` preset.
const { publicKey, privateKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
const aux = createServer((req, res) => {
  if (req.url === '/jwks') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  req.resume().on('end', () => void res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise<void>((resolve) => aux.listen(0, '127.0.0.1', resolve));
const auxUrl = `http://127.0.0.1:${(aux.address() as { port: number }).port}`;
const token = await new SignJWT({ podero_role: 'staff' })
  .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
  .setSubject('bench-staff')
  .setIssuer('https://idp.example')
  .setAudience('gateway')
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(privateKey);

// Compression: each encoding against none, with compression forced on the benchmark query's ~1.2 KB
// (COMPRESSION_MIN_BYTES=0; the default threshold leaves it as it is, which `default` measures).
const ACCEPT_BOTH = { 'accept-encoding': 'gzip, deflate, br' };
const compression = (query?: string): Variant[] => [
  { name: 'off', env: { COMPRESSION: 'false' }, headers: ACCEPT_BOTH, query },
  { name: 'default', headers: ACCEPT_BOTH, query },
  { name: 'br', env: { COMPRESSION_MIN_BYTES: '0' }, headers: { 'accept-encoding': 'br' }, query },
  { name: 'gzip', env: { COMPRESSION_MIN_BYTES: '0' }, headers: { 'accept-encoding': 'gzip' }, query },
];

const PRESETS: Record<string, Variant[]> = {
  costs: [
    { name: 'default' },
    { name: 'tracing', env: { OTEL_EXPORTER_OTLP_ENDPOINT: auxUrl } },
    {
      name: 'caller-auth',
      // With caller authentication each caller gets a budget of 600 upstream calls a minute by default, and
      // the load is one token: the budget stays on (its cost is part of this variant's), set above the load.
      env: { AUTH_JWKS_URL: `${auxUrl}/jwks`, AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'gateway', RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: '1000000' },
      headers: { authorization: `Bearer ${token}` },
    },
  ],
  heap: [
    { name: 'default' },
    { name: 'semi-v8', flags: ['--max-semi-space-size=0'] },
    { name: 'semi4', flags: ['--max-semi-space-size=4'] },
    { name: 'old96', flags: ['--max-old-space-size=96'] },
    { name: 'semi8+old64', flags: ['--max-semi-space-size=8', '--max-old-space-size=64'] },
    { name: 'semi64', flags: ['--max-semi-space-size=64'] },
  ],
  compression: compression(),
  'compression-introspection': compression(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true })).filter((v) => v.name !== 'default'),
};
const variants: Variant[] = options.variants ? (JSON.parse(options.variants) as Variant[]) : (PRESETS[options.preset ?? ''] ?? []);
if (variants.length === 0) throw new Error(`name --preset (${Object.keys(PRESETS).join(', ')}) or --variants '<json>'`);

const upstream = await startUpstream();
await setUpstreamDelay(upstream, Number(options.delay));
const counter = { next: 40_000_000 };
try {
  const running = [];
  for (const variant of variants) {
    const port = await freePort();
    const child = track(
      spawn(process.execPath, [...startFlags(variant.cwd ?? ROOT), ...(variant.flags ?? []), 'dist/main.js'], {
        cwd: variant.cwd ?? ROOT,
        env: { ...serverEnv(upstream, port), ...variant.env },
        // stdout a pipe that is read and dropped, as a container's log driver or `npm run bench` reads it
        // (to /dev/null, Node would write each log line with a blocking write of its own).
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    child.stdout.resume();
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 400 && !(await fetch(`${url}/ready`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
    const target = graphqlTarget(`${url}/graphql`, { query: variant.query, headers: variant.headers });
    const answered = target.verifyBody;
    const wire = await onTheWire(target, answered);
    // autocannon does not decode: with an Accept-Encoding, an answer that is not plain JSON counts as
    // compressed (one was decoded above). The benchmark query's answers straddle the default threshold.
    if (variant.headers?.['accept-encoding']) target.verifyBody = (body: string) => answered(body) || !body.startsWith('{');
    await runLoad(target, { connections, durationS: 2, counter }); // warm-up
    running.push({ variant, child, pid: child.pid!, target, wire, rows: [] as { rps: number; p50: number; cpuPerRequest: number; peakMb: number; failed: number }[] });
  }
  for (let w = 0; w < windows; w++) {
    for (const r of running) {
      resetPeak(r.pid);
      const cpu = cpuMs(r.pid);
      const result = await runLoad(r.target, { connections, durationS: seconds, counter });
      r.rows.push({
        rps: result.rps,
        p50: result.p50Ms,
        cpuPerRequest: (cpuMs(r.pid) - cpu) / result.requests,
        peakMb: memoryKb(r.pid).hwm / 1024,
        failed: result.errors + result.non2xx + result.mismatches,
      });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`medians of ${windows} alternating windows of ${seconds} s, c=${connections}, upstream ${options.delay} ms:`);
  for (const { variant, rows, wire } of running) {
    const m = (key: keyof (typeof rows)[number]) => median(rows.map((row) => row[key]));
    console.log(
      `${variant.name.padEnd(14)} ${m('rps').toFixed(0).padStart(6)} req/s  p50 ${m('p50').toFixed(2)} ms  CPU ${m('cpuPerRequest').toFixed(3)} ms/req  peak RSS ${m('peakMb').toFixed(0)} MB  failed ${rows.reduce((n, row) => n + row.failed, 0)}  body ${wire.bytes} B ${wire.encoding}`,
    );
  }
  for (const r of running) await stop(r.child);
} finally {
  await stop(upstream.child);
  killAll();
  aux.close();
}

/** One request as the load sends it, read as it travels (undici's `request` does not decode): its encoding and size, checked to decode to an answer. */
async function onTheWire(target: LoadTarget, answered: (body: string) => boolean): Promise<{ encoding: string; bytes: number }> {
  const { path, body } = target.request(counter.next++);
  const response = await request(`${target.origin}${path}`, { method: 'POST', headers: target.headers, body });
  const raw = Buffer.from(await response.body.arrayBuffer());
  const encoding = String(response.headers['content-encoding'] ?? 'identity');
  const text = (encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw).toString();
  if (response.statusCode !== 200 || !answered(text)) throw new Error(`not an answer (${response.statusCode}, ${encoding}): ${text.slice(0, 300)}`);
  return { encoding, bytes: raw.length };
}
