// Subscriptions on two replicas sharing a real Redis (REDIS_URL): one of them polls a device for the
// subscribers of both, a write through either is pushed to all at once, the other takes over when the
// one polling goes away (or its lease runs out), and without Redis each polls for itself, no stream
// dropped, until Redis is back. Every wait is on a condition; who polls is read from each replica's
// podero_live_polls_total.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveConfig } from '../../src/config.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { startRedis, type RunningRedis } from '../helpers/redis.js';
import { eventually, subscribeSse, type SseSubscription } from '../helpers/sse.js';
import { STATIC_TOKEN, WALLBOX_GET, apiCalls, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const WALLBOX = WALLBOX_IDS.full;
const COMMENT = `subscription { wallbox(userId: "${ANNA}", id: "${WALLBOX}") { id comment } }`;
/** A short interval: polls happen within a test (and leases last their floor, 1 s). */
const FAST: Partial<LiveConfig> = { intervalMs: 200, fastIntervalMs: 100 };

let sim: Simulator;
let redis: RunningRedis;
/** The test's own look into Redis: who holds a lease, who listens. */
let raw: Redis;
const gateways: RunningGateway[] = [];
const open: SseSubscription[] = [];

beforeAll(async () => {
  [sim, redis] = await Promise.all([startTestSimulator(), startRedis()]);
  raw = new Redis(redis.url.href, { maxRetriesPerRequest: 1 });
  raw.on('error', () => undefined);
});
afterEach(async () => {
  open.splice(0).forEach((s) => s.close());
  await Promise.all(gateways.splice(0).map((g) => g.close()));
  sim.resetCounts();
});
afterAll(async () => {
  raw.disconnect();
  await Promise.all([redis.stop(), sim.close()]);
});

/** Two replicas over the simulator and Redis, once both are connected and listening to each other. */
async function replicas(live: Partial<LiveConfig>): Promise<[RunningGateway, RunningGateway]> {
  const pair = await Promise.all([startGateway(sim, { redisUrl: redis.url, live }), startGateway(sim, { redisUrl: redis.url, live })]);
  gateways.push(...pair);
  await eventually(async () => (await listening()) === 2 && (await Promise.all(pair.map((g) => g.metrics.registry.metrics()))).every((m) => m.includes('podero_redis_connected 1')), 'both replicas to connect');
  return pair;
}

/** Replicas whose subscriber connection is up. */
async function listening(): Promise<number> {
  const [, count] = (await raw.pubsub('NUMSUB', 'podero:live:touched')) as [string, number];
  return count;
}

const leases = () => raw.keys('podero:live:lease:*');

async function subscribe(on: RunningGateway): Promise<SseSubscription> {
  const subscription = await subscribeSse(on.url, COMMENT);
  open.push(subscription);
  await subscription.waitForEvents(1);
  return subscription;
}

async function polls(on: RunningGateway): Promise<number> {
  const metric = await on.metrics.registry.getSingleMetric('podero_live_polls_total')?.get();
  return (metric?.values ?? []).reduce((sum, { value }) => sum + value, 0);
}

/** How many reads each replica made while the simulator served `count` more reads of the wallbox. */
async function pollsOver(count: number, ...on: RunningGateway[]): Promise<number[]> {
  const before = await Promise.all(on.map(polls));
  const seen = sim.count(WALLBOX_GET);
  await eventually(() => sim.count(WALLBOX_GET) >= seen + count, `${count} reads of the wallbox`);
  return (await Promise.all(on.map(polls))).map((n, i) => n - before[i]!);
}

/** Changes the wallbox upstream, as the partner's own app would: not through the gateway. */
async function changeUpstream(comment: string): Promise<void> {
  const response = await fetch(`${sim.apiUrl.href}/org/${sim.seed.orgId}/users/${ANNA}/wallboxes/${WALLBOX}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${STATIC_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ comment }),
  });
  expect(response.status).toBe(200);
}

async function everyoneSees(subscriptions: SseSubscription[], comment: string): Promise<void> {
  await eventually(() => subscriptions.every((s) => s.events.at(-1)?.data?.wallbox?.comment === comment), `every subscriber to see "${comment}"`);
}

it('polls a device once per interval for the subscribers of both replicas, and a change reaches them all', async () => {
  const [a, b] = await replicas(FAST);
  const subscribers = await Promise.all([a, a, a, b, b, b].map(subscribe));
  // Six reads of the wallbox: all of them made by one replica.
  await eventually(async () => (await pollsOver(6, a, b)).filter((n) => n > 0).length === 1, 'one replica to poll for both');
  expect(await leases()).toHaveLength(1);
  sim.resetCounts();
  expect((await pollsOver(3, a, b)).filter((n) => n > 0)).toHaveLength(1);
  expect(apiCalls(sim)).toBe(sim.count(WALLBOX_GET));

  await changeUpstream('Changed by the partner app');
  await everyoneSees(subscribers, 'Changed by the partner app');
  expect(subscribers.every((s) => s.events.length === 2 && !s.completed)).toBe(true);
});

it('has the replica that polls read again at once when a write goes through the other', async () => {
  // An hour's interval: nothing but the write can make a read.
  const [a, b] = await replicas({ intervalMs: 3_600_000 });
  const onB = await subscribe(b);
  await eventually(async () => (await leases()).length === 1, 'b to take the lease');
  const onA = await subscribe(a);
  const before = await Promise.all([polls(a), polls(b)]);

  const written = await a.graphql(`mutation { updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX}", comment: "Written through a" }) { id } }`);
  expect(written.body.errors).toBeUndefined();
  await everyoneSees([onA, onB], 'Written through a');
  // b read it (and a heard it from b): one read for both.
  expect((await Promise.all([polls(a), polls(b)])).map((n, i) => n - before[i]!)).toEqual([0, 1]);
});

describe('taking over', () => {
  it('has the other replica poll when the one polling goes away, for subscribers that keep their streams', async () => {
    const [a, b] = await replicas(FAST);
    await subscribe(a);
    await eventually(async () => (await leases()).length === 1, 'a to take the lease');
    const onB = await Promise.all([subscribe(b), subscribe(b)]);
    expect((await pollsOver(3, a, b))[1]).toBe(0);

    await a.close();
    gateways.splice(gateways.indexOf(a), 1);
    // a let go of its lease: b takes it at its next round (a third of the lease), well within a few intervals.
    const before = await polls(b);
    await eventually(async () => (await polls(b)) >= before + 3, 'b to poll', 5000);
    await changeUpstream('After a left');
    await everyoneSees(onB, 'After a left');
    expect(onB.every((s) => !s.completed)).toBe(true);
  });

  it('has one of them poll when the lease of a replica that died runs out', async () => {
    const [a, b] = await replicas(FAST);
    const subscribers = [await subscribe(a), await subscribe(b)];
    const [lease] = await leases();
    // A replica that took the lease and died: nobody renews it, and nobody polls until it runs out.
    await raw.set(lease!, 'a-replica-that-died', 'PX', 1000);
    await changeUpstream('After the lease ran out');
    // The lease (1 s), then a round (1/3 s) at most.
    await eventually(async () => ![null, 'a-replica-that-died'].includes(await raw.get(lease!)), 'a live replica to hold the lease', 5000);
    await everyoneSees(subscribers, 'After the lease ran out');
    await eventually(async () => (await pollsOver(3, a, b)).filter((n) => n > 0).length === 1, 'one replica to poll for both');
  });
});

it('has each replica poll for itself while Redis is away, dropping no stream, and one again once it is back', async () => {
  const [a, b] = await replicas(FAST);
  const subscribers = await Promise.all([a, a, b, b].map(subscribe));
  await eventually(async () => (await pollsOver(3, a, b)).filter((n) => n > 0).length === 1, 'one replica to poll for both');

  await redis.stop();
  await eventually(async () => (await pollsOver(4, a, b)).every((n) => n > 0), 'both replicas to poll');
  await changeUpstream('During the outage');
  await everyoneSees(subscribers, 'During the outage');
  for (const gateway of [a, b]) {
    expect(await gateway.metrics.registry.metrics()).toMatch(/podero_redis_fallbacks_total\{store="live"\} [1-9]/);
    expect(gateway.logs.some((line) => line.includes('Redis does not answer') && line.includes('"store":"live"'))).toBe(true);
  }

  await redis.start();
  await eventually(async () => (await listening()) === 2, 'both replicas to listen again');
  await eventually(async () => (await pollsOver(4, a, b)).filter((n) => n > 0).length === 1, 'one replica to poll for both again');
  await changeUpstream('After the outage');
  await everyoneSees(subscribers, 'After the outage');
  expect(subscribers.every((s) => !s.completed && s.events.every((e) => e.errors === undefined))).toBe(true);
});
