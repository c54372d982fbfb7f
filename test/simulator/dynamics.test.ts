// The simulator's dynamics (demo mode): cars charge and stop when full, rates wobble, heat pumps drift
// within bounds, a `requested` boost starts after its delay. `tick` is driven with an explicit clock:
// nothing here waits on wall time.
import { describe, expect, it } from 'vitest';
import { Dynamics, EV_BATTERY_KWH, HEAT_PUMP_DRIFT, RATE_WOBBLE, type DynamicsOptions } from '../../src/simulator/dynamics.js';
import { EV_IDS, HEAT_PUMP_IDS, WALLBOX_IDS, createSeed, type Json } from '../../src/simulator/seed.js';
import { Store } from '../../src/simulator/store.js';
import { START, devicePath, ownerOf, simulatorPerFile, wallboxPath } from './client.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A store and its dynamics at START, with `run` moving both forward one tick a second. */
function world(options: DynamicsOptions = {}) {
  let clock = START;
  const store = new Store(createSeed(), () => clock);
  const dynamics = new Dynamics(store, { intervalMs: 0, ...options });
  const record = (id: string): Json => store.devices.get(id)!.record;
  return {
    store,
    record,
    now: () => clock,
    /** Ticks every second for `ms`, calling `each` with the record of `id` after every tick. */
    run(ms: number, id?: string, each?: (r: Json) => void) {
      const end = clock + ms;
      while (clock < end) {
        clock += SECOND;
        dynamics.tick(clock);
        if (id && each) each(record(id));
      }
    },
    tick: () => dynamics.tick(clock),
  };
}

describe('charging', () => {
  it("an EV's battery rises with the energy drawn, and charging stops at its charge target", () => {
    const w = world();
    w.tick();
    const levels: number[] = [];
    w.run(60 * MINUTE, EV_IDS.full, (r) => levels.push(r.battery_level as number));
    // 62 % at about 7.2 kW for an hour, into a 60 kWh battery: about 12 points.
    expect(levels.at(-1)).toBeGreaterThanOrEqual(62 + Math.floor((7.2 * (1 - RATE_WOBBLE)) / EV_BATTERY_KWH * 100) - 1);
    expect(levels.at(-1)).toBeLessThanOrEqual(62 + Math.ceil((7.2 / EV_BATTERY_KWH) * 100));
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    expect(w.record(EV_IDS.full)).toMatchObject({ is_charging: true });

    w.run(3 * 60 * MINUTE);
    expect(w.record(EV_IDS.full)).toMatchObject({ battery_level: 80, is_charging: false, charge_rate_w: 0, actual_steering_state: 'idle', boost_state: 'unavailable' });
    const stoppedAt = w.record(EV_IDS.full).updated_at;
    expect(w.record(EV_IDS.full).current_state_last_updated_at).toBe(stoppedAt);
    w.run(10 * MINUTE);
    expect(w.record(EV_IDS.full)).toMatchObject({ battery_level: 80, is_charging: false, updated_at: stoppedAt });
  });

  it('never takes a battery past 100 %', () => {
    const w = world();
    Object.assign(w.record(EV_IDS.away), { battery_level: 97, charge_target_max: null });
    w.tick();
    w.run(30 * MINUTE, EV_IDS.away, (r) => expect(r.battery_level).toBeLessThanOrEqual(100));
    expect(w.record(EV_IDS.away)).toMatchObject({ battery_level: 100, is_charging: false, charge_rate_w: 0 });
  });

  it("a wallbox's minutes left count down, and at none the car is full and charging stops", () => {
    const w = world();
    w.tick();
    w.run(60 * MINUTE);
    // 138 minutes left at the start; the last reading was up to one cycle (5 s) ago.
    expect(w.record(WALLBOX_IDS.full)).toMatchObject({ is_charging: true, is_fully_charged: false });
    expect([78, 79]).toContain(w.record(WALLBOX_IDS.full).charge_time_remaining);
    w.run(80 * MINUTE);
    const done = w.record(WALLBOX_IDS.full);
    expect(done).toMatchObject({ charge_time_remaining: 0, is_fully_charged: true, is_charging: false, charge_rate_w: 0, actual_steering_state: 'idle' });
    expect(Date.parse(done.charge_state_last_updated_at as string)).toBeGreaterThan(START + 137 * MINUTE);
  });

  it('wobbles the rate a little below its steady power, changing at most once per reading', () => {
    const w = world();
    w.tick();
    const seen = [{ rate: 7360.5, stamp: w.record(WALLBOX_IDS.full).charge_state_last_updated_at }];
    w.run(2 * MINUTE, WALLBOX_IDS.full, (r) => {
      if (seen.at(-1)?.rate !== r.charge_rate_w) seen.push({ rate: r.charge_rate_w as number, stamp: r.charge_state_last_updated_at });
    });
    // A reading every 5 s: about 24 in two minutes, each stamped when it was taken.
    expect(seen.length).toBeGreaterThan(12);
    expect(seen.length).toBeLessThanOrEqual(26);
    for (const { rate, stamp } of seen.slice(1)) {
      expect(rate).toBeGreaterThanOrEqual(7360.5 * (1 - RATE_WOBBLE) - 1);
      expect(rate).toBeLessThanOrEqual(7360.5);
      expect(Date.parse(stamp as string)).toBeGreaterThan(START);
    }
  });

  it('leaves what a change made elsewhere set for a full reading cycle (a read right after a boost sees the boost)', () => {
    const w = world();
    w.tick();
    Object.assign(w.record(WALLBOX_IDS.annaCarport), { is_charging: true, charge_rate_w: 22000, boost_state: 'ongoing' });
    w.run(4 * SECOND, WALLBOX_IDS.annaCarport, (r) => expect(r.charge_rate_w).toBe(22000));
    w.run(2 * SECOND);
    expect(w.record(WALLBOX_IDS.annaCarport).charge_rate_w).not.toBe(22000);
  });
});

