// Upstream call counts, measured at the simulator: one GET per distinct wallbox per operation,
// concurrent up to the cap, and nothing cached across operations.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WALLBOX_GET, startGateway, startStack } from '../helpers/stack.js';

const { sim, gateway, close } = await startStack({ maxConcurrency: 8 });
afterAll(close);

afterEach(() => {
  sim.clearFaults();
  sim.resetCounts();
});
/** Live (not soft-deleted) seeded wallboxes with their owners. */
function liveWallboxes() {
  return sim.seed.wallboxes.filter((w) => !w.record.deleted_at).map((w) => ({ userId: w.userId, id: String(w.record.id) }));
}

describe('batching', () => {
  it('costs exactly one upstream GET per distinct wallbox: 30 aliases over 7 wallboxes -> 7 GETs', async () => {
    const seven = liveWallboxes().slice(0, 7);
    const aliases = Array.from({ length: 30 }, (_, i) => {
      const w = seven[i % 7]!;
      // Alternate plain selections and fragment spreads: both go through the same loader.
      return i % 2 === 0
        ? `a${i}: wallbox(userId: "${w.userId}", id: "${w.id}") { id connectionStatus }`
        : `a${i}: wallbox(userId: "${w.userId}", id: "${w.id}") { ...Parts }`;
    });
    const { body } = await gateway.graphql(`{ ${aliases.join('\n')} } fragment Parts on Wallbox { id owner { id } deviceModel { model } }`);
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data)).toHaveLength(30);
    for (let i = 0; i < 30; i++) expect(body.data[`a${i}`].id).toBe(seven[i % 7]!.id);
    expect(sim.count(WALLBOX_GET)).toBe(7);
  });

  it('keys on includeDeleted too: the same wallbox with and without it is two reads', async () => {
    const w = liveWallboxes()[0]!;
    await gateway.graphql(
      `{ a: wallbox(userId: "${w.userId}", id: "${w.id}") { id } b: wallbox(userId: "${w.userId}", id: "${w.id}", includeDeleted: true) { id } c: wallbox(userId: "${w.userId}", id: "${w.id}", includeDeleted: false) { id } }`,
    );
    expect(sim.count(WALLBOX_GET)).toBe(2);
  });

  it('caches nothing across operations: the same query twice is two GETs', async () => {
    const w = liveWallboxes()[0]!;
    const query = `{ wallbox(userId: "${w.userId}", id: "${w.id}") { id } }`;
    await gateway.graphql(query);
    await gateway.graphql(query);
    expect(sim.count(WALLBOX_GET)).toBe(2);
  });
});

describe('concurrency', () => {
  async function maxInFlight(cap: number): Promise<number> {
    const capped = await startGateway(sim, { maxConcurrency: cap });
    try {
      sim.resetCounts();
      // Every GET takes 2 s, so calls that run concurrently overlap at the simulator, even on a
      // machine busy enough to space out their start by a second (500 ms once saw 5 of 7 overlap).
      sim.injectFault({ route: WALLBOX_GET, delayMs: 2000 });
      const seven = liveWallboxes().slice(0, 7);
      const { body } = await capped.graphql(`{ ${seven.map((w, i) => `w${i}: wallbox(userId: "${w.userId}", id: "${w.id}") { id }`).join(' ')} }`);
      expect(body.errors).toBeUndefined();
      expect(sim.count(WALLBOX_GET)).toBe(7);
      return sim.maxInFlight;
    } finally {
      sim.clearFaults();
      await capped.close();
    }
  }

  it('loads distinct wallboxes concurrently', async () => {
    expect(await maxInFlight(8)).toBe(7);
  });

  it('never has more calls in flight than PODERO_MAX_CONCURRENCY', async () => {
    expect(await maxInFlight(3)).toBe(3);
  });
});
