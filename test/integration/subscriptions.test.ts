// Live device state over GraphQL over SSE: one poller per device whatever the number of subscribers,
// the first event at once, an event only when what a subscriber selected changes, a write through the
// gateway pushed at once, the poller gone with its last subscriber, a 404 ending the stream and a
// transient failure not; and the limits, each refused with its own code.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { STATIC_TOKEN, WALLBOX_GET, apiCalls, startStack, type RunningGateway } from '../helpers/stack.js';
import { eventually, subscribeSse, type SseSubscription } from '../helpers/sse.js';

const ANNA = USER_IDS.anna!;
const WALLBOX = WALLBOX_IDS.full;
const COMMENT = `subscription Comment { wallbox(userId: "${ANNA}", id: "${WALLBOX}") { id comment } }`;
const STATUS = `subscription Status { wallbox(userId: "${ANNA}", id: "${WALLBOX}") { id connectionStatus } }`;

// A short interval, so polls happen within a test; each test waits on conditions, never on time.
const { sim, gateway, another, close } = await startStack({ live: { intervalMs: 150, fastIntervalMs: 100 } });
const open: SseSubscription[] = [];
const subscribe = async (query: string, on: RunningGateway = gateway, headers?: Record<string, string>) => {
  const subscription = await subscribeSse(on.url, query, undefined, headers);
  open.push(subscription);
  return subscription;
};
afterEach(async () => {
  open.splice(0).forEach((s) => s.close());
  sim.clearFaults();
  await eventually(() => pollers(gateway) === 0, 'the pollers to stop');
  sim.resetCounts();
});
afterAll(close);

