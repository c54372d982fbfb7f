// A/B: variants of the gateway — other environment, other node flags, another build — measured in
// alternating windows against one upstream, so that a machine's drift hits every variant alike. The
// figures of the README's "Performance and scale-out" section (the levers, the heap flags, what tracing
// and caller authentication cost) are medians of runs of this script.
//
//   npx tsx bench/ab.ts --preset costs [--connections 100] [--windows 10] [--seconds 2]
//   npx tsx bench/ab.ts --preset heap
//   npx tsx bench/ab.ts --variants '[{"name":"before","cwd":"/tmp/old-checkout"},{"name":"now"}]'
//
// Each variant runs `node [flags] dist/main.js` in its `cwd` (this checkout by default: run
// `npm run build` first) with the environment the benchmark gives every server (serverEnv) plus its own.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { runLoad } from './load.js';
import { cpuMs, memoryKb, resetPeak } from './proc-stats.js';
import { ROOT, freePort, killAll, serverEnv, setUpstreamDelay, startUpstream, stop, track } from './processes.js';
import { graphqlBody, requestVariables } from './workload.js';

interface Variant {
  name: string;
  env?: Record<string, string>;
  /** Node flags, e.g. ["--max-old-space-size=96"]. */
  flags?: string[];
  /** The checkout whose dist/main.js runs (another build); this one by default. */
  cwd?: string;
  /** Request headers (a caller's token). */
  headers?: Record<string, string>;
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

const PRESETS: Record<string, Variant[]> = {
  costs: [
    { name: 'default' },
    { name: 'tracing', env: { OTEL_EXPORTER_OTLP_ENDPOINT: auxUrl } },
    {
      name: 'caller-auth',
      env: { AUTH_JWKS_URL: `${auxUrl}/jwks`, AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'gateway' },
      headers: { authorization: `Bearer ${token}` },
    },
  ],
  heap: [
    { name: 'default' },
    { name: 'semi4', flags: ['--max-semi-space-size=4'] },
    { name: 'old96', flags: ['--max-old-space-size=96'] },
    { name: 'semi8+old64', flags: ['--max-semi-space-size=8', '--max-old-space-size=64'] },
    { name: 'semi64', flags: ['--max-semi-space-size=64'] },
  ],
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
      spawn(process.execPath, [...(variant.flags ?? []), 'dist/main.js'], {
        cwd: variant.cwd ?? ROOT,
        env: { ...serverEnv(upstream, port), ...variant.env },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 400 && !(await fetch(`${url}/ready`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
    const target = {
      origin: url,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', ...variant.headers },
      request: (n: number) => ({ path: '/graphql', body: graphqlBody(requestVariables(n)) }),
      verifyBody: (body: string) => body.startsWith('{"data":{"first":{') && !body.includes('"errors"'),
    };
    await runLoad(target, { connections, durationS: 2, counter }); // warm-up
    running.push({ variant, child, pid: child.pid!, target, rows: [] as { rps: number; p50: number; cpuPerRequest: number; peakMb: number; failed: number }[] });
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
  for (const { variant, rows } of running) {
    const m = (key: keyof (typeof rows)[number]) => median(rows.map((row) => row[key]));
    console.log(
      `${variant.name.padEnd(14)} ${m('rps').toFixed(0).padStart(6)} req/s  p50 ${m('p50').toFixed(2)} ms  CPU ${m('cpuPerRequest').toFixed(3)} ms/req  peak RSS ${m('peakMb').toFixed(0)} MB  failed ${rows.reduce((n, row) => n + row.failed, 0)}`,
    );
  }
  for (const r of running) await stop(r.child);
} finally {
  await stop(upstream.child);
  killAll();
  aux.close();
}
