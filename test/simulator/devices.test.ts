// Heat pumps, EVs and inverters over real HTTP: what every kind shares with wallboxes (the common
// record, lists of detail objects, the detail GET with include_deleted, the partial-update PUT, ids,
// cues) and the seed that shows each kind in every state the gateway must handle.
import { describe, expect, it } from 'vitest';
import { BUILDING_IDS, EV_IDS, HEAT_PUMP_IDS, INVERTER_IDS, TEAM_USER_IDS, USER_IDS, WALLBOX_IDS, seedId, type Json, type Seed } from '../../src/simulator/seed.js';
import { START, devicePath, ownerOf, simulatorPerFile, userPath } from './client.js';

const t = simulatorPerFile();

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The fields every device kind carries (the common part of the wallbox detail). */
const COMMON = [
  'id', 'connection_status', 'monitoring_status', 'steering_status', 'device_model', 'owner', 'created_at', 'updated_at', 'price_zone',
  'deleted_at', 'lifecycle_state', 'lifecycle_error', 'building', 'pause_power_until', 'is_pause_power_active', 'external_device_id',
  'is_authenticated', 'is_smart_optimization_active', 'optimization_score', 'current_mode', 'comment', 'current_state_last_updated_at',
  'last_monitoring_executed_at', 'is_inverter_forced_mode_enabled', 'is_inverter_forced_mode_active', 'inverter_forced_mode_since',
  'is_trading_enabled', 'actual_steering_state', 'embeddable_url', 'authorization_url', 'action_needed', 'actions',
];
/** What even a device that has never synced has (not nullable). */
const REQUIRED = [
  'id', 'connection_status', 'monitoring_status', 'steering_status', 'device_model', 'owner', 'created_at', 'updated_at', 'price_zone',
  'lifecycle_state', 'is_pause_power_active', 'is_smart_optimization_active', 'is_inverter_forced_mode_enabled', 'is_inverter_forced_mode_active',
  'is_trading_enabled', 'actual_steering_state', 'action_needed', 'actions',
];
/** Null on a healthy, live device. */
const ONLY_WHEN_NEEDED = ['deleted_at', 'lifecycle_error'];

interface Kind {
  name: string;
  collection: string;
  idParam: string;
  seed: keyof Pick<Seed, 'heatPumps' | 'electricVehicles' | 'inverters'>;
  shortName: string;
  ids: { full: string; sparse: string; reauth: string; newerUpstream: string; deleted: string };
  /** The kind's own fields (its attributes and state pages). */
  own: string[];
  /** Own fields that are not nullable. */
  ownRequired: string[];
  /** What the newer-upstream seed shows that the gateway does not know. */
  newer: Json;
  /** A valid update, and how the next GET must show it. */
  update: [Json, Json];
  /** Invalid bodies: each one problem, of this type, at this field. */
  invalid: [Json, string, string][];
}