/** Changes the wallbox upstream, as the partner's own app would: not through the gateway. */
async function changeUpstream(comment: string): Promise<void> {
  const response = await fetch(new URL(`${sim.apiUrl.href}/org/${sim.seed.orgId}/users/${ANNA}/wallboxes/${WALLBOX}`), {
    method: 'PUT',
    headers: { authorization: `Bearer ${STATIC_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ comment }),
  });
  expect(response.status).toBe(200);
}

function pollers(on: RunningGateway): number {
  return on.metrics.registry.getSingleMetric('podero_live_pollers') ? Number((on.metrics.registry.getSingleMetric('podero_live_pollers') as unknown as { hashMap: Record<string, { value: number }> }).hashMap['']?.value ?? 0) : 0;
}

it('sends the current state at once, from one read', async () => {
  const s = await subscribe(COMMENT);
  expect(s.status).toBe(200);
  const [first] = await s.waitForEvents(1);
  expect(first).toEqual({ data: { wallbox: { id: WALLBOX, comment: sim.wallboxRecord(WALLBOX)!.comment } } });
});

it('polls a device once for every subscriber, and sends each only the changes of what they selected', async () => {
  const comments = await Promise.all([subscribe(COMMENT), subscribe(COMMENT), subscribe(COMMENT)]);
  const status = await subscribe(STATUS);
  for (const s of [...comments, status]) await s.waitForEvents(1);
  expect(pollers(gateway)).toBe(1);

  await changeUpstream('Changed by the partner app');
  for (const s of comments) expect((await s.waitForEvents(2))[1]).toEqual({ data: { wallbox: { id: WALLBOX, comment: 'Changed by the partner app' } } });
  // Two more polls after the change: the status subscriber has had every chance to see one.
  const seen = sim.count(WALLBOX_GET);
  await eventually(() => sim.count(WALLBOX_GET) >= seen + 2, 'two more polls');
  expect(status.events).toHaveLength(1);
  // Each interval costs one call for the one device, however many watch it.
  sim.resetCounts();
  await eventually(() => sim.count(WALLBOX_GET) >= 3, 'three polls');
  expect(apiCalls(sim)).toBe(sim.count(WALLBOX_GET));
});

it('pushes a write through the gateway at once, without waiting for the interval', async () => {
  const slow = await another({ live: { intervalMs: 3_600_000 } });
  const s = await subscribe(COMMENT, slow);
  await s.waitForEvents(1);
  const written = await slow.graphql(`mutation { updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX}", comment: "Written through the gateway" }) { id } }`);
  expect(written.body.errors).toBeUndefined();
  expect((await s.waitForEvents(2))[1]!.data.wallbox.comment).toBe('Written through the gateway');
  s.close();
  await eventually(() => pollers(slow) === 0, 'the slow gateway to stop polling');
});

it('reads what lies below the device afresh for each event, not from the subscription\'s first request', async () => {
  const slow = await another({ live: { intervalMs: 3_600_000 } });
  const carport = WALLBOX_IDS.annaCarport;
  const building = String(sim.wallboxRecord(carport)!.building);
  const s = await subscribe(`subscription { wallbox(userId: "${ANNA}", id: "${carport}") { comment building { name } } }`, slow);
  const [first] = await s.waitForEvents(1);
  // The building changes upstream; then a write to the wallbox through the gateway makes an event.
  const renamed = await fetch(`${sim.apiUrl.href}/org/${sim.seed.orgId}/users/${ANNA}/buildings/${building}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${STATIC_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Renamed upstream' }),
  });
  expect(renamed.status).toBe(200);
  expect(first!.data.wallbox.building.name).not.toBe('Renamed upstream');
  await slow.graphql(`mutation { updateWallbox(input: { userId: "${ANNA}", id: "${carport}", comment: "Event two" }) { id } }`);
  expect((await s.waitForEvents(2))[1]!.data.wallbox).toEqual({ comment: 'Event two', building: { name: 'Renamed upstream' } });
  s.close();
  await eventually(() => pollers(slow) === 0, 'the slow gateway to stop polling');
});

it('stops polling when the last subscriber leaves', async () => {
  const a = await subscribe(COMMENT);
  const b = await subscribe(STATUS);
  await a.waitForEvents(1);
  await b.waitForEvents(1);
  a.close();
  await eventually(() => sim.count(WALLBOX_GET) >= 2, 'polls for the one left');
  expect(pollers(gateway)).toBe(1);
  b.close();
  await eventually(() => pollers(gateway) === 0, 'the poller to stop');
  const after = sim.count(WALLBOX_GET);
  // The next interval passes without a call: wait for a poll of another device to prove time went by.
  const other = await subscribe(`subscription { wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { id } }`);
  await other.waitForEvents(1);
  await eventually(() => sim.received().filter((r) => r.path.includes(WALLBOX_IDS.annaCarport)).length >= 3, 'three polls of another device');
  expect(sim.count(WALLBOX_GET) - sim.received().filter((r) => r.path.includes(WALLBOX_IDS.annaCarport)).length).toBe(after);
});

it('ends the stream with NOT_FOUND when the partner API does not know the device', async () => {
  const s = await subscribe(`subscription { wallbox(userId: "${ANNA}", id: "00000000-0000-4000-8000-000000000000") { id } }`);
  await s.waitForComplete();
  expect(s.events).toHaveLength(1);
  expect(s.events[0]!.data).toEqual({ wallbox: null });
  expect(s.events[0]!.errors![0]!.extensions.code).toBe('NOT_FOUND');
});

it('sends nothing on a transient failure, and the next interval reads again', async () => {
  const s = await subscribe(COMMENT);
  await s.waitForEvents(1);
  sim.injectFault({ route: WALLBOX_GET, status: 503, times: 3 });
  await eventually(() => sim.faultsApplied() >= 3, 'the failures to be served');
  await changeUpstream('After the outage');
  expect((await s.waitForEvents(2))[1]!.data.wallbox.comment).toBe('After the outage');
  expect(s.events.every((e) => e.errors === undefined)).toBe(true);
  expect(s.completed).toBe(false);
});

describe('limits', () => {
  it('refuses a device past LIVE_MAX_POLLERS with TOO_MANY_POLLERS, and no call for it', async () => {
    const small = await another({ live: { maxPollers: 1, intervalMs: 3_600_000 } });
    const first = await subscribe(COMMENT, small);
    await first.waitForEvents(1);
    // The same device shares the poller; another one would need a second.
    await (await subscribe(STATUS, small)).waitForEvents(1);
    sim.resetCounts();
    const refused = await subscribe(`subscription { wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { id } }`, small);
    await refused.waitForComplete();
    const result = refused.events[0] ?? refused.body;
    expect(result!.errors![0]!.extensions.code).toBe('TOO_MANY_POLLERS');
    expect(apiCalls(sim)).toBe(0);
    open.forEach((s) => s.close());
    await eventually(() => pollers(small) === 0, 'the small gateway to stop polling');
  });

  it('refuses a subscription past LIVE_MAX_SUBSCRIPTIONS_PER_CALLER with TOO_MANY_SUBSCRIPTIONS', async () => {
    const small = await another({ live: { maxPerCaller: 2, intervalMs: 3_600_000 } });
    for (let i = 0; i < 2; i++) await (await subscribe(COMMENT, small)).waitForEvents(1);
    const refused = await subscribe(COMMENT, small);
    await refused.waitForComplete();
    expect((refused.events[0] ?? refused.body)!.errors![0]!.extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    // One ends: the caller may subscribe again.
    open[0]!.close();
    await eventually(async () => {
      const again = await subscribe(COMMENT, small);
      const ok = await again.waitForEvents(1).then(() => true, () => false);
      return ok;
    }, 'a subscription to be accepted again');
    open.forEach((s) => s.close());
    await eventually(() => pollers(small) === 0, 'the small gateway to stop polling');
  });

  it('applies the request limits to subscription documents', async () => {
    const deep = `subscription { wallbox(userId: "${ANNA}", id: "${WALLBOX}") { ${'owner { wallbox(id: "x") { '.repeat(20)} id ${'} } '.repeat(20)} } }`;
    const s = await subscribe(deep);
    await s.waitForComplete();
    expect(s.status).toBe(400);
    expect(s.events[0]!.errors![0]!.extensions.code).toBe('MAX_DEPTH_LIMIT');
    expect(apiCalls(sim)).toBe(0);
  });
});

it('reports subscriptions, pollers, polls and events in /metrics, and logs the end of each stream', async () => {
  const s = await subscribe(COMMENT);
  await s.waitForEvents(1);
  const text = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
  expect(text).toMatch(/podero_live_subscriptions\{transport="sse"\} 1/);
  expect(text).toMatch(/podero_live_pollers 1/);
  expect(text).toMatch(/podero_live_polls_total\{outcome="changed"\} \d+/);
  expect(text).toMatch(/podero_live_events_total \d+/);
  s.close();
  await eventually(() => gateway.logs.some((line) => line.includes('"msg":"subscription ended"') && line.includes('"transport":"sse"')), 'the access-log line');
  const line = JSON.parse(gateway.logs.find((l) => l.includes('"msg":"subscription ended"'))!) as Record<string, unknown>;
  expect(line).toMatchObject({ transport: 'sse', operationName: 'Comment', events: 1, caller: 'organization' });
  expect(line.durationMs).toEqual(expect.any(Number));
});
