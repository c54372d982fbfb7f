// The benchmark's upstream: the partner API simulator in a process of its own, with the bench users
// seeded and every wallbox a request names for one of them synthesized on the fly (bench/workload.ts).
// Seeding the hundreds of thousands of wallboxes a run names instead would cost ~4.6 KB of heap and
// ~40 µs of start-up each.
//
//   npx tsx bench/upstream.ts [--port 4010] [--delay-ms 20]
//
// Prints one JSON line when listening: {"url", "apiUrl", "orgId"}. The harness changes the delay
// between measurements through the simulator's admin routes (/_simulator/faults).
import { parseArgs } from 'node:util';
import { createSeed } from '../src/simulator/seed.js';
import { startSimulator } from '../src/simulator/server.js';
import { BENCH_TOKEN, BENCH_USERS, synthesizedWallbox } from './workload.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'delay-ms': { type: 'string', default: '0' },
  },
});
const delayMs = Number(values['delay-ms']);
if (!Number.isInteger(delayMs) || delayMs < 0) throw new Error(`--delay-ms: expected a whole number of milliseconds, got ${values['delay-ms']}`);

const seed = createSeed();
const benchUsers = new Map(BENCH_USERS.map((user) => [String(user.id), user]));

const simulator = await startSimulator({
  port: Number(values.port),
  host: '127.0.0.1',
  seed: { ...seed, users: [...seed.users, ...BENCH_USERS.map((record) => ({ orgId: seed.orgId, record }))] },
  staticTokens: [BENCH_TOKEN],
  synthesizeWallbox: ({ userId, wallboxId }) => {
    const owner = benchUsers.get(userId.toLowerCase());
    return owner && synthesizedWallbox(wallboxId.toLowerCase(), owner);
  },
});
if (delayMs > 0) simulator.injectFault({ delayMs });

process.stdout.write(`${JSON.stringify({ url: simulator.url.href, apiUrl: simulator.apiUrl.href, orgId: simulator.seed.orgId })}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void simulator.close().then(() => process.exit(0)));
}
