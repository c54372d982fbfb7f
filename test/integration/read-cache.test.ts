// The opt-in short cache of upstream reads (PODERO_CACHE_TTL_MS), in one process: identical GETs share
// one call within the TTL (in flight too), partitioned by credential, dropped by the gateway's own
// writes — and off by default.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { WALLBOX_GET, startStack } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const READ = `{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id comment } }`;
const USER_GET = 'GET /org/{org_id}/users/{user_id}';

const { sim, gateway: plain, another: gateway, close } = await startStack({}, { staticTokens: ['token-a', 'token-b'] });
afterEach(() => {
  sim.clearFaults();
  sim.resetCounts();
});
afterAll(close);

it('is off by default: every request reads upstream', async () => {
  await plain.graphql(READ);
  await plain.graphql(READ);
  expect(sim.count(WALLBOX_GET)).toBe(2);
});

describe('with PODERO_CACHE_TTL_MS', () => {
  it('serves identical reads of other requests within the TTL from one call, then reads again', async () => {
    // A TTL long enough for five requests on a loaded 2-core machine (300 ms was not), short enough to wait out.
    const cached = await gateway({ cacheTtlMs: 1500 });
    for (let i = 0; i < 5; i++) expect((await cached.graphql(READ)).body.data.wallbox.id).toBe(WALLBOX_IDS.full);
    expect(sim.count(WALLBOX_GET)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await cached.graphql(READ);
    expect(sim.count(WALLBOX_GET)).toBe(2);
  });

  it('lets concurrent identical reads join the one in flight', async () => {
    const cached = await gateway({ cacheTtlMs: 5000 });
    sim.injectFault({ route: WALLBOX_GET, delayMs: 200, times: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, () => cached.graphql(READ)));
    for (const { body } of results) expect(body.data.wallbox.id).toBe(WALLBOX_IDS.full);
    expect(sim.count(WALLBOX_GET)).toBe(1);
  });

  it('drops what the gateway\'s own writes touch, and the next read is fresh', async () => {
    const cached = await gateway({ cacheTtlMs: 60_000 });
    await cached.graphql(READ);
    await cached.graphql(`{ user: _entities(representations: [{ __typename: "Owner", id: "${ANNA}" }]) { ... on Owner { id } } }`);
    const write = await cached.graphql(`mutation { updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX_IDS.full}", comment: "after the write" }) { id } }`);
    expect(write.body.errors).toBeUndefined();
    sim.resetCounts();
    expect((await cached.graphql(READ)).body.data.wallbox.comment).toBe('after the write');
    expect(sim.count(WALLBOX_GET)).toBe(1);
    // The user's read sits above the wallbox's path: a write below it may have changed what it shows.
    await cached.graphql(`{ user: _entities(representations: [{ __typename: "Owner", id: "${ANNA}" }]) { ... on Owner { id } } }`);
    expect(sim.count(USER_GET)).toBe(1);
  });

  it('never serves one pass-through caller\'s answer to another, or to a caller without a token', async () => {
    const passThrough = await gateway({ cacheTtlMs: 60_000, auth: { mode: 'pass-through' } });
    const as = (token?: string) => passThrough.graphql(READ, undefined, token ? { authorization: `Bearer ${token}` } : {});
    expect((await as('token-a')).body.data.wallbox.id).toBe(WALLBOX_IDS.full);
    expect((await as('token-b')).body.data.wallbox.id).toBe(WALLBOX_IDS.full);
    expect(sim.count(WALLBOX_GET)).toBe(2);
    const anonymous = await as();
    expect(anonymous.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await as('token-a')).body.data.wallbox.id).toBe(WALLBOX_IDS.full);
    expect(sim.count(WALLBOX_GET)).toBe(2);
    // A token upstream refuses is refused, not answered from another caller's cache.
    const stranger = await as('token-c');
    expect(stranger.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('keeps no failed answer: a 404 or 503 is asked again', async () => {
    const cached = await gateway({ cacheTtlMs: 60_000, retries: 0 });
    sim.injectFault({ route: WALLBOX_GET, status: 503, times: 1 });
    expect((await cached.graphql(READ)).body.errors?.[0]?.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await cached.graphql(READ)).body.errors).toBeUndefined();
    expect(sim.count(WALLBOX_GET)).toBe(2);
  });
});