describe('boost', () => {
  it('a `requested` boost starts charging after five seconds, and not before', () => {
    const w = world();
    Object.assign(w.record(WALLBOX_IDS.annaCarport), { boost_state: 'requested' });
    w.tick();
    const requestedAt = w.now();
    w.run(4 * SECOND, WALLBOX_IDS.annaCarport, (r) => expect(r).toMatchObject({ boost_state: 'requested', is_charging: false, charge_rate_w: 0 }));
    w.run(SECOND);
    expect(w.now()).toBe(requestedAt + 5 * SECOND);
    expect(w.record(WALLBOX_IDS.annaCarport)).toMatchObject({
      boost_state: 'ongoing',
      is_charging: true,
      charge_rate_w: 22000,
      charge_state_last_updated_at: iso(requestedAt + 5 * SECOND),
      current_state_last_updated_at: iso(requestedAt + 5 * SECOND),
      updated_at: iso(requestedAt + 5 * SECOND),
    });
  });

  it("an EV's `requested` boost starts at the home charger's power and stamps its state", () => {
    const w = world({ boostStartMs: 3 * SECOND });
    Object.assign(w.record(EV_IDS.idle), { boost_state: 'requested' });
    w.tick();
    w.run(2 * SECOND);
    expect(w.record(EV_IDS.idle).boost_state).toBe('requested');
    w.run(SECOND);
    expect(w.record(EV_IDS.idle)).toMatchObject({ boost_state: 'ongoing', is_charging: true, charge_rate_w: 11000, current_state_last_updated_at: iso(w.now()) });
  });
});

