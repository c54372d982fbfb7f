// The seeded electric vehicles, one for every way a boost can go (plugged in and charging, idle at
// home, full, unplugged, plugged in away from home), plus the null-heavy, re-authentication, newer-
// upstream and soft-deleted cases; their charging sessions (120 completed ones for the fully populated
// EV, so paging is real) and their weekly charge policies.
import type { ChargingSessions, Json, SeedDevice } from '../records.js';
import { sessionItem, SESSION_OUTCOMES } from '../api/charging-sessions.js';
import { ELECTRIC_VEHICLE } from '../api/electric-vehicles.js';
import { CLOUD, fromNewerUpstream, lapsed, retired, seedKind } from './devices.js';
import { anna, giulia, jonas, lukas, oliver, seedFraction, seedId, sofia } from './people.js';

export const EV_IDS = {
  /** Every field populated; plugged in at home and charging (a boost is refused: already_charging); 120 completed sessions. */
  full: seedId('ev:anna-id4'),
  /** Not plugged in: a boost is armed for the next session. */
  unplugged: seedId('ev:anna-zoe'),
  /** Plugged in at home and idle: a boost starts at once. */
  idle: seedId('ev:lukas-enyaq'),
  /** Plugged in at home with the battery at its charge target: a boost is refused (fully_charged). */
  charged: seedId('ev:sofia-model3'),
  /** Plugged in away from home: a boost is refused (no_active_session). */
  away: seedId('ev:oliver-leaf'),
  /** Only the required fields; everything nullable is null; no charge policy. */
  sparse: seedId('ev:jonas-new'),
  /** Needs the owner to sign in again: a `reauthenticate` action with a cue, lifecycle error. */
  reauth: seedId('ev:lukas-ix1'),
  /** Values from a newer upstream: an unknown boost_state, status, action code and field. */
  newerUpstream: seedId('ev:giulia-500e'),
  /** Soft-deleted: only visible with include_deleted, never in the list. */
  deleted: seedId('ev:sofia-old-leaf'),
} as const;

/** EVs that are connected and unplugged; each seed below overrides what makes it different. */
const vehicles = seedKind({
  spec: ELECTRIC_VEHICLE,
  noun: 'car',
  prefix: 'ev',
  tag: 'EV',
  since: '2025-11-02T16:45:00Z',
  synced: {
    charge_target_min: 20,
    charge_target_max: 80,
    minimum_charge_limit: 30,
    is_charge_policy_enabled: true,
    charge_deadline_at: '07:30',
    charge_policy_last_updated_at: '2026-10-02T18:03:44Z',
    battery_level: 54,
    charge_rate_w: 0,
    is_plugged_in: false,
    is_charging: false,
    // Nothing plugged in: nothing to boost. A seed that plugs the car in says what boost can do.
    boost_state: 'unavailable',
    boost_for_next_session: false,
  },
});
const { model } = vehicles;

