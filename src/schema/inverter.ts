// Inverter: a Device (device.ts) with its PV rating, battery configuration and live power flows.
// https://developers.podero.com/partner-api/reference/inverters/attributes
// https://developers.podero.com/partner-api/reference/inverters/state
import { deviceKind } from './device.js';
import { DEVICE_KINDS } from './device-kinds.js';

export const InverterRef = deviceKind(DEVICE_KINDS.inverter, {
  description: "A solar inverter (with or without a home battery) of one of the organization's users, as the partner API reports it.",
  fields: (t) => ({
    solarPowerRatingKw: t.exposeFloat('solarPowerRatingKw', { nullable: true, description: 'Peak power of the PV system, in kW.' }),
    isBatteryConnected: t.exposeBoolean('isBatteryConnected', { description: 'Whether a home battery is connected.' }),
    batteryCapacityKwh: t.exposeFloat('batteryCapacityKwh', { nullable: true, description: 'Battery capacity, in kWh (set when a battery is connected).' }),
    minBatteryCharge: t.exposeFloat('minBatteryCharge', { nullable: true, description: 'Lowest battery charge the optimisation may use, in percent.' }),
    maxBatteryCharge: t.exposeFloat('maxBatteryCharge', { nullable: true, description: 'Highest battery charge the optimisation may aim for, in percent.' }),
    currentPowerToGridW: t.exposeFloat('currentPowerToGridW', { nullable: true, description: 'Power flowing to the grid now, in watts: positive exports, negative imports.' }),
    currentSolarProductionW: t.exposeFloat('currentSolarProductionW', { nullable: true, description: 'Solar production now, in watts.' }),
    householdConsumptionW: t.exposeFloat('householdConsumptionW', { nullable: true, description: 'Household consumption now, in watts.' }),
    solarSurplusW: t.exposeFloat('solarSurplusW', { nullable: true, description: 'Solar power not used by the household now, in watts.' }),
    batteryChargeLevelPercent: t.exposeFloat('batteryChargeLevelPercent', { nullable: true, description: 'Battery state of charge, in percent.' }),
    batteryChargeDischargePowerW: t.exposeFloat('batteryChargeDischargePowerW', {
      nullable: true,
      description: 'Battery power now, in watts: positive discharges, negative charges.',
    }),
  }),
  settings: {
    fields: (t) => ({
      solarPowerRatingKw: t.float({ description: 'Peak power of the PV system, kW (≥ 0).' }),
      isBatteryConnected: t.boolean({ description: 'Whether a home battery is connected (not null); then batteryCapacityKwh is required.' }),
      batteryCapacityKwh: t.float({ description: 'Battery capacity, kWh (≥ 0).' }),
      minBatteryCharge: t.float({ description: 'Lowest battery charge, percent (0-100); not above maxBatteryCharge.' }),
      maxBatteryCharge: t.float({ description: 'Highest battery charge, percent (0-100).' }),
    }),
    notNull: ['isBatteryConnected'],
    check: (settings, problems) => {
      problems
        .percent(['minBatteryCharge', 'maxBatteryCharge'])
        .ordered([['minBatteryCharge', 'maxBatteryCharge']])
        .notNegative(['solarPowerRatingKw', 'batteryCapacityKwh']);
      // "Required when a battery is connected" (the attributes page): checked when this write connects
      // one; with the capacity stored upstream already, upstream decides.
      if (settings.isBatteryConnected === true && settings.batteryCapacityKwh === null) problems.add('batteryCapacityKwh', 'is required when isBatteryConnected is true');
    },
  },
});