const KINDS: Kind[] = [
  {
    name: 'heat pump',
    collection: 'heat-pumps',
    idParam: 'heat_pump_id',
    seed: 'heatPumps',
    shortName: 'hp_atw',
    ids: HEAT_PUMP_IDS,
    own: [
      'is_forecasting_enabled', 'optimization_level', 'indoor_target_temperature_offset', 'dhw_standard_temperature', 'is_hot_water_heating_enabled',
      'is_space_heating_enabled', 'is_pool_heating_enabled', 'is_space_cooling_enabled', 'heating_policy_name', 'is_heating_policy_enabled',
      'maximum_temperature_limit', 'minimum_temperature_limit', 'minimum_dhw_temperature_limit', 'is_away_mode_enabled', 'away_mode_start',
      'away_mode_end', 'away_mode_minimum_temperature_limit', 'current_power_consumption_w', 'outdoor_temperature', 'indoor_actual_temperature',
      'indoor_target_temperature', 'inlet_temperature', 'outlet_temperature', 'dhw_temperature', 'consumption_last_day_kwh',
      'consumption_last_week_kwh', 'consumption_last_month_kwh', 'consumption_last_updated_at',
    ],
    ownRequired: ['is_forecasting_enabled', 'is_hot_water_heating_enabled', 'is_space_heating_enabled', 'is_pool_heating_enabled', 'is_space_cooling_enabled', 'is_heating_policy_enabled', 'is_away_mode_enabled'],
    newer: { optimization_level: 'Adaptive', connection_status: 'degraded', defrost_cycle_active: true, actions: [{ code: 'schedule_maintenance', resolution_link: null, due_date: '2027-01-15' }] },
    update: [
      { optimization_level: 'Max', away_mode_start: '2026-12-01T10:00:00+01:00', away_mode_end: '2026-12-02T10:00:00Z', maximum_temperature_limit: 22.5, is_pool_heating_enabled: true, heating_policy_name: null },
      { optimization_level: 'Max', away_mode_start: '2026-12-01T09:00:00Z', away_mode_end: '2026-12-02T10:00:00Z', maximum_temperature_limit: 22.5, is_pool_heating_enabled: true, heating_policy_name: null },
    ],
    invalid: [
      [{ optimization_level: 'Turbo' }, 'enum', 'optimization_level'],
      [{ minimum_temperature_limit: '19' }, 'float_type', 'minimum_temperature_limit'],
      [{ is_space_cooling_enabled: null }, 'bool_type', 'is_space_cooling_enabled'],
      [{ away_mode_end: 'next week' }, 'datetime_parsing', 'away_mode_end'],
      [{ minimum_temperature_limit: 24 }, 'value_error', 'minimum_temperature_limit'],
      [{ away_mode_start: '2027-01-04T00:00:00Z' }, 'value_error', 'away_mode_start'],
    ],
  },
  {
    name: 'EV',
    collection: 'electric-vehicles',
    idParam: 'electric_vehicle_id',
    seed: 'electricVehicles',
    shortName: 'ev',
    ids: EV_IDS,
    own: [
      'charge_target_min', 'charge_target_max', 'minimum_charge_limit', 'is_charge_policy_enabled', 'charge_deadline_at', 'charge_policy_last_updated_at',
      'battery_level', 'charge_rate_w', 'is_plugged_in', 'is_charging', 'boost_state', 'boost_for_next_session',
    ],
    ownRequired: [],
    newer: { boost_state: 'scheduled', connection_status: 'degraded', odometer_km: 18234, actions: [{ code: 'confirm_home_location', resolution_link: null }] },
    update: [
      { charge_deadline_at: '06:15', charge_target_max: 90, is_smart_optimization_active: false },
      { charge_deadline_at: '06:15', charge_target_max: 90, is_smart_optimization_active: false, charge_policy_last_updated_at: iso(START) },
    ],
    invalid: [
      [{ charge_deadline_at: '6:15' }, 'time_parsing', 'charge_deadline_at'],
      [{ charge_deadline_at: '2026-11-27T06:00:00Z' }, 'time_parsing', 'charge_deadline_at'],
      [{ charge_target_min: 101 }, 'less_than_equal', 'charge_target_min'],
      [{ is_charge_policy_enabled: 'yes' }, 'bool_type', 'is_charge_policy_enabled'],
      [{ charge_target_min: 85 }, 'value_error', 'charge_target_min'],
    ],
  },
  {
    name: 'inverter',
    collection: 'inverters',
    idParam: 'inverter_id',
    seed: 'inverters',
    shortName: 'inverter',
    ids: INVERTER_IDS,
    own: [
      'solar_power_rating_kw', 'is_battery_connected', 'battery_capacity_kwh', 'min_battery_charge', 'max_battery_charge', 'current_power_to_grid_w',
      'current_solar_production_w', 'household_consumption_w', 'solar_surplus_w', 'battery_charge_level_percent', 'battery_charge_discharge_power_w',
    ],
    ownRequired: ['is_battery_connected'],
    newer: { connection_status: 'degraded', grid_feed_in_limit_w: 6000, actions: [{ code: 'grant_battery_control', resolution_link: null }] },
    update: [
      { solar_power_rating_kw: 10.5, max_battery_charge: 90, price_zone: 'AT_HOURLY' },
      { solar_power_rating_kw: 10.5, max_battery_charge: 90, price_zone: 'AT_HOURLY' },
    ],
    invalid: [
      [{ solar_power_rating_kw: -1 }, 'greater_than_equal', 'solar_power_rating_kw'],
      [{ is_battery_connected: null }, 'bool_type', 'is_battery_connected'],
      [{ max_battery_charge: 100.5 }, 'int_from_float', 'max_battery_charge'],
      [{ min_battery_charge: 96 }, 'value_error', 'min_battery_charge'],
      [{ battery_capacity_kwh: null }, 'value_error', 'battery_capacity_kwh'],
    ],
  },
];

