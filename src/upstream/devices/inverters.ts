// The solar-inverter kind: what an inverter adds to the device core (device.ts).
// https://developers.podero.com/partner-api/reference/inverters/attributes
// https://developers.podero.com/partner-api/reference/inverters/state
import type { Device, DeviceSpec } from './device.js';

export interface InverterFields {
  solarPowerRatingKw: number | null;
  isBatteryConnected: boolean;
  batteryCapacityKwh: number | null;
  minBatteryCharge: number | null;
  maxBatteryCharge: number | null;
  /** Positive: exporting to the grid; negative: importing. */
  currentPowerToGridW: number | null;
  currentSolarProductionW: number | null;
  householdConsumptionW: number | null;
  solarSurplusW: number | null;
  batteryChargeLevelPercent: number | null;
  /** Positive: discharging; negative: charging. */
  batteryChargeDischargePowerW: number | null;
}

export type Inverter = Device<InverterFields>;

export interface InverterSettings {
  solarPowerRatingKw?: number | null;
  isBatteryConnected?: boolean;
  batteryCapacityKwh?: number | null;
  minBatteryCharge?: number | null;
  maxBatteryCharge?: number | null;
}

export const INVERTER: DeviceSpec<InverterFields, InverterSettings> = {
  kind: 'inverter',
  collection: 'inverters',
  noun: 'inverter',
  listed: true,
  decode: (f, device) =>
    Object.assign(device, {
      solarPowerRatingKw: f.number('solar_power_rating_kw'),
      // Older docs name it `battery_connected`; the current attributes page `is_battery_connected`.
      isBatteryConnected: f.orDefault(f.boolean('is_battery_connected'), 'is_battery_connected', f.boolean('battery_connected') ?? false),
      batteryCapacityKwh: f.number('battery_capacity_kwh'),
      minBatteryCharge: f.number('min_battery_charge'),
      maxBatteryCharge: f.number('max_battery_charge'),
      currentPowerToGridW: f.number('current_power_to_grid_w'),
      currentSolarProductionW: f.number('current_solar_production_w'),
      householdConsumptionW: f.number('household_consumption_w'),
      solarSurplusW: f.number('solar_surplus_w'),
      batteryChargeLevelPercent: f.number('battery_charge_level_percent'),
      batteryChargeDischargePowerW: f.number('battery_charge_discharge_power_w'),
    }),
  settings: {
    solarPowerRatingKw: 'solar_power_rating_kw',
    isBatteryConnected: 'is_battery_connected',
    batteryCapacityKwh: 'battery_capacity_kwh',
    minBatteryCharge: 'min_battery_charge',
    maxBatteryCharge: 'max_battery_charge',
  },
};
