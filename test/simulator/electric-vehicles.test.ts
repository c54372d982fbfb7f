// What only EVs have, over real HTTP: charging sessions (paging, date range, the session under way),
// the weekly charge policy, boost with the EV's rules, and the plug-in/unplug hooks that start and end
// sessions.
import { describe, expect, it } from 'vitest';
import { EV_IDS, USER_IDS, seedId, type Json } from '../../src/simulator/seed.js';
import { SimulatorHookError } from '../../src/simulator/index.js';
import { START, devicePath, ownerOf, simulatorPerFile } from './client.js';

const t = simulatorPerFile();

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const path = (id: string) => devicePath('electric-vehicles', ownerOf(t.sim, id), id);
const get = async (id: string) => (await t.api('GET', path(id))).body as Json;
const sessions = (query: string, id: string = EV_IDS.full) => t.api('GET', `${path(id)}/sessions?${query}`);
const SESSION_FIELDS = [
  'id', 'plug_in_time', 'unplug_time', 'inferred_session_end', 'desired_charging_start_time', 'desired_charging_end_time', 'charge_deadline',
  'target_soc_pct', 'initial_soc_pct', 'final_soc_pct', 'energy_charged_kwh', 'avg_charge_power_kw', 'peak_charge_power_kw', 'actual_cost_eur',
  'expected_savings_eur', 'actual_savings_eur', 'is_at_home', 'session_outcome',
];
const ALL = 'from=2000-01-01&to=2100-12-31';

describe('completed sessions', () => {
  it('pages through 120 sessions, newest first, with the total before paging', async () => {
    const first = await sessions(ALL);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(120);
    expect(first.body.items).toHaveLength(50);
    const seen: Json[] = [];
    for (let offset = 0; offset < 130; offset += 40) {
      const page = await sessions(`${ALL}&limit=40&offset=${offset}`);
      expect(page.body.total).toBe(120);
      expect(page.body.items).toHaveLength(Math.max(0, Math.min(40, 120 - offset)));
      seen.push(...page.body.items);
    }
    expect(new Set(seen.map((s) => s.id)).size).toBe(120);
    const times = seen.map((s) => Date.parse(String(s.plug_in_time)));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(seen[0]).toEqual(first.body.items[0]);
    for (const item of seen) expect(Object.keys(item)).toEqual(SESSION_FIELDS);
    expect((await sessions(`${ALL}&limit=200`)).body.items).toHaveLength(120);
  });

  it('shows sessions at home and away, with the fields each has', async () => {
    const { items } = (await sessions(`${ALL}&limit=200`)).body as { items: Json[] };
    const away = items.filter((s) => s.is_at_home === false);
    expect(away.length).toBeGreaterThan(5);
    expect(away.every((s) => s.session_outcome === 'not_at_home' && s.charge_deadline === null)).toBe(true);
    const home = items.filter((s) => s.is_at_home === true);
    expect(home.every((s) => s.session_outcome === 'completed' && Object.values(s).every((v) => v !== null))).toBe(true);
  });

  it('takes from and to as inclusive UTC dates of the plug-in', async () => {
    const { items } = (await sessions(`${ALL}&limit=200`)).body as { items: Json[] };
    const day = String(items[10]!.plug_in_time).slice(0, 10);
    const onDay = items.filter((s) => String(s.plug_in_time).startsWith(day));
    expect(await sessions(`from=${day}&to=${day}`)).toEqual({ status: 200, body: { total: onDay.length, items: onDay } });
    const previous = new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10);
    const twoDays = (await sessions(`from=${previous}&to=${day}`)).body;
    expect(twoDays.items.every((s: Json) => [previous, day].includes(String(s.plug_in_time).slice(0, 10)))).toBe(true);
    expect(twoDays.total).toBe(items.filter((s) => [previous, day].includes(String(s.plug_in_time).slice(0, 10))).length);
    expect(await sessions('from=2020-01-01&to=2020-12-31')).toEqual({ status: 200, body: { total: 0, items: [] } });
    expect((await sessions('from=2026-11-24&to=2026-11-24')).body.total).toBe(1);
    expect((await sessions('from=2026-11-25&to=2026-11-26')).body.total).toBe(0);
  });

  it.each([
    ['', [['missing', 'from'], ['missing', 'to']]],
    ['from=2026-11-01', [['missing', 'to']]],
    ['from=2026-13-01&to=2026-11-30', [['date_parsing', 'from']]],
    ['from=2026-02-30&to=2026-03-01', [['date_parsing', 'from']]],
    ['from=01.11.2026&to=2026-11-30', [['date_parsing', 'from']]],
    ['from=2026-11-30&to=2026-11-01', [['value_error', 'from']]],
    [`${ALL}&limit=0`, [['greater_than_equal', 'limit']]],
    [`${ALL}&limit=201`, [['less_than_equal', 'limit']]],
    [`${ALL}&limit=ten`, [['int_parsing', 'limit']]],
    [`${ALL}&offset=-1`, [['greater_than_equal', 'offset']]],
    [`${ALL}&offset=1.5`, [['int_parsing', 'offset']]],
  ])('refuses ?%s (422)', async (query, problems) => {
    const answer = await sessions(query);
    expect(answer.status).toBe(422);
    expect(answer.body.detail.map((d: { type: string; loc: string[] }) => [d.type, d.loc[1]])).toEqual(problems);
    expect(answer.body.detail.every((d: { loc: string[] }) => d.loc[0] === 'query')).toBe(true);
  });

  it('is empty for an EV without history; 404 for a deleted EV', async () => {
    expect(await sessions(ALL, EV_IDS.sparse)).toEqual({ status: 200, body: { total: 0, items: [] } });
    expect((await sessions(ALL, EV_IDS.deleted)).status).toBe(404);
  });
});