describe('heat pumps', () => {
  it('drift their temperatures and power within bounds of where they started, however long it runs', () => {
    const w = world();
    const seeded = structuredClone(w.record(HEAT_PUMP_IDS.full));
    let changes = 0;
    let last = JSON.stringify(seeded);
    w.tick();
    w.run(6 * 60 * MINUTE, HEAT_PUMP_IDS.full, (r) => {
      for (const [field, { band }] of Object.entries(HEAT_PUMP_DRIFT)) {
        expect(Math.abs((r[field] as number) - (seeded[field] as number)), field).toBeLessThanOrEqual(band + 1e-9);
      }
      if (JSON.stringify(r) !== last) changes++;
      last = JSON.stringify(r);
    });
    // A reading every 5 s for six hours: most of them move something, none moves the settings.
    expect(changes).toBeGreaterThan(3000);
    const after = w.record(HEAT_PUMP_IDS.full);
    expect(after.indoor_target_temperature).toBe(seeded.indoor_target_temperature);
    expect(after.updated_at).toBe(seeded.updated_at);
    expect(after.current_state_last_updated_at).not.toBe(seeded.current_state_last_updated_at);
  });
});

describe('what stays still', () => {
  it('leaves deleted devices, devices their cloud cannot reach and idle chargers as seeded', () => {
    const w = world();
    const still = [HEAT_PUMP_IDS.deleted, HEAT_PUMP_IDS.reauth, EV_IDS.reauth, EV_IDS.unplugged, EV_IDS.charged, WALLBOX_IDS.annaHourly, WALLBOX_IDS.giuliaPaused];
    const before = still.map((id) => structuredClone(w.record(id)));
    w.tick();
    w.run(30 * MINUTE);
    expect(still.map((id) => w.record(id))).toEqual(before);
  });

  it('is deterministic for a seed, and another seed takes another course', () => {
    const run = (seed: number) => {
      const w = world({ seed });
      w.tick();
      w.run(5 * MINUTE);
      return JSON.stringify([...w.store.devices.values()].map((d) => d.record));
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
});

describe('over HTTP', () => {
  const t = simulatorPerFile({ dynamics: { intervalMs: 0 } });
  const off = simulatorPerFile();

  it('answers a device that changed between two reads, a tick apart', async () => {
    const path = wallboxPath(ownerOf(t.sim, WALLBOX_IDS.full), WALLBOX_IDS.full);
    t.sim.tickDynamics();
    const first = (await t.api('GET', path)).body as Json;
    t.advance(5 * SECOND);
    t.sim.tickDynamics();
    const second = (await t.api('GET', path)).body as Json;
    expect(second.charge_rate_w).not.toBe(first.charge_rate_w);
    expect(second.charge_state_last_updated_at).not.toBe(first.charge_state_last_updated_at);
    expect(second).toMatchObject({ ...first, charge_rate_w: second.charge_rate_w, charge_state_last_updated_at: second.charge_state_last_updated_at, current_state_last_updated_at: second.current_state_last_updated_at });
  });

  it('answers a boost with `requested`, and starts charging a few seconds later', async () => {
    const path = wallboxPath(ownerOf(t.sim, WALLBOX_IDS.annaCarport), WALLBOX_IDS.annaCarport);
    t.sim.tickDynamics();
    expect((await t.api('POST', `${path}/boost`)).status).toBe(204);
    t.advance(SECOND);
    t.sim.tickDynamics();
    expect((await t.api('GET', path)).body).toMatchObject({ boost_state: 'requested', is_charging: false, charge_rate_w: 0 });
    t.advance(5 * SECOND);
    t.sim.tickDynamics();
    expect((await t.api('GET', path)).body).toMatchObject({ boost_state: 'ongoing', is_charging: true, charge_rate_w: 22000 });
  });

  it('is off unless asked for: nothing changes, and there is nothing to tick', async () => {
    const path = devicePath('heat-pumps', ownerOf(off.sim, HEAT_PUMP_IDS.full), HEAT_PUMP_IDS.full);
    const before = (await off.api('GET', path)).body as Json;
    off.advance(60 * MINUTE);
    expect((await off.api('GET', path)).body).toEqual(before);
    expect(() => off.sim.tickDynamics()).toThrow(/without dynamics/);
  });
});
