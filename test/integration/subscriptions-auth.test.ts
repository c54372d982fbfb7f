// Subscriptions with caller authentication: each is authorized like the query of the same name, when it
// subscribes (FORBIDDEN, no poller and no upstream call for another user's device), the token is read
// from the Authorization header, and a stream ends with UNAUTHENTICATED once its token's `exp` (plus
// the clock tolerance requests get) has passed. Every subscription field is probed: one added without
// its scopes fails here.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { EV_IDS, HEAT_PUMP_IDS, INVERTER_IDS, USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { apiCalls, startStack, type RunningGateway } from '../helpers/stack.js';
import { eventually, subscribeSse, type SseSubscription } from '../helpers/sse.js';

const ANNA = USER_IDS.anna!;
const JONAS = USER_IDS.jonas!;

const idp = await IdentityProvider.start();
const { sim, gateway, close } = await startStack({ callerAuth: idp.auth(), live: { intervalMs: 3_600_000 } });
const open: SseSubscription[] = [];
afterEach(async () => {
  open.splice(0).forEach((s) => s.close());
  await eventually(() => pollers(gateway) === 0, 'the pollers to stop');
  sim.resetCounts();
});
afterAll(async () => {
  await close();
  await idp.close();
});

const anna = (expiresInS = 600) => idp.token({ claims: { sub: 'anna@example.at', podero_user_id: ANNA }, expiresInS });

async function subscribe(query: string, token: string | undefined): Promise<SseSubscription> {
  const s = await subscribeSse(gateway.url, query, undefined, token ? { authorization: `Bearer ${token}` } : {});
  open.push(s);
  return s;
}

function pollers(on: RunningGateway): number {
  const metric = on.metrics.registry.getSingleMetric('podero_live_pollers') as unknown as { hashMap: Record<string, { value: number }> } | undefined;
  return metric?.hashMap['']?.value ?? 0;
}

/** A subscription of each root field naming Jonas's device (or Jonas), which Anna may not watch. */
const PROBES: Record<string, string> = {
  wallbox: `subscription { wallbox(userId: "${JONAS}", id: "${WALLBOX_IDS.reauth}") { id } }`,
  heatPump: `subscription { heatPump(userId: "${JONAS}", id: "${HEAT_PUMP_IDS.full}") { id } }`,
  electricVehicle: `subscription { electricVehicle(userId: "${JONAS}", id: "${EV_IDS.full}") { id } }`,
  inverter: `subscription { inverter(userId: "${JONAS}", id: "${INVERTER_IDS.full}") { id } }`,
  devices: `subscription { devices(userId: "${JONAS}") { id } }`,
};

describe('authorized when it subscribes', () => {
  it('has a probe for every subscription field', () => {
    expect(Object.keys(schema.getSubscriptionType()!.getFields()).sort()).toEqual(Object.keys(PROBES).sort());
  });

  for (const [field, query] of Object.entries(PROBES)) {
    it(`refuses ${field} of another user with FORBIDDEN, before any poller or upstream call`, async () => {
      const s = await subscribe(query, await anna());
      await s.waitForComplete();
      expect(s.events).toHaveLength(1);
      expect(s.events[0]!.errors![0]!.extensions.code).toBe('FORBIDDEN');
      expect(apiCalls(sim)).toBe(0);
      expect(pollers(gateway)).toBe(0);
    });
  }

  it('serves the caller their own device, named or implied', async () => {
    const s = await subscribe(`subscription { wallbox(id: "${WALLBOX_IDS.full}") { id owner { id } } }`, await anna());
    expect((await s.waitForEvents(1))[0]).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full, owner: { id: ANNA } } } });
  });

  it('refuses a caller without a token with 401 UNAUTHENTICATED', async () => {
    const s = await subscribe(PROBES.wallbox!, undefined);
    expect(s.status).toBe(401);
    await s.waitForComplete();
    expect((s.body ?? s.events[0])!.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(apiCalls(sim)).toBe(0);
  });
});

it('ends a stream with UNAUTHENTICATED when its token expires', async () => {
  // Expired 27 s ago: still inside the 30 s clock tolerance requests get, so accepted now, and the
  // stream ends once the tolerance has passed too (about 3 s from now).
  const s = await subscribe(`subscription { wallbox(id: "${WALLBOX_IDS.full}") { id } }`, await anna(-27));
  await s.waitForEvents(1);
  await s.waitForComplete();
  expect(s.events).toHaveLength(2);
  expect(s.events[1]).toMatchObject({ data: { wallbox: null }, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
});