describe('the session under way', () => {
  const current = async (id: string) => t.api('GET', `${path(id)}/sessions/current`);

  it('is the plugged-in EV session, and null when nothing is plugged in', async () => {
    const full = await current(EV_IDS.full);
    expect(full.status).toBe(200);
    expect(Object.keys(full.body.session)).toEqual(SESSION_FIELDS);
    expect(full.body.session).toMatchObject({ plug_in_time: '2026-11-25T17:42:00Z', unplug_time: null, is_at_home: true, session_outcome: null });
    expect(await current(EV_IDS.unplugged)).toEqual({ status: 200, body: { session: null } });
    expect((await current(EV_IDS.away)).body.session).toMatchObject({ is_at_home: false });
  });

  it('matches the seed: plugged-in EVs have a session under way, the others none', async () => {
    for (const { record } of t.sim.seed.electricVehicles.filter((ev) => !ev.record.deleted_at)) {
      const { session } = (await current(String(record.id))).body;
      expect(session === null, String(record.id)).toBe(record.is_plugged_in !== true);
    }
  });
});

describe('plugging in and out', () => {
  it('starts a session at plug-in and completes it at unplug, newest in the list', async () => {
    t.advance(60_000);
    const plugged = t.sim.plugIn(EV_IDS.unplugged);
    expect(plugged).toMatchObject({ is_plugged_in: true, boost_state: 'available', is_charging: false, current_state_last_updated_at: iso(START + 60_000) });
    const { session } = (await t.api('GET', `${path(EV_IDS.unplugged)}/sessions/current`)).body;
    // 06:45 in Vienna (UTC+1 in November) has passed at 09:01 local: the deadline is tomorrow's.
    expect(session).toMatchObject({ plug_in_time: iso(START + 60_000), initial_soc_pct: 41, target_soc_pct: 80, charge_deadline: '2026-11-27T05:45:00Z', is_at_home: true, unplug_time: null });

    t.advance(3_600_000);
    expect(t.sim.unplug(EV_IDS.unplugged)).toMatchObject({ is_plugged_in: false, boost_state: 'unavailable' });
    expect((await t.api('GET', `${path(EV_IDS.unplugged)}/sessions/current`)).body).toEqual({ session: null });
    const list = (await t.api('GET', `${path(EV_IDS.unplugged)}/sessions?from=2026-11-26&to=2026-11-26`)).body;
    expect(list).toEqual({ total: 1, items: [{ ...session, unplug_time: iso(START + 3_660_000), inferred_session_end: iso(START + 3_660_000), final_soc_pct: 41, session_outcome: 'completed' }] });
    expect((await sessions(ALL, EV_IDS.unplugged)).body.total).toBe(4);
  });

  it('records a session away from home as not_at_home', async () => {
    t.sim.plugIn(EV_IDS.unplugged, { atHome: false });
    expect(await get(EV_IDS.unplugged)).toMatchObject({ is_plugged_in: true, boost_state: 'unavailable' });
    t.sim.unplug(EV_IDS.unplugged);
    expect((await sessions(ALL, EV_IDS.unplugged)).body.items[0]).toMatchObject({ is_at_home: false, session_outcome: 'not_at_home', charge_deadline: null });
  });

  it('works through the admin routes, which are not logged as API calls', async () => {
    t.sim.resetCounts();
    const plugged = await t.admin('POST', `/_simulator/electric-vehicles/${EV_IDS.unplugged}/plug-in`, { at_home: false });
    expect(plugged).toMatchObject({ status: 200, body: { id: EV_IDS.unplugged, is_plugged_in: true } });
    expect((await t.api('GET', `${path(EV_IDS.unplugged)}/sessions/current`)).body.session).toMatchObject({ is_at_home: false });
    expect((await t.admin('POST', `/_simulator/electric-vehicles/${EV_IDS.unplugged}/unplug`)).body).toMatchObject({ is_plugged_in: false });
    expect(t.sim.received().map((r) => r.route)).toEqual(['GET /org/{org_id}/users/{user_id}/electric-vehicles/{electric_vehicle_id}/sessions/current']);
    // The admin routes are per kind; a wallbox id is not an EV.
    expect((await t.admin('POST', `/_simulator/electric-vehicles/${seedId('wallbox:anna-garage')}/plug-in`)).status).toBe(404);
    expect((await t.admin('POST', `/_simulator/electric-vehicles/${EV_IDS.deleted}/unplug`)).status).toBe(404);
    expect(() => t.sim.plugIn(EV_IDS.deleted)).toThrow(SimulatorHookError);
  });

  it('plugging in twice changes nothing', async () => {
    const before = (await t.api('GET', `${path(EV_IDS.full)}/sessions/current`)).body;
    t.advance(1000);
    t.sim.plugIn(EV_IDS.full);
    expect((await t.api('GET', `${path(EV_IDS.full)}/sessions/current`)).body).toEqual(before);
  });
});

