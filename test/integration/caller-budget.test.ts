// Each caller's budget of upstream calls (RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE): counted in calls, not
// requests; a field the budget cannot pay for fails with RATE_LIMITED and retryAfter and makes no
// call; other callers are unaffected. Keyed by the token's user (or subject), by address without auth.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCallBudget } from '../../src/caller/budget.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const JONAS = USER_IDS.jonas!;
/** Seven distinct wallboxes of one user (four unknown ones: a 404 is a call too). */
const SEVEN = (userId: string) =>
  `{ ${[WALLBOX_IDS.full, WALLBOX_IDS.annaCarport, WALLBOX_IDS.annaHourly, ...[1, 2, 3, 4].map((i) => `00000000-0000-4000-8000-00000000000${i}`)]
    .map((id, i) => `w${i}: wallbox(userId: "${userId}", id: "${id}") { id }`)
    .join(' ')} }`;

let sim: Simulator;
let idp: IdentityProvider;
beforeAll(async () => {
  sim = await startTestSimulator();
  idp = await IdentityProvider.start();
});
afterEach(() => sim.resetCounts());
afterAll(async () => {
  await idp.close();
  await sim.close();
});

describe('with caller authentication', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(sim, { callerAuth: idp.auth(), upstreamCallsPerMinute: 5 });
  });
  afterAll(() => gateway.close());

  it('pays for 5 calls, refuses the rest with RATE_LIMITED and retryAfter, without calling; others keep theirs', async () => {
    const anna = await idp.token({ claims: { sub: 'anna', podero_user_id: ANNA } });
    const { body } = await gateway.graphql(SEVEN(ANNA), undefined, { authorization: `Bearer ${anna}` });
    const limited = (body.errors ?? []).filter((e) => e.extensions.code === 'RATE_LIMITED');
    expect(limited).toHaveLength(2);
    // 5 a minute: the next call is affordable in 12 s.
    for (const error of limited) expect(error.extensions.retryAfter).toBe(12);
    expect(sim.count(WALLBOX_GET)).toBe(5);

    // Anna's budget is spent, another caller's is not.
    const again = await gateway.graphql(`{ wallbox(id: "${WALLBOX_IDS.full}") { id } }`, undefined, { authorization: `Bearer ${anna}` });
    expect(again.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    const staff = await idp.token({ claims: { sub: 'agent-7', podero_role: 'staff' } });
    const other = await gateway.graphql(`{ wallbox(userId: "${JONAS}", id: "${WALLBOX_IDS.reauth}") { id } }`, undefined, { authorization: `Bearer ${staff}` });
    expect(other.body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.reauth } } });
    expect(sim.count(WALLBOX_GET)).toBe(6);
  });

  it('is the user\'s, whatever token they present', async () => {
    const second = await idp.token({ claims: { sub: 'anna-on-her-phone', podero_user_id: ANNA } });
    const { body } = await gateway.graphql(`{ wallbox(id: "${WALLBOX_IDS.full}") { id } }`, undefined, { authorization: `Bearer ${second}` });
    expect(body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(sim.count(WALLBOX_GET)).toBe(0);
  });
});

it('without caller authentication, is the client address\'s', async () => {
  const gateway = await startGateway(sim, { upstreamCallsPerMinute: 5 });
  try {
    const { body } = await gateway.graphql(SEVEN(ANNA));
    expect((body.errors ?? []).filter((e) => e.extensions.code === 'RATE_LIMITED')).toHaveLength(2);
    expect(sim.count(WALLBOX_GET)).toBe(5);
  } finally {
    await gateway.close();
  }
});

it('refills continuously: a token bucket of N per minute', () => {
  let now = 0;
  const budget = new MemoryCallBudget(60, () => now);
  for (let i = 0; i < 60; i++) expect(budget.take('a', 1)).toBe(0);
  expect(budget.take('a', 1)).toBe(1000); // one call per second refills
  expect(budget.take('b', 1)).toBe(0); // another key has its own bucket
  now += 2500;
  expect(budget.take('a', 1)).toBe(0);
  expect(budget.take('a', 1)).toBe(0);
  expect(budget.take('a', 1)).toBe(500);
  now += 10 * 60_000;
  for (let i = 0; i < 60; i++) expect(budget.take('a', 1)).toBe(0); // never more than a minute's worth
  expect(budget.take('a', 1)).toBeGreaterThan(0);
});
