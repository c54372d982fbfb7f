// Fault injection over real HTTP: failures that stop after `times`, answers with headers (Retry-After),
// requests that hang until the client gives up or the simulator lets them go, a TCP reset as opposed to
// a plain close, faults that apply to a seeded fraction of requests, and faults sent to the admin route.
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, Simulator, startSimulator, type Fault } from '../../src/simulator/index.js';
import { DEFAULT_FAULT_SEED, FaultPlan } from '../../src/simulator/faults.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { simulatorPerFile, wallboxPath } from './client.js';

const t = simulatorPerFile();

const USERS = 'GET /org/{org_id}/users';
const WALLBOX_GET = 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';
const users = (sim: Simulator = t.sim, init: RequestInit = {}) =>
  fetch(`${sim.apiUrl.href}/org/${sim.seed.orgId}/users`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` }, ...init });
const statusOf = async (sim?: Simulator) => (await users(sim)).status;
/** What the client saw when the request failed without an answer. */
const failure = (request: Promise<unknown>) =>
  request.then(
    () => 'answered',
    (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.name,
  );
const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('times', () => {
  it('fails N times, then the real answer comes back', async () => {
    t.sim.injectFault({ route: USERS, status: 503, body: { detail: 'maintenance' }, times: 2 });
    const first = await users();
    expect([first.status, await first.json()]).toEqual([503, { detail: 'maintenance' }]);
    expect(await statusOf()).toBe(503);
    expect(await statusOf()).toBe(200);
    expect(await statusOf()).toBe(200);
    expect(t.sim.faultsApplied()).toBe(2);
    expect(t.sim.statusCounts()).toEqual({ '503': 2, '200': 2 });
    expect(t.sim.faults()).toEqual([]);
  });

  it('counts the real answers too, and resetCounts starts over', async () => {
    await t.api('GET', wallboxPath(USER_IDS.anna!, WALLBOX_IDS.full), undefined, { token: null });
    await t.api('GET', wallboxPath(USER_IDS.anna!, 'nope'));
    await t.api('GET', wallboxPath(USER_IDS.anna!, WALLBOX_IDS.full));
    expect(t.sim.statusCounts()).toEqual({ '401': 1, '422': 1, '200': 1 });
    t.sim.resetCounts();
    expect([t.sim.statusCounts(), t.sim.faultsApplied()]).toEqual([{}, 0]);
  });
});

describe('headers', () => {
  it('answers 429 with Retry-After in seconds or as an HTTP date', async () => {
    const date = 'Thu, 26 Nov 2026 08:00:02 GMT';
    t.sim.injectFault({ route: USERS, status: 429, body: { detail: 'Too Many Requests' }, headers: { 'retry-after': '2' }, times: 1 });
    t.sim.injectFault({ route: USERS, status: 503, headers: { 'Retry-After': date }, times: 1 });
    const limited = await users();
    expect([limited.status, limited.headers.get('retry-after'), limited.headers.get('content-type')]).toEqual([429, '2', 'application/json']);
    const unavailable = await users();
    expect([unavailable.status, unavailable.headers.get('retry-after'), await unavailable.text()]).toEqual([503, date, '']);
    const real = await users();
    expect([real.status, real.headers.get('retry-after')]).toEqual([200, null]);
  });
});

describe('hang', () => {
  it('holds the request until the client aborts', async () => {
    t.sim.injectFault({ route: USERS, hang: true });
    const aborter = new AbortController();
    const outcome = failure(users(t.sim, { signal: aborter.signal }));
    await until(() => t.sim.inFlight === 1);
    aborter.abort();
    expect(await outcome).toBe('AbortError');
    await until(() => t.sim.inFlight === 0);
    expect(t.sim.statusCounts()).toEqual({ hang: 1 });
  });

  it('lets hung and delayed requests go on reset (their sockets closed) and answers again at once', async () => {
    t.sim.injectFault({ route: USERS, hang: true, times: 2 });
    t.sim.injectFault({ route: WALLBOX_GET, delayMs: 60_000 });
    const hung = [failure(users()), failure(users())];
    const delayed = failure(t.api('GET', wallboxPath(USER_IDS.anna!, WALLBOX_IDS.full)));
    await until(() => t.sim.inFlight === 3);
    const started = Date.now();
    t.sim.reset();
    expect(await Promise.all([...hung, delayed])).toEqual(['UND_ERR_SOCKET', 'UND_ERR_SOCKET', 'UND_ERR_SOCKET']);
    expect(Date.now() - started).toBeLessThan(1000);
    await until(() => t.sim.inFlight === 0);
    expect(await statusOf()).toBe(200);
  });

  it('lets hung requests go on close, so close does not wait for them', async () => {
    const sim = await startSimulator();
    sim.injectFault({ hang: true });
    const hung = failure(users(sim));
    await until(() => sim.inFlight === 1);
    await sim.close();
    expect(await hung).toBe('UND_ERR_SOCKET');
  });
});

describe('drop and reset', () => {
  it('drop closes the connection (FIN); reset aborts it with a RST (ECONNRESET)', async () => {
    t.sim.injectFault({ route: USERS, drop: true, times: 1 });
    t.sim.injectFault({ route: USERS, reset: true, times: 1 });
    expect(await failure(users())).toBe('UND_ERR_SOCKET');
    expect(await failure(users())).toBe('ECONNRESET');
    expect(await statusOf()).toBe(200);
    expect(t.sim.statusCounts()).toEqual({ drop: 1, reset: 1, '200': 1 });
    expect(t.sim.faultsApplied()).toBe(2);
  });
});

describe('methods', () => {
  it('matches every route of the listed methods, and nothing else', async () => {
    t.sim.injectFault({ methods: ['put', 'POST'], status: 503 });
    const path = wallboxPath(USER_IDS.anna!, WALLBOX_IDS.annaCarport);
    expect((await t.api('GET', path)).status).toBe(200);
    expect((await t.api('PUT', path, { comment: 'x' })).status).toBe(503);
    expect((await t.api('POST', `${path}/boost`)).status).toBe(503);
    expect((await t.api('DELETE', `${path}/boost`)).status).toBe(204);
  });
});

describe('probability', () => {
  /** How many of `n` requests (50 at a time) the fault applied to. */
  async function faulted(sim: Simulator, n: number): Promise<number> {
    let count = 0;
    for (let sent = 0; sent < n; sent += 50) {
      const statuses = await Promise.all(Array.from({ length: Math.min(50, n - sent) }, () => statusOf(sim)));
      count += statuses.filter((s) => s === 503).length;
    }
    return count;
  }

  it('applies to a seeded fraction of requests: the same count on every run with the same seed', async () => {
    t.sim.injectFault({ route: USERS, status: 503, probability: 0.3 });
    const first = await faulted(t.sim, 1000);
    expect(first).toBeGreaterThan(250);
    expect(first).toBeLessThan(350);
    expect(t.sim.faultsApplied()).toBe(first);
    expect(t.sim.statusCounts()).toEqual({ '503': first, '200': 1000 - first });

    t.reset();
    t.sim.injectFault({ route: USERS, status: 503, probability: 0.3 });
    expect(await faulted(t.sim, 1000)).toBe(first);
  });

  it('draws another sequence from another seed, and one per fault', () => {
    // The draws themselves, without sockets: which of 1000 requests each plan applies its fault to.
    const draws = (plan: FaultPlan, route = USERS) => Array.from({ length: 1000 }, () => plan.take(route, 'GET', '/') !== undefined);
    const seeded = (seed?: number, ...faults: Fault[]) => {
      const plan = new FaultPlan(seed);
      for (const fault of [{ route: USERS, status: 503, probability: 0.3 }, ...faults]) plan.add(fault);
      return plan;
    };
    expect(draws(seeded())).toEqual(draws(seeded(DEFAULT_FAULT_SEED)));
    expect(draws(seeded(42))).not.toEqual(draws(seeded()));
    // Traffic a later fault sees does not move the first fault's draws.
    const busy = seeded(undefined, { route: 'GET /other', status: 500, probability: 0.5 });
    const mixed = Array.from({ length: 1000 }, () => (busy.take('GET /other', 'GET', '/'), busy.take(USERS, 'GET', '/') !== undefined));
    expect(mixed).toEqual(draws(seeded()));
  });

  it('does not use up `times` on the requests it skips, and leaves them to the next fault', async () => {
    t.sim.injectFault({ route: USERS, status: 503, probability: 0.5, times: 3 });
    t.sim.injectFault({ route: USERS, status: 502, probability: 0.5 });
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push(await statusOf());
    expect(statuses.filter((s) => s === 503)).toHaveLength(3);
    expect(statuses.filter((s) => s === 502).length).toBeGreaterThan(8);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(8);
    expect(t.sim.faults()).toEqual([{ route: USERS, status: 502, probability: 0.5 }]);
  });

  it('never applies at 0, always at 1', async () => {
    t.sim.injectFault({ route: USERS, status: 503, probability: 0 });
    t.sim.injectFault({ route: USERS, status: 502, probability: 1 });
    expect(await Promise.all([statusOf(), statusOf(), statusOf()])).toEqual([502, 502, 502]);
  });
});

describe('the admin route', () => {
  it('takes a fault as a JSON body, lists it, and applies it', async () => {
    const fault = { methods: ['GET'], pathIncludes: '/users', status: 429, headers: { 'retry-after': '1' }, times: 2 };
    expect(await t.admin('POST', '/_simulator/faults', fault)).toEqual({ status: 204, body: undefined });
    expect(await t.admin('GET', '/_simulator/faults')).toEqual({ status: 200, body: { faults: [fault], applied: 0 } });
    const limited = await users();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await t.admin('GET', '/_simulator/faults')).body).toEqual({ faults: [{ ...fault, times: 1 }], applied: 1 });
    expect((await t.admin('GET', '/_simulator/status-counts')).body).toEqual({ '429': 1 });
    expect((await t.admin('DELETE', '/_simulator/faults')).status).toBe(204);
    expect(await statusOf()).toBe(200);
  });

  it('refuses a fault it cannot apply as it is written (422 listing every problem)', async () => {
    const answer = await t.admin('POST', '/_simulator/faults', { status: '503', probability: 1.5, methods: 'GET', propability: 0.5 });
    expect(answer.status).toBe(422);
    expect(answer.body.detail.map((d: { type: string; loc: string[] }) => [d.type, d.loc])).toEqual([
      ['list_type', ['body', 'methods']],
      ['less_than_equal', ['body', 'probability']],
      ['int_type', ['body', 'status']],
      ['extra_forbidden', ['body', 'propability']],
    ]);
    expect((await t.admin('POST', '/_simulator/faults', [])).status).toBe(422);
    expect(t.sim.faults()).toEqual([]);
    expect(() => t.sim.injectFault({ probability: -1 })).toThrow(/probability/);
  });

  it('never faults the admin routes themselves', async () => {
    t.sim.injectFault({ status: 503 });
    expect((await t.admin('GET', '/_simulator/counts')).status).toBe(200);
    expect(await statusOf()).toBe(503);
    expect((await t.admin('POST', '/_simulator/reset')).status).toBe(204);
    expect(await statusOf()).toBe(200);
  });
});