export function seedElectricVehicles(): SeedDevice[] {
  return [
    vehicles.synced('anna-id4', anna, model('Volkswagen', 'ID.4 Pro', 2023, CLOUD.volkswagen), {
      comment: 'Company car; charged at home only.',
      is_trading_enabled: true,
      pause_power_until: '2026-11-24T17:00:00Z',
      is_inverter_forced_mode_enabled: true,
      inverter_forced_mode_since: '2026-06-01T11:00:00Z',
      actual_steering_state: 'charging',
      battery_level: 62,
      charge_rate_w: 7200,
      is_plugged_in: true,
      is_charging: true,
    }),
    vehicles.synced('anna-zoe', anna, model('Renault', 'Zoe R135', 2021, CLOUD.renault), { battery_level: 41, charge_deadline_at: '06:45' }),
    vehicles.synced('lukas-enyaq', lukas, model('Škoda', 'Enyaq 85', 2024, CLOUD.volkswagen), {
      price_zone: 'DE_LU',
      battery_level: 48,
      is_plugged_in: true,
      boost_state: 'available',
    }),
    vehicles.synced('sofia-model3', sofia, model('Tesla', 'Model 3 Long Range', 2022, CLOUD.tesla), {
      price_zone: 'PT',
      battery_level: 80,
      is_plugged_in: true,
      actual_steering_state: 'idle',
    }),
    vehicles.synced('oliver-leaf', oliver, model('Nissan', 'Leaf e+', 2020, CLOUD.nissan), {
      price_zone: 'UK',
      battery_level: 33,
      charge_rate_w: 46000,
      is_plugged_in: true,
      is_charging: true,
      actual_steering_state: 'unknown',
    }),
    // The null-heavy record: an EV right after it was connected, before its first sync.
    vehicles.sparse(EV_IDS.sparse, jonas, '2026-11-25T18:20:44Z', 'SE_1'),
    vehicles.synced('lukas-ix1', lukas, model('BMW', 'iX1 xDrive30', 2023, CLOUD.bmw), {
      price_zone: 'DE_LU',
      ...lapsed('ev-lukas-ix1', 'BMW ConnectedDrive rejected the stored refresh token (invalid_grant).'),
      battery_level: null,
    }),
    vehicles.synced('giulia-500e', giulia, model('Fiat', '500e La Prima', 2024, CLOUD.volkswagen), {
      price_zone: 'IT_NORD',
      ...fromNewerUpstream({ code: 'confirm_home_location' }, { boost_state: 'scheduled', odometer_km: 18234 }),
    }),
    vehicles.synced('sofia-old-leaf', sofia, model('Nissan', 'Leaf', 2016, CLOUD.nissan), {
      price_zone: 'PT',
      ...retired('2026-05-18T08:00:00Z'),
    }),
  ];
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(Math.round(ms / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * `count` completed sessions of an EV, newest first, ending the day before `latestDay` (a UTC date):
 * evenings at home charged to the target by the morning, and every ninth a fast charge away from home.
 */
function completedSessions(key: string, count: number, latestDay: string, batteryKwh: number): Json[] {
  const latest = Date.parse(`${latestDay}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => {
    const r = (what: string) => seedFraction(`session:${key}:${i}:${what}`);
    const day = latest - Math.round(i * 1.25 + 1) * DAY;
    const home = i % 9 !== 4;
    const initial = Math.round(15 + 45 * r('initial'));
    const final = home ? 80 : Math.min(95, initial + Math.round(10 + 25 * r('final')));
    const energy = round2(((final - initial) / 100) * batteryKwh);
    const plugIn = home ? day + (16 + 4 * r('plug-in')) * HOUR : day + (11 + 2 * r('plug-in')) * HOUR;
    const avgKw = home ? round2(3.5 + 3.9 * r('avg')) : round2(40 + 50 * r('avg'));
    const unplug = home ? day + DAY + (5.5 + 2 * r('unplug')) * HOUR : plugIn + (energy / avgKw + 0.25) * HOUR;
    const start = day + DAY + (0.5 + 2.5 * r('start')) * HOUR;
    const savings = round2(energy * 0.05);
    return sessionItem({
      id: seedId(`session:${key}:${i}`),
      plug_in_time: at(plugIn),
      unplug_time: at(unplug),
      inferred_session_end: at(unplug),
      ...(home && {
        desired_charging_start_time: at(start),
        desired_charging_end_time: at(start + (energy / avgKw) * HOUR),
        charge_deadline: at(day + DAY + 6.5 * HOUR),
        actual_cost_eur: round2(energy * (0.18 + 0.08 * r('price'))),
        expected_savings_eur: savings,
        actual_savings_eur: round2(savings * (0.8 + 0.4 * r('savings'))),
      }),
      target_soc_pct: 80,
      initial_soc_pct: initial,
      final_soc_pct: final,
      energy_charged_kwh: energy,
      avg_charge_power_kw: avgKw,
      peak_charge_power_kw: home ? 11 : round2(avgKw * 1.3),
      is_at_home: home,
      session_outcome: home ? SESSION_OUTCOMES.home : SESSION_OUTCOMES.away,
    });
  });
}

/** A session under way (plugged in, not yet unplugged). */
function currentSession(key: string, fields: Json): Json {
  return sessionItem({ id: seedId(`session:${key}:current`), target_soc_pct: 80, energy_charged_kwh: 0, ...fields });
}

/** Completed sessions per EV, and the session under way for each EV that is plugged in. */
export function seedChargingSessions(): Record<string, ChargingSessions> {
  return {
    [EV_IDS.full]: {
      completed: completedSessions('anna-id4', 120, '2026-11-25', 77),
      current: currentSession('anna-id4', {
        plug_in_time: '2026-11-25T17:42:00Z',
        inferred_session_end: '2026-11-26T06:30:00Z',
        desired_charging_start_time: '2026-11-25T18:00:00Z',
        desired_charging_end_time: '2026-11-26T03:00:00Z',
        charge_deadline: '2026-11-26T06:30:00Z',
        initial_soc_pct: 31,
        energy_charged_kwh: 23.87,
        avg_charge_power_kw: 7.2,
        peak_charge_power_kw: 11,
        actual_cost_eur: 5.01,
        expected_savings_eur: 1.42,
        is_at_home: true,
      }),
    },
    [EV_IDS.unplugged]: { completed: completedSessions('anna-zoe', 3, '2026-11-24', 52), current: null },
    [EV_IDS.idle]: { completed: [], current: currentSession('lukas-enyaq', { plug_in_time: '2026-11-25T18:05:00Z', charge_deadline: '2026-11-26T06:30:00Z', initial_soc_pct: 48, is_at_home: true }) },
    [EV_IDS.charged]: { completed: [], current: currentSession('sofia-model3', { plug_in_time: '2026-11-25T19:10:00Z', charge_deadline: '2026-11-26T07:30:00Z', initial_soc_pct: 57, final_soc_pct: null, energy_charged_kwh: 17.25, is_at_home: true }) },
    // Plugged in at a motorway fast charger: not a session Podero steers.
    [EV_IDS.away]: { completed: [], current: currentSession('oliver-leaf', { plug_in_time: '2026-11-26T07:41:00Z', target_soc_pct: null, initial_soc_pct: 12, energy_charged_kwh: 11.4, avg_charge_power_kw: 46, peak_charge_power_kw: 48.5, is_at_home: false }) },
  };
}

/** A weekly policy: the same target every weekday, another at the weekend. */
function weekly(timezone: string, weekday: [number, string], weekend: [number, string] = weekday): Json {
  const day = ([charge_percentage, charge_deadline]: [number, string]) => ({ charge_percentage, charge_deadline });
  return { mon: day(weekday), tue: day(weekday), wed: day(weekday), thu: day(weekday), fri: day(weekday), sat: day(weekend), sun: day(weekend), timezone };
}

/** The charge policies set; the sparse and the deleted EV have none. */
export function seedChargePolicies(): Record<string, Json> {
  return {
    [EV_IDS.full]: weekly('Europe/Vienna', [80, '07:30'], [60, '10:00']),
    [EV_IDS.unplugged]: weekly('Europe/Vienna', [70, '06:45']),
    [EV_IDS.idle]: weekly('Europe/Berlin', [80, '07:30']),
    [EV_IDS.charged]: weekly('Europe/Lisbon', [80, '07:30'], [90, '09:00']),
    [EV_IDS.away]: weekly('Europe/London', [80, '07:30']),
    [EV_IDS.reauth]: weekly('Europe/Berlin', [80, '07:30']),
    [EV_IDS.newerUpstream]: weekly('Europe/Rome', [85, '08:00']),
  };
}