describe('boost', () => {
  const boost = (id: string) => t.api('POST', `${path(id)}/boost`);
  const unboost = (id: string) => t.api('DELETE', `${path(id)}/boost`);

  it('starts at once when plugged in at home and idle; a second boost is a 409', async () => {
    expect((await boost(EV_IDS.idle)).status).toBe(204);
    expect(await get(EV_IDS.idle)).toMatchObject({ boost_state: 'ongoing', is_charging: true, charge_rate_w: 11000, current_state_last_updated_at: iso(START) });
    expect(await boost(EV_IDS.idle)).toEqual({ status: 409, body: { state: 'ongoing', reason: 'already_charging' } });
  });

  it('DELETE only disarms: a live boost goes on', async () => {
    await boost(EV_IDS.idle);
    expect((await unboost(EV_IDS.idle)).status).toBe(204);
    expect(await get(EV_IDS.idle)).toMatchObject({ boost_state: 'ongoing', is_charging: true, boost_for_next_session: false });
  });

  it('arms when unplugged (idempotently); plugging in at home fires it; DELETE disarms', async () => {
    for (let i = 0; i < 2; i++) expect((await boost(EV_IDS.unplugged)).status).toBe(204);
    expect(await get(EV_IDS.unplugged)).toMatchObject({ boost_for_next_session: true, boost_state: 'unavailable' });
    expect(t.sim.plugIn(EV_IDS.unplugged)).toMatchObject({ boost_state: 'ongoing', is_charging: true, boost_for_next_session: false });
    t.reset();
    await boost(EV_IDS.unplugged);
    expect((await unboost(EV_IDS.unplugged)).status).toBe(204);
    expect(t.sim.plugIn(EV_IDS.unplugged)).toMatchObject({ boost_state: 'available', is_charging: false });
  });

  it('refuses no_active_session while plugged in away from home; an armed boost waits for a home session', async () => {
    const before = await get(EV_IDS.away);
    expect(await boost(EV_IDS.away)).toEqual({ status: 409, body: { state: 'unavailable', reason: 'no_active_session' } });
    expect(await get(EV_IDS.away)).toEqual(before);

    await boost(EV_IDS.unplugged);
    expect(t.sim.plugIn(EV_IDS.unplugged, { atHome: false })).toMatchObject({ boost_state: 'unavailable', is_charging: false, boost_for_next_session: true });
    t.sim.unplug(EV_IDS.unplugged);
    expect(t.sim.plugIn(EV_IDS.unplugged)).toMatchObject({ boost_state: 'ongoing', boost_for_next_session: false });
  });

  it('refuses a charging EV (already_charging) and a full one (fully_charged)', async () => {
    expect(await boost(EV_IDS.full)).toEqual({ status: 409, body: { state: 'unavailable', reason: 'already_charging' } });
    expect(await boost(EV_IDS.charged)).toEqual({ status: 409, body: { state: 'unavailable', reason: 'fully_charged' } });
    // A higher target leaves room to charge.
    await t.api('PUT', path(EV_IDS.charged), { charge_target_max: 90 });
    expect((await boost(EV_IDS.charged)).status).toBe(204);
  });

  it('unplugging stops a live boost', async () => {
    await boost(EV_IDS.idle);
    expect(t.sim.unplug(EV_IDS.idle)).toMatchObject({ is_plugged_in: false, is_charging: false, charge_rate_w: 0, boost_state: 'unavailable' });
  });

  it('seeds boost_state consistently with the plug and the battery', () => {
    for (const { record } of t.sim.seed.electricVehicles) {
      if (record.id === EV_IDS.sparse || record.id === EV_IDS.newerUpstream) continue;
      const away = record.id === EV_IDS.away;
      const full = typeof record.battery_level === 'number' && record.battery_level >= (record.charge_target_max as number);
      const idle = record.is_plugged_in === true && record.is_charging !== true && !full && !away;
      expect(record.boost_state, String(record.id)).toBe(idle ? 'available' : 'unavailable');
    }
  });

  it.each(['POST', 'DELETE'])('%s: the ids are checked like every device route', async (method) => {
    expect((await t.api(method, `${devicePath('electric-vehicles', USER_IDS.anna!, 'x')}/boost`)).body.detail[0].loc).toEqual(['path', 'electric_vehicle_id']);
    expect((await t.api(method, `${path(EV_IDS.deleted)}/boost`)).status).toBe(404);
    expect((await t.api(method, `${path(EV_IDS.idle)}/boost`, undefined, { token: null })).status).toBe(401);
  });
});

describe('charge policy', () => {
  it('answers the weekly policy with its metadata', async () => {
    const answer = await t.api('GET', `${path(EV_IDS.full)}/charge-policy`);
    const weekday = { charge_percentage: 80, charge_deadline: '07:30' };
    const weekend = { charge_percentage: 60, charge_deadline: '10:00' };
    expect(answer).toEqual({
      status: 200,
      body: {
        metadata: { electric_vehicle_id: EV_IDS.full, user_id: USER_IDS.anna, error: null },
        data: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: weekend, sun: weekend, timezone: 'Europe/Vienna' },
      },
    });
  });

  it('says so in metadata.error when no policy is set', async () => {
    expect((await t.api('GET', `${path(EV_IDS.sparse)}/charge-policy`)).body).toEqual({
      metadata: { electric_vehicle_id: EV_IDS.sparse, user_id: USER_IDS.jonas, error: expect.any(String) },
      data: null,
    });
    expect((await t.api('GET', `${path(EV_IDS.deleted)}/charge-policy`)).status).toBe(404);
  });
});
