// The seeded solar inverters: every documented field populated (with a battery), without a battery at
// night, just connected (every nullable field null), needing re-authentication, from a newer upstream,
// soft-deleted.
import type { SeedDevice } from '../records.js';
import { INVERTER } from '../api/inverters.js';
import { CLOUD, fromNewerUpstream, lapsed, retired, seedKind } from './devices.js';
import { anna, giulia, jonas, lukas, oliver, seedId, sofia } from './people.js';

export const INVERTER_IDS = {
  /** Every field populated: producing, exporting and charging its battery. */
  full: seedId('inverter:anna-fronius'),
  /** No battery: its battery fields are null; at night, importing. */
  noBattery: seedId('inverter:oliver-enphase'),
  /** Only the required fields; everything nullable is null. */
  sparse: seedId('inverter:jonas-new'),
  /** Needs the owner to sign in again: a `reauthenticate` action with a cue, lifecycle error. */
  reauth: seedId('inverter:lukas-sma'),
  /** Values from a newer upstream: an unknown status, action code and field. */
  newerUpstream: seedId('inverter:giulia-huawei'),
  /** Soft-deleted: only visible with include_deleted, never in the list. */
  deleted: seedId('inverter:sofia-old'),
} as const;

/** Inverters that are connected, producing and storing; each seed below overrides what makes it different. */
const inverters = seedKind({
  spec: INVERTER,
  noun: 'inverter',
  prefix: 'inverter',
  tag: 'IV',
  since: '2025-08-21T13:05:10Z',
  synced: {
    actual_steering_state: 'self_consumption',
    solar_power_rating_kw: 9.8,
    is_battery_connected: true,
    battery_capacity_kwh: 10.2,
    min_battery_charge: 10,
    max_battery_charge: 95,
    current_power_to_grid_w: 2150,
    current_solar_production_w: 4870,
    household_consumption_w: 1320,
    solar_surplus_w: 3550,
    battery_charge_level_percent: 76,
    battery_charge_discharge_power_w: -1400,
  },
});
const { model } = inverters;

export function seedInverters(): SeedDevice[] {
  return [
    inverters.synced('anna-fronius', anna, model('Fronius', 'Symo GEN24 10.0 Plus', 2023, CLOUD.fronius), {
      comment: 'Roof south and west, 24 modules. BYD battery in the cellar.',
      is_trading_enabled: true,
      is_inverter_forced_mode_enabled: true,
      is_inverter_forced_mode_active: true,
      inverter_forced_mode_since: '2026-11-25T10:30:00Z',
      pause_power_until: '2026-11-24T17:00:00Z',
    }),
    inverters.synced('oliver-enphase', oliver, model('Enphase', 'IQ8M microinverters', 2022, CLOUD.enphase), {
      price_zone: 'UK',
      actual_steering_state: 'idle',
      solar_power_rating_kw: 4.2,
      is_battery_connected: false,
      battery_capacity_kwh: null,
      min_battery_charge: null,
      max_battery_charge: null,
      current_power_to_grid_w: -640,
      current_solar_production_w: 0,
      household_consumption_w: 640,
      solar_surplus_w: 0,
      battery_charge_level_percent: null,
      battery_charge_discharge_power_w: null,
    }),
    // The null-heavy record: an inverter right after it was connected, before its first sync.
    inverters.sparse(INVERTER_IDS.sparse, jonas, '2026-11-25T20:11:37Z', 'SE_1'),
    inverters.synced('lukas-sma', lukas, model('SMA', 'Sunny Tripower 8.0', 2021, CLOUD.sma), {
      price_zone: 'DE_LU',
      ...lapsed('inverter-lukas-sma', 'Sunny Portal rejected the stored refresh token (invalid_grant).'),
    }),
    inverters.synced('giulia-huawei', giulia, model('Huawei', 'SUN2000-6KTL-M1', 2024, CLOUD.huawei), {
      price_zone: 'IT_NORD',
      ...fromNewerUpstream({ code: 'grant_battery_control' }, { grid_feed_in_limit_w: 6000 }),
    }),
    inverters.synced('sofia-old', sofia, model('Fronius', 'Primo 3.0-1', 2017, CLOUD.fronius), {
      price_zone: 'PT',
      ...retired('2026-07-01T09:00:00Z'),
    }),
  ];
}
