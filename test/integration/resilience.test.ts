// Resilience against a partner API that fails the way real ones do, driven through the simulator's
// faults over real sockets: reads retried (and only reads), Retry-After honoured within the request's
// deadline, the deadline itself, and the circuit breaker.
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, retryAfterMs } from '../../src/upstream/resilience.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { WALLBOX_GET, startStack, type GraphQLResponse, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const READ = `{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } }`;
const WALLBOX_PUT = 'PUT /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';

const { sim, another, close } = await startStack();
let gateway: RunningGateway;
// A fresh gateway per test: each has its own circuit breaker, which the failures of earlier tests
// would otherwise open (as they should: most of them fail every call).
beforeEach(async () => {
  // No jitter: a retry waits 0 ms, so the tests are about behaviour, not backoff timing. A hung call
  // costs the attempt timeout: 1 s, long enough that an answer on a busy machine is never taken for a
  // hang (at 300 ms a loaded machine's 404 timed out and was retried).
  gateway = await another({ timeoutMs: 1000, random: () => 0 });
});
afterEach(() => {
  sim.clearFaults();
  sim.resetCounts();
});
afterAll(close);

const code = (response: GraphQLResponse) => response.body.errors?.[0]?.extensions;

describe('retries, for reads only', () => {
  it.each([
    ['503', { status: 503, body: { detail: 'maintenance' } }],
    ['502', { status: 502 }],
    ['504', { status: 504 }],
    ['a dropped connection', { drop: true }],
    ['a reset connection', { reset: true }],
    ['no answer within the per-call timeout', { hang: true }],
    ['429 without Retry-After', { status: 429 }],
  ] as const)('a read that meets %s twice succeeds on the third attempt', async (_label, fault) => {
    sim.injectFault({ route: WALLBOX_GET, times: 2, ...fault });
    const { body } = await gateway.graphql(READ);
    expect(body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
    expect(sim.count(WALLBOX_GET)).toBe(3);
  });

  it.each([
    ['503', { status: 503 }, 'UPSTREAM_UNAVAILABLE', 503],
    ['a dropped connection', { drop: true }, 'UPSTREAM_UNAVAILABLE', undefined],
    ['no answer', { hang: true }, 'UPSTREAM_TIMEOUT', undefined],
  ] as const)('after PODERO_RETRIES extra attempts, %s is %s', async (_label, fault, expected, status) => {
    sim.injectFault({ route: WALLBOX_GET, ...fault });
    const response = await gateway.graphql(READ);
    expect(response.body.data).toEqual({ wallbox: null });
    expect(code(response)).toMatchObject({ code: expected });
    expect(code(response)?.upstream?.status).toBe(status);
    expect(sim.count(WALLBOX_GET)).toBe(3);
  });

  it('never retries an answer: 404, 403, 422, 500 are sent once', async () => {
    for (const status of [404, 403, 422, 500]) {
      sim.resetCounts();
      sim.injectFault({ route: WALLBOX_GET, status, times: 1 });
      await gateway.graphql(READ);
      expect(sim.count(WALLBOX_GET), String(status)).toBe(1);
    }
  });

  it('never retries a write after upstream may have acted (5xx, timeout, dropped connection)', async () => {
    for (const fault of [{ status: 503 }, { drop: true }, { hang: true }] as const) {
      sim.resetCounts();
      sim.injectFault({ route: WALLBOX_PUT, times: 1, ...fault });
      const response = await gateway.graphql(`mutation { updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX_IDS.full}", comment: "x" }) { id } }`);
      expect(response.body.data).toEqual({ updateWallbox: null });
      expect(sim.count(WALLBOX_PUT), JSON.stringify(fault)).toBe(1);
    }
  });

  it('PODERO_RETRIES=0 sends every read once', async () => {
    const once = await another({ retries: 0 });
    sim.injectFault({ route: WALLBOX_GET, status: 503, times: 1 });
    expect(code(await once.graphql(READ))?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(sim.count(WALLBOX_GET)).toBe(1);
  });
});

describe('Retry-After', () => {
  it('waits what a 429 asks (seconds) before the retry', async () => {
    sim.injectFault({ route: WALLBOX_GET, status: 429, headers: { 'retry-after': '1' }, times: 1 });
    const started = Date.now();
    const { body } = await gateway.graphql(READ);
    expect(body.errors).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.count(WALLBOX_GET)).toBe(2);
  });

  it('reads an HTTP date too', async () => {
    sim.injectFault({ route: WALLBOX_GET, status: 503, headers: { 'retry-after': new Date(Date.now() + 1500).toUTCString() }, times: 1 });
    const { body } = await gateway.graphql(READ);
    expect(body.errors).toBeUndefined();
    expect(sim.count(WALLBOX_GET)).toBe(2);
  });

  it('fails at once when the wait would not fit in the deadline: UPSTREAM_RATE_LIMITED with retryAfter', async () => {
    sim.injectFault({ route: WALLBOX_GET, status: 429, headers: { 'retry-after': '30' } });
    const started = Date.now();
    const response = await gateway.graphql(READ);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(code(response)).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 30, upstream: { status: 429 } });
    expect(sim.count(WALLBOX_GET)).toBe(1);
  });

  it('parses delay-seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Tue, 01 Dec 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Tue, 01 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('backs off with full jitter: between 0 and min(2 s, 100 ms × 2^attempt)', () => {
    const policy = { retries: 2, baseMs: 100, capMs: 2000 };
    expect(backoffMs(0, { ...policy, random: () => 0.999 })).toBe(99);
    expect(backoffMs(3, { ...policy, random: () => 0.5 })).toBe(400);
    expect(backoffMs(10, { ...policy, random: () => 0.999 })).toBe(1998);
    expect(backoffMs(4, { ...policy, random: () => 0 })).toBe(0);
  });
});