describe.each(KINDS)('$name', (kind) => {
  const seeded = () => t.sim.seed[kind.seed];
  const path = (id: string) => devicePath(kind.collection, ownerOf(t.sim, id), id);
  const get = async (id: string) => (await t.api('GET', `${path(id)}?include_deleted=true`)).body as Json;
  const put = (id: string, body: unknown) => t.api('PUT', path(id), body);

  describe('the seed', () => {
    it('gives every device the common fields and the kind', () => {
      for (const { record } of seeded()) {
        expect(Object.keys(record), String(record.id)).toEqual(expect.arrayContaining([...COMMON, ...kind.own]));
        expect((record.device_model as { device_type: Json }).device_type.short_name).toBe(kind.shortName);
      }
    });

    it('populates every field on the full device', async () => {
      const full = await get(kind.ids.full);
      const empty = [...COMMON, ...kind.own].filter((f) => !ONLY_WHEN_NEEDED.includes(f) && (full[f] === null || full[f] === undefined));
      expect(empty).toEqual([]);
      expect(Object.values(full.device_model as Json)).not.toContain(null);
    });

    it('leaves every nullable field null on the sparse device', async () => {
      const sparse = await get(kind.ids.sparse);
      const set = Object.keys(sparse).filter((f) => sparse[f] !== null);
      expect(set.sort()).toEqual([...REQUIRED, ...kind.ownRequired].sort());
      expect(sparse.device_model).toMatchObject({ device_type: { short_name: kind.shortName, long_name: null }, manufacturer: null, model: null, year: null });
    });

    it('has a device from a newer upstream', async () => {
      expect(await get(kind.ids.newerUpstream)).toMatchObject({ ...kind.newer, action_needed: true });
    });

    it('has a device that needs re-authentication, with a cue this simulator resolves', async () => {
      const reauth = await get(kind.ids.reauth);
      expect(reauth).toMatchObject({ is_authenticated: false, lifecycle_state: 'error', action_needed: true, actions: [{ code: 'reauthenticate' }] });
      const url = new URL((reauth.actions as { resolution_link: { url: string } }[])[0]!.resolution_link.url);
      expect(url.href.startsWith(t.sim.apiUrl.href)).toBe(true);
      const secret = url.searchParams.get('secret')!;
      const cue = url.pathname.split('/').at(-2)!;
      const started = await t.api('POST', `/cues/${cue}/resolve?secret=${secret}`, { successUrl: 'https://partner.example/ok', cancelUrl: 'https://partner.example/no' });
      expect(started.status).toBe(200);
      expect((await t.api('POST', `/cues/${cue}/state?secret=${secret}`, { state: 'success' }, { token: null })).status).toBe(200);
      expect(await get(kind.ids.reauth)).toMatchObject({ is_authenticated: true, lifecycle_state: 'authenticated', lifecycle_error: null, actions: [], action_needed: false });
    });

    it('points devices at buildings of their owners', async () => {
      for (const { userId, record } of seeded()) {
        if (record.building === null) continue;
        expect((await t.api('GET', `${userPath(userId)}/buildings/${record.building as string}`)).status, String(record.id)).toBe(200);
      }
    });
  });

  describe('the list', () => {
    it('is a bare array of what the detail GETs answer, without soft-deleted devices', async () => {
      for (const userId of Object.values(USER_IDS)) {
        const list = await t.api('GET', `${userPath(userId)}/${kind.collection}`);
        expect(list.status).toBe(200);
        const live = seeded().filter((d) => d.userId === userId && !d.record.deleted_at);
        const details = await Promise.all(live.map(async (d) => (await t.api('GET', path(String(d.record.id)))).body as Json));
        expect(list.body, userId).toEqual(details);
      }
      const deletedOwner = ownerOf(t.sim, kind.ids.deleted);
      expect(((await t.api('GET', `${userPath(deletedOwner)}/${kind.collection}`)).body as Json[]).map((d) => d.id)).not.toContain(kind.ids.deleted);
      expect(t.sim.count(`GET /org/{org_id}/users/{user_id}/${kind.collection}`)).toBe(Object.values(USER_IDS).length + 1);
    });

    it('is empty for a user without such devices, and refuses unknown users, foreign orgs and missing tokens', async () => {
      expect(await t.api('GET', `${userPath(TEAM_USER_IDS.staff)}/${kind.collection}`)).toEqual({ status: 200, body: [] });
      expect((await t.api('GET', `${userPath(seedId('user:nobody'))}/${kind.collection}`)).status).toBe(404);
      expect((await t.api('GET', `${userPath('nope')}/${kind.collection}`)).body.detail[0].loc).toEqual(['path', 'user_id']);
      expect((await t.api('GET', `${userPath(USER_IDS.anna!, seedId('org:other'))}/${kind.collection}`)).status).toBe(403);
      expect((await t.api('GET', `${userPath(USER_IDS.anna!)}/${kind.collection}`, undefined, { token: null })).status).toBe(401);
    });
  });

  describe('the detail', () => {
    it('shows a soft-deleted device only with include_deleted', async () => {
      expect((await t.api('GET', path(kind.ids.deleted))).status).toBe(404);
      expect(await t.api('GET', `${path(kind.ids.deleted)}?include_deleted=true`)).toMatchObject({ status: 200, body: { id: kind.ids.deleted, deleted_at: expect.any(String) } });
    });

    it.each([
      ['GET', ''],
      ['PUT', ''],
    ])('%s: 422 for a malformed id, 403 for a foreign org, 404 for unknown, foreign, other-kind or deleted devices, 401 without a token', async (method) => {
      const anna = USER_IDS.anna!;
      const body = method === 'PUT' ? { comment: 'x' } : undefined;
      const at = (userId: string, id: string, orgId?: string) => t.api(method, devicePath(kind.collection, userId, id, orgId), body);
      const malformed = await at(anna, 'not-a-uuid');
      expect(malformed.status).toBe(422);
      expect(malformed.body.detail[0].loc).toEqual(['path', kind.idParam]);
      expect((await at(anna, kind.ids.full, seedId('org:other'))).status).toBe(403);
      expect((await at(anna, seedId('device:nobody'))).status).toBe(404);
      expect((await at(seedId('user:nobody'), kind.ids.full)).status).toBe(404);
      expect((await at(USER_IDS.giulia!, kind.ids.full)).status).toBe(404);
      expect((await at(anna, WALLBOX_IDS.full)).status).toBe(404);
      expect((await t.api(method, path(kind.ids.deleted), body)).status).toBe(404);
      expect((await t.api(method, path(kind.ids.full), body, { token: null })).status).toBe(401);
    });
  });

  describe('PUT', () => {
    it('changes only the fields sent, stamps updated_at, answers the device, and the next GET shows it', async () => {
      const before = await get(kind.ids.full);
      const [body, shown] = kind.update;
      const answer = await put(kind.ids.full, { ...body, building_id: BUILDING_IDS.annaHolidayHome, id: seedId('other'), is_charging: true, frobnicate: 1 });
      expect(answer).toEqual({ status: 200, body: { ...before, ...shown, building: BUILDING_IDS.annaHolidayHome, updated_at: iso(START) } });
      expect(await get(kind.ids.full)).toEqual(answer.body);
      // The list shows the change too.
      const list = await t.api('GET', `${userPath(USER_IDS.anna!)}/${kind.collection}`);
      expect(list.body.find((d: Json) => d.id === kind.ids.full)).toEqual(answer.body);
    });

    it('pauses power through pause_power_until, as on every kind', async () => {
      t.advance(1000);
      const paused = await put(kind.ids.full, { pause_power_until: '2026-11-26T10:30:00+01:00' });
      expect(paused.body).toMatchObject({ pause_power_until: '2026-11-26T09:30:00Z', is_pause_power_active: true, updated_at: iso(START + 1000) });
      expect((await put(kind.ids.full, { pause_power_until: null })).body).toMatchObject({ pause_power_until: null, is_pause_power_active: false });
    });

    it.each(kind.invalid)('refuses %j (%s at %s) and changes nothing', async (body, type, field) => {
      const before = await get(kind.ids.full);
      const answer = await put(kind.ids.full, { comment: 'valid', ...body });
      expect(answer).toEqual({ status: 422, body: { detail: [{ type, loc: ['body', field], msg: expect.any(String) }] } });
      expect(await get(kind.ids.full)).toEqual(before);
    });

    it('lists every problem, own and common, one item each', async () => {
      const [first] = kind.invalid[0]!;
      const answer = await put(kind.ids.full, { ...first, price_zone: 'MARS', comment: 7, building_id: 'b-1' });
      expect(answer.status).toBe(422);
      expect(answer.body.detail.map((d: { loc: string[] }) => d.loc[1])).toEqual([kind.invalid[0]![2], 'price_zone', 'comment', 'building_id']);
    });
  });
});

