// Two gateway replicas and a real Redis (REDIS_URL): a query registered on one runs by hash on the
// other, a read cached by one is served by the other (and a write through either drops it), one
// caller's budget holds across both. Redis going away costs a warning and a metric, never a 5xx or a
// hang; when it is back, it is used again.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { startRedis, type RunningRedis } from '../helpers/redis.js';
import { WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const READ = `{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id comment } }`;

let sim: Simulator;
let redis: RunningRedis;
let idp: IdentityProvider;
let a: RunningGateway;
let b: RunningGateway;

beforeAll(async () => {
  [sim, redis, idp] = await Promise.all([startTestSimulator(), startRedis(), IdentityProvider.start()]);
  const options = { redisUrl: redis.url, cacheTtlMs: 60_000, callerAuth: idp.auth(), upstreamCallsPerMinute: 5 };
  [a, b] = await Promise.all([startGateway(sim, options), startGateway(sim, options)]);
  await new Promise((resolve) => setTimeout(resolve, 200)); // both connected
});
afterEach(() => {
  sim.clearFaults();
  sim.resetCounts();
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await Promise.all([redis.stop(), idp.close(), sim.close()]);
});

const staff = () => idp.token({ claims: { sub: 'agent-7', podero_role: 'staff' } });
const as = async (on: RunningGateway, query: string, token?: string) => on.graphql(query, undefined, { authorization: `Bearer ${token ?? (await staff())}` });

async function apq(on: RunningGateway, body: Record<string, unknown>, token: string) {
  const response = await fetch(on.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
}

describe('two replicas behave as one', () => {
  it('runs a query registered on one replica by its hash on the other', async () => {
    const token = await staff();
    const query = `query Shared { wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { id } }`;
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    expect((await apq(b, { extensions: { persistedQuery } }, token)).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await apq(a, { query, extensions: { persistedQuery } }, token)).status).toBe(200);
    expect(await apq(b, { extensions: { persistedQuery } }, token)).toEqual({ status: 200, body: { data: { wallbox: { id: WALLBOX_IDS.annaCarport } } } });
  });

  it('serves a read cached by one replica from the other, and drops it after a write through either', async () => {
    const token = await staff();
    await as(a, READ, token);
    await as(b, READ, token);
    expect(sim.count(WALLBOX_GET)).toBe(1);
    const write = await as(b, `mutation { updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX_IDS.full}", comment: "written on b" }) { id } }`, token);
    expect(write.body.errors).toBeUndefined();
    sim.resetCounts();
    expect((await as(a, READ, token)).body.data.wallbox.comment).toBe('written on b');
    expect(sim.count(WALLBOX_GET)).toBe(1);
  });

  it('holds one caller\'s budget across both replicas', async () => {
    const anna = await idp.token({ claims: { sub: 'anna', podero_user_id: ANNA } });
    // Six reads no cache can answer (unknown wallboxes: a 404 is not kept), alternating replicas.
    const ids = [1, 2, 3, 4, 5, 6].map((i) => `00000000-0000-4000-8000-00000000010${i}`);
    const codes: unknown[] = [];
    for (const [i, id] of ids.entries()) {
      const { body } = await as(i % 2 ? b : a, `{ wallbox(id: "${id}") { id } }`, anna);
      codes.push(body.errors?.[0]?.extensions.code);
    }
    expect(codes).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'RATE_LIMITED']);
  });
});

describe('Redis going away', () => {
  it('keeps serving from local state: no 5xx, no hang, a warning and a metric; Redis is used again when back', async () => {
    await redis.stop();
    const token = await staff();
    const started = Date.now();
    const results = await Promise.all([as(a, READ, token), as(b, READ, token), as(a, `{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaHourly}") { id } }`, token)]);
    for (const { status, body } of results) {
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
    }
    expect(Date.now() - started).toBeLessThan(2000);
    const metrics = await (await fetch(new URL('/metrics', a.url))).text();
    expect(metrics).toMatch(/podero_redis_fallbacks_total\{store="read-cache"\} [1-9]/);
    expect(metrics).toContain('podero_redis_connected 0');
    expect(a.logs.some((l) => l.includes('Redis does not answer'))).toBe(true);

    await redis.start();
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the client reconnects (backoff up to 2 s)
    const back = await (await fetch(new URL('/metrics', a.url))).text();
    expect(back).toContain('podero_redis_connected 1');
    expect((await as(a, READ, token)).status).toBe(200);
    expect(a.logs.some((l) => l.includes('Redis is back'))).toBe(true);
  });
});
