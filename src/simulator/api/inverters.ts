// The solar-inverter endpoints of the partner API: the list, the detail and the partial update
// (devices.ts) and the re-authentication session. This file holds what only inverters have: their own
// fields and the rules of their PUT.
// https://developers.podero.com/partner-api/reference/inverters/attributes
// https://developers.podero.com/partner-api/reference/inverters/state
import type { Json } from '../records.js';
import { authSessionRoute, deviceRoutes, percent, type DeviceKindSpec } from './devices.js';
import type { Problem, Route } from '../http.js';
import type { Store } from '../store.js';
import { boolean, number } from '../validate.js';

export const INVERTER: DeviceKindSpec = {
  kind: 'inverter',
  collection: 'inverters',
  idParam: 'inverter_id',
  listed: true,
  // The long name is not in the docs (only the short name `inverter` is).
  deviceType: { short_name: 'inverter', long_name: 'Solar Inverter' },
  blank: {
    solar_power_rating_kw: null,
    is_battery_connected: false,
    battery_capacity_kwh: null,
    min_battery_charge: null,
    max_battery_charge: null,
    current_power_to_grid_w: null,
    current_solar_production_w: null,
    household_consumption_w: null,
    solar_surplus_w: null,
    battery_charge_level_percent: null,
    battery_charge_discharge_power_w: null,
  },
  writable: {
    solar_power_rating_kw: { check: number({ ge: 0 }), nullable: true },
    is_battery_connected: { check: boolean },
    battery_capacity_kwh: { check: number({ ge: 0 }), nullable: true },
    min_battery_charge: { check: percent, nullable: true },
    max_battery_charge: { check: percent, nullable: true },
  },
  ordered: [['min_battery_charge', 'max_battery_charge']],
  check: batteryCapacityKnown,
};

/** The battery capacity is required when a battery is connected (the inverter attributes page). */
function batteryCapacityKnown(after: Json): Problem[] {
  if (after.is_battery_connected !== true || after.battery_capacity_kwh != null) return [];
  return [{ type: 'value_error', loc: ['body', 'battery_capacity_kwh'], msg: 'Value error, battery_capacity_kwh is required when is_battery_connected is true' }];
}

export function inverterRoutes(store: Store, apiBase: () => string): Route[] {
  return [...deviceRoutes(store, INVERTER, apiBase), authSessionRoute(store, INVERTER)];
}
