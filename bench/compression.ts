// What compressing a GraphQL answer costs and saves, by the answer's size: the measurements behind
// COMPRESSION_MIN_BYTES and the levels src/plugins/use-compression.ts uses (the README's "Performance
// and scale-out" quotes them).
//
//   npx tsx bench/compression.ts [--rounds 15]
//
// The answers are the demo's seeded data: 1 to 32 wallbox cards (the benchmark query's card fragment,
// aliased), the benchmark query's dashboard, and GraphiQL's introspection. For each:
// - codecs: the bytes brotli (quality 1 and 4) and gzip (level 1 and 6) make of it, and the CPU of one
//   compression, in a loop (no HTTP; the best of the rounds);
// - through the gateway: two gateways in this process, in demo mode, one with COMPRESSION=false and one
//   compressing every answer (COMPRESSION_MIN_BYTES=0); the same request over HTTP, with
//   `Accept-Encoding: br` or `gzip`; the CPU per request of this process (gateways, simulator and client
//   alike) over 4 requests in flight, the gateways taking turns in each round, the best of the rounds,
//   minus the uncompressed gateway's; the uncompressed gateway measured a second time shows the noise
//   (an answer that costs many upstream calls has more of it). Run it on a quiet machine. In the
//   request's flow compression costs more than in a loop (caches are cold), and this is what it costs.
import { getIntrospectionQuery } from 'graphql';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createSeed } from '../src/simulator/seed.js';
import { QUERY } from './workload.js';

const { values: options } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
const rounds = Number(options.rounds);

const CARD = `id connectionStatus monitoringStatus steeringStatus actionNeeded isPluggedIn isCharging chargeRateW
  deviceModel { manufacturer model deviceType { shortName longName } } owner { id firstName lastName }`;
const wallboxes = createSeed()
  .wallboxes.map((w) => w.record as { id: string; deleted_at?: unknown; owner?: { id: string } })
  .filter((w) => !w.deleted_at && w.owner);
const cards = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `w${i}: wallbox(userId: "${wallboxes[i % wallboxes.length]!.owner!.id}", id: "${wallboxes[i % wallboxes.length]!.id}") { ${CARD} }`).join('\n')} }`;
const [first, second] = wallboxes;
const REQUESTS: { name: string; body: string }[] = [
  ...[1, 2, 3, 4, 8, 12, 32].map((n) => ({ name: `${n} card${n > 1 ? 's' : ''}`, body: JSON.stringify({ query: cards(n) }) })),
  { name: 'dashboard', body: JSON.stringify({ query: QUERY, variables: { userId: first!.owner!.id, first: first!.id, second: second!.id } }) },
  { name: 'introspection', body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }) }) },
];

const CODECS = {
  br1: (text: string) => brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } }),
  br4: (text: string) => brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }),
  gzip1: (text: string) => gzipSync(text, { level: 1 }),
  gzip6: (text: string) => gzipSync(text, { level: 6 }),
};

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** The best CPU per call of each of `runs` over the rounds, in µs; the runs take turns in each round. */
async function cpuPerCall(calls: number, ...runs: (() => unknown)[]): Promise<number[]> {
  const best = runs.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    for (const [r, run] of runs.entries()) {
      const start = cpuMs();
      for (let i = 0; i < calls; i++) await run();
      best[r] = Math.min(best[r]!, ((cpuMs() - start) / calls) * 1000);
    }
  }
  return best;
}

const silent = createLogger('silent');
async function gateway(env: Record<string, string>): Promise<{ app: App; pool: Pool }> {
  const app = await createApp({ config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env }), logger: silent });
  const url = await app.listen();
  app.lifecycle.phase = 'ready';
  return { app, pool: new Pool(new URL(url).origin, { connections: 4 }) };
}
const plain = await gateway({ COMPRESSION: 'false' });
const compressing = await gateway({ COMPRESSION_MIN_BYTES: '0' });

/** Four requests in flight, as they travel (undici's `request` does not decode). */
const post = (on: { pool: Pool }, body: string, encoding: string) => () =>
  Promise.all(
    Array.from({ length: 4 }, () =>
      on.pool
        .request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': encoding }, body })
        .then(async (response) => {
          const bytes = (await response.body.arrayBuffer()).byteLength;
          if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
          return bytes;
        }),
    ),
  );

const head = ['answer', 'bytes', ...Object.keys(CODECS).map((c) => `${c}: bytes, µs`), 'gateway br: +µs/req', 'gateway gzip: +µs/req', 'noise: off again'];
console.log(`best of ${rounds} rounds; Node ${process.version}`);
console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---:').join('|')}|`);
try {
  for (const { name, body } of REQUESTS) {
    const answer = await plain.pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.body.text());
    if (!answer.startsWith('{"data":') || answer.includes('"errors":[')) throw new Error(`${name}: not an answer: ${answer.slice(0, 300)}`);
    const big = answer.length > 100_000;
    const codecs = [];
    for (const codec of Object.values(CODECS)) codecs.push(`${codec(answer).length}, ${(await cpuPerCall(big ? 20 : 500, () => codec(answer)))[0]!.toFixed(0)}`);
    // Introspection takes milliseconds to execute, and its noise here is larger than compression: its
    // cost through the gateway is `npx tsx bench/ab.ts --preset compression-introspection`'s.
    let gateway = ['–', '–', '–'];
    if (!big) {
      const runs = [post(plain, body, 'br'), post(compressing, body, 'br'), post(compressing, body, 'gzip'), post(plain, body, 'br')];
      const [off, ...others] = await cpuPerCall(100, ...runs);
      gateway = others.map((us) => ((us - off!) / 4).toFixed(0));
    }
    console.log(`| ${[name, Buffer.byteLength(answer), ...codecs, ...gateway].join(' | ')} |`);
  }
} finally {
  for (const { app, pool } of [plain, compressing]) {
    await pool.close();
    await app.close();
  }
}