describe('the request deadline (REQUEST_TIMEOUT_MS)', () => {
  it('answers by the deadline when upstream hangs: unfinished fields fail with UPSTREAM_TIMEOUT', async () => {
    const quick = await another({ timeoutMs: 10_000, requestTimeoutMs: 600 });
    sim.injectFault({ route: WALLBOX_GET, hang: true });
    const started = Date.now();
    const response = await quick.graphql(`{ a: wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } b: wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { id } }`);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(1200);
    expect(response.body.data).toEqual({ a: null, b: null });
    expect(response.body.errors?.map((e): unknown => e.extensions.code)).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
    expect(response.body.errors?.[0]?.message).toContain('REQUEST_TIMEOUT_MS');
  });

  it('stops retrying at the deadline', async () => {
    const quick = await another({ timeoutMs: 250, requestTimeoutMs: 400, retries: 5 });
    sim.injectFault({ route: WALLBOX_GET, hang: true });
    const response = await quick.graphql(READ);
    expect(code(response)?.code).toBe('UPSTREAM_TIMEOUT');
    // 250 ms, then what is left of the 400 (on a busy machine, maybe nothing), then no more: five
    // retries were allowed, the deadline stopped them.
    const attempts = sim.count(WALLBOX_GET);
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(2);
  });

  it('cancels upstream calls, retries included, when the caller goes away', async () => {
    sim.injectFault({ route: WALLBOX_GET, status: 503, headers: { 'retry-after': '1' } });
    const controller = new AbortController();
    const pending = fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: READ }), signal: controller.signal }).catch(() => undefined);
    await vi.waitFor(() => expect(sim.count(WALLBOX_GET)).toBe(1)); // the first attempt was answered 503
    controller.abort();
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the Retry-After: no retry came
    expect(sim.count(WALLBOX_GET)).toBe(1);
  });
});

describe('the circuit breaker', () => {
  it('60 reads at concurrency 10 against an upstream failing every call make well under the 180 calls retries alone would', async () => {
    const breaking = await another({ random: () => 0, breakerCooldownMs: 60_000 });
    sim.injectFault({ route: WALLBOX_GET, status: 503 });
    const queue = Array.from({ length: 60 }, (_, i) => i);
    const codes: unknown[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (queue.shift() !== undefined) codes.push(code(await breaking.graphql(READ))?.code);
      }),
    );
    expect(codes).toHaveLength(60);
    expect(codes.every((c) => c === 'UPSTREAM_UNAVAILABLE')).toBe(true);
    expect(sim.count(WALLBOX_GET)).toBeLessThanOrEqual(45);
    expect(breaking.breaker.state).toBe('open');

    // Open: fails at once, with retryAfter, without calling.
    sim.resetCounts();
    const refused = await breaking.graphql(READ);
    expect(code(refused)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfter: expect.any(Number) });
    expect(code(refused)!.retryAfter).toBeGreaterThan(50);
    expect(refused.body.errors?.[0]?.message).toContain('circuit breaker open');
    expect(sim.count(WALLBOX_GET)).toBe(0);
  });

  it('lets one probe through after the cooldown, and closes when it succeeds', async () => {
    const breaking = await another({ random: () => 0, breakerCooldownMs: 400 });
    sim.injectFault({ route: WALLBOX_GET, status: 503 });
    await Promise.all(Array.from({ length: 12 }, () => breaking.graphql(READ)));
    expect(breaking.breaker.state).toBe('open');
    sim.clearFaults();
    sim.resetCounts();
    expect(code(await breaking.graphql(READ))?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(sim.count(WALLBOX_GET)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const results = await Promise.all(Array.from({ length: 5 }, () => breaking.graphql(READ)));
    for (const result of results) expect(result.body.errors).toBeUndefined();
    expect(breaking.breaker.state).toBe('closed');
  });

  it('does not open on a few failures among ten calls, nor on 4xx answers', async () => {
    const steady = await another({ random: () => 0, retries: 0 });
    sim.injectFault({ route: WALLBOX_GET, status: 503, times: 4 });
    for (let i = 0; i < 10; i++) await steady.graphql(READ);
    expect(steady.breaker.state).toBe('closed');
    sim.injectFault({ route: WALLBOX_GET, status: 404 });
    await Promise.all(Array.from({ length: 40 }, () => steady.graphql(READ)));
    expect(steady.breaker.state).toBe('closed');
  });
});
