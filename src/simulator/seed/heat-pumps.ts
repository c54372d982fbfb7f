// The seeded heat pumps (air-to-water, `hp_atw`): every documented field populated, away mode on, just
// connected (every nullable field null), needing re-authentication, from a newer upstream, soft-deleted.
import type { SeedDevice } from '../records.js';
import { HEAT_PUMP } from '../api/heat-pumps.js';
import { CLOUD, fromNewerUpstream, lapsed, retired, seedKind } from './devices.js';
import { anna, giulia, jonas, lukas, seedId, sofia } from './people.js';

export const HEAT_PUMP_IDS = {
  /** Every field populated, away mode scheduled, pause power set. */
  full: seedId('heat-pump:anna-house'),
  /** Away mode active now: the house is kept at its away minimum. */
  awayMode: seedId('heat-pump:jonas-villa'),
  /** Only the required fields; everything nullable is null. */
  sparse: seedId('heat-pump:jonas-cabin'),
  /** Needs the owner to sign in again: a `reauthenticate` action with a cue, lifecycle error. */
  reauth: seedId('heat-pump:lukas-house'),
  /** Values from a newer upstream: an unknown optimization_level, status, action code and field. */
  newerUpstream: seedId('heat-pump:giulia-casa'),
  /** Soft-deleted: only visible with include_deleted, never in the list. */
  deleted: seedId('heat-pump:sofia-old-ecodan'),
} as const;

/** Heat pumps that are connected and heating; each seed below overrides what makes it different. */
const heatPumps = seedKind({
  spec: HEAT_PUMP,
  noun: 'heat pump',
  prefix: 'heat-pump',
  tag: 'HP',
  since: '2025-10-03T08:12:45Z',
  synced: {
    current_mode: 'mid',
    actual_steering_state: 'heating',
    is_forecasting_enabled: true,
    optimization_level: 'Mid',
    indoor_target_temperature_offset: 0,
    dhw_standard_temperature: 50,
    is_hot_water_heating_enabled: true,
    is_space_heating_enabled: true,
    heating_policy_name: 'Comfort',
    is_heating_policy_enabled: true,
    maximum_temperature_limit: 23,
    minimum_temperature_limit: 19,
    minimum_dhw_temperature_limit: 45,
    away_mode_minimum_temperature_limit: 16,
    current_power_consumption_w: 1840,
    outdoor_temperature: 3.5,
    indoor_actual_temperature: 21.2,
    indoor_target_temperature: 21.5,
    inlet_temperature: 34.1,
    outlet_temperature: 39.8,
    dhw_temperature: 48.5,
    consumption_last_day_kwh: 28.6,
    consumption_last_week_kwh: 182.4,
    consumption_last_month_kwh: 702.9,
    consumption_last_updated_at: '2026-11-25T00:05:00Z',
  },
});
const { model } = heatPumps;

export function seedHeatPumps(): SeedDevice[] {
  return [
    heatPumps.synced('anna-house', anna, model('Vaillant', 'aroTHERM plus VWL 125/6', 2023, CLOUD.vaillant), {
      comment: 'Cellar, next to the buffer tank. Owner works from home on Fridays.',
      is_trading_enabled: true,
      is_inverter_forced_mode_enabled: true,
      is_inverter_forced_mode_active: false,
      inverter_forced_mode_since: '2026-06-01T11:00:00Z',
      pause_power_until: '2026-11-24T17:00:00Z',
      optimization_score: 0.91,
      indoor_target_temperature_offset: -0.5,
      is_pool_heating_enabled: false,
      is_space_cooling_enabled: true,
      is_away_mode_enabled: true,
      away_mode_start: '2026-12-27T08:00:00Z',
      away_mode_end: '2027-01-03T16:00:00Z',
    }),
    heatPumps.synced('jonas-villa', jonas, model('NIBE', 'S2125-12', 2024, CLOUD.nibe), {
      price_zone: 'SE_3',
      current_mode: 'min',
      actual_steering_state: 'away',
      optimization_level: 'Max',
      is_away_mode_enabled: true,
      away_mode_start: '2026-11-20T06:00:00Z',
      away_mode_end: '2026-11-29T18:00:00Z',
      away_mode_minimum_temperature_limit: 14,
      indoor_actual_temperature: 14.6,
      indoor_target_temperature: 14,
      outdoor_temperature: -6.2,
      current_power_consumption_w: 980,
      consumption_last_day_kwh: 19.1,
    }),
    // The null-heavy record: a heat pump right after it was connected, before its first sync.
    heatPumps.sparse(HEAT_PUMP_IDS.sparse, jonas, '2026-11-25T19:30:02Z', 'SE_1'),
    heatPumps.synced('lukas-house', lukas, model('Viessmann', 'Vitocal 250-A', 2022, CLOUD.viessmann), {
      price_zone: 'DE_LU',
      ...lapsed('heat-pump-lukas-house', 'ViCare rejected the stored refresh token (invalid_grant).'),
      current_power_consumption_w: null,
    }),
    heatPumps.synced('giulia-casa', giulia, model('Daikin', 'Altherma 3 H HT', 2024, CLOUD.daikin), {
      price_zone: 'IT_NORD',
      ...fromNewerUpstream({ code: 'schedule_maintenance', due_date: '2027-01-15' }, { optimization_level: 'Adaptive', current_mode: 'eco_plus', defrost_cycle_active: true }),
    }),
    heatPumps.synced('sofia-old-ecodan', sofia, model('Mitsubishi Electric', 'Ecodan PUZ-WM85VAA', 2018, CLOUD.daikin), {
      price_zone: 'PT',
      ...retired('2026-09-12T10:00:00Z'),
      comment: 'Replaced during the renovation.',
    }),
  ];
}
