// The heat-pump endpoints of the partner API: the list, the detail and the partial update
// (devices.ts), and the statistics (heat-pump-statistics.ts). This file holds what only heat pumps
// have: their own fields and the rules of their PUT.
// https://developers.podero.com/partner-api/reference/heat-pumps/attributes
// https://developers.podero.com/partner-api/reference/heat-pumps/state
import { deviceRoute, deviceRoutes, utc, type DeviceKindSpec } from './devices.js';
import { statistics } from './heat-pump-statistics.js';
import type { Route } from '../http.js';
import type { Store } from '../store.js';
import { boolean, dateTime, number, oneOf, string } from '../validate.js';

/** The optimisation level an owner picks (the heat-pump attributes page). */
export const OPTIMIZATION_LEVELS = ['Low', 'Mid', 'Max'] as const;

const temperature = { check: number({ ge: -50, le: 100 }), nullable: true };
const flag = { check: boolean };

export const HEAT_PUMP: DeviceKindSpec = {
  kind: 'heat_pump',
  collection: 'heat-pumps',
  idParam: 'heat_pump_id',
  listed: true,
  deviceType: { short_name: 'hp_atw', long_name: 'Heat Pump (Air-to-Water)' },
  blank: {
    is_forecasting_enabled: false,
    optimization_level: null,
    indoor_target_temperature_offset: null,
    dhw_standard_temperature: null,
    is_hot_water_heating_enabled: false,
    is_space_heating_enabled: false,
    is_pool_heating_enabled: false,
    is_space_cooling_enabled: false,
    heating_policy_name: null,
    is_heating_policy_enabled: false,
    maximum_temperature_limit: null,
    minimum_temperature_limit: null,
    minimum_dhw_temperature_limit: null,
    is_away_mode_enabled: false,
    away_mode_start: null,
    away_mode_end: null,
    away_mode_minimum_temperature_limit: null,
    current_power_consumption_w: null,
    outdoor_temperature: null,
    indoor_actual_temperature: null,
    indoor_target_temperature: null,
    inlet_temperature: null,
    outlet_temperature: null,
    dhw_temperature: null,
    consumption_last_day_kwh: null,
    consumption_last_week_kwh: null,
    consumption_last_month_kwh: null,
    consumption_last_updated_at: null,
  },
  // The PUT body (https://developers.podero.com/api-reference/user-heat-pumps/update-details-of-a-users-heat-pump) also lists device_model, deleted_at, lifecycle_*, optimization_score,
  // last_monitoring_executed_at, actual_steering_state and is_pause_power_active: the simulator keeps
  // those read-only (a pause is set through pause_power_until, as on every kind).
  writable: {
    is_forecasting_enabled: flag,
    optimization_level: { check: oneOf(OPTIMIZATION_LEVELS), nullable: true },
    indoor_target_temperature_offset: { check: number({ ge: -10, le: 10 }), nullable: true },
    dhw_standard_temperature: temperature,
    is_hot_water_heating_enabled: flag,
    is_space_heating_enabled: flag,
    is_pool_heating_enabled: flag,
    is_space_cooling_enabled: flag,
    heating_policy_name: { check: string(100), nullable: true },
    is_heating_policy_enabled: flag,
    maximum_temperature_limit: temperature,
    minimum_temperature_limit: temperature,
    minimum_dhw_temperature_limit: temperature,
    is_away_mode_enabled: flag,
    away_mode_start: { check: dateTime, nullable: true, normalize: utc },
    away_mode_end: { check: dateTime, nullable: true, normalize: utc },
    away_mode_minimum_temperature_limit: temperature,
  },
  ordered: [
    ['minimum_temperature_limit', 'maximum_temperature_limit'],
    ['away_mode_start', 'away_mode_end'],
  ],
};

export function heatPumpRoutes(store: Store, apiBase: () => string): Route[] {
  return [...deviceRoutes(store, HEAT_PUMP, apiBase), deviceRoute(store, HEAT_PUMP, 'GET', '/statistics', (device, { query }) => statistics(store, device, query))];
}