describe('kind-specific PUT rules', () => {
  it('inverter: a connected battery needs its capacity', async () => {
    const path = devicePath('inverters', USER_IDS.oliver!, INVERTER_IDS.noBattery);
    const refused = await t.api('PUT', path, { is_battery_connected: true });
    expect(refused.body.detail).toEqual([{ type: 'value_error', loc: ['body', 'battery_capacity_kwh'], msg: expect.stringContaining('required') }]);
    expect((await t.api('PUT', path, { is_battery_connected: true, battery_capacity_kwh: 5, min_battery_charge: 20 })).body).toMatchObject({ is_battery_connected: true, battery_capacity_kwh: 5, min_battery_charge: 20 });
  });

  it('EV: charge_policy_last_updated_at moves only when the charge policy changes', async () => {
    const path = devicePath('electric-vehicles', USER_IDS.anna!, EV_IDS.unplugged);
    t.advance(1000);
    expect((await t.api('PUT', path, { comment: 'no policy change', charge_target_max: 80 })).body.charge_policy_last_updated_at).toBe('2026-10-02T18:03:44Z');
    expect((await t.api('PUT', path, { charge_deadline_at: null })).body).toMatchObject({ charge_deadline_at: null, charge_policy_last_updated_at: iso(START + 1000) });
  });
});

it('reset brings back the seeded devices', async () => {
  await t.api('PUT', devicePath('heat-pumps', USER_IDS.anna!, HEAT_PUMP_IDS.full), { comment: 'changed' });
  t.reset();
  expect((await t.api('GET', devicePath('heat-pumps', USER_IDS.anna!, HEAT_PUMP_IDS.full))).body.comment).toMatch(/^Cellar/);
});
