// HeatPump: a Device (device.ts) with its temperatures, hot water, space heating and cooling, heating
// policy, away mode and consumption, and its statistics.
// https://developers.podero.com/partner-api/reference/heat-pumps/attributes
// https://developers.podero.com/partner-api/reference/heat-pumps/state
import { builder } from './builder.js';
import { consumptionFields } from './consumption.js';
import { deviceKind, keyOf } from './device.js';
import { DEVICE_KINDS } from './device-kinds.js';
import { OptimizationLevelEnum } from './enums.js';
import { InputProblems } from './input.js';
import { ownerScopes } from './scopes.js';
import { STATISTICS_KEYWORDS, STATISTICS_RESOLUTIONS, fetchHeatPumpStatistics, type StatisticsPeriod, type StatisticsResolution } from '../upstream/devices/heat-pumps.js';

const celsius = (what: string) => ({ nullable: true as const, description: `${what}, in °C.` });

export const HeatPumpRef = deviceKind(DEVICE_KINDS.heat_pump, {
  description: "A heat pump of one of the organization's users, as the partner API reports it.",
  fields: (t) => ({
    isForecastingEnabled: t.exposeBoolean('isForecastingEnabled', { description: 'Whether forecasting is on (upstream default false; not in every snapshot of the docs).' }),
    optimizationLevel: t.expose('optimizationLevel', { type: OptimizationLevelEnum, nullable: true, description: 'How hard smart optimisation may shift consumption; null when not set.' }),
    indoorTargetTemperatureOffset: t.exposeFloat('indoorTargetTemperatureOffset', { nullable: true, description: 'Offset on the indoor target temperature the optimisation may use, in K.' }),
    dhwStandardTemperature: t.exposeFloat('dhwStandardTemperature', celsius('Standard domestic hot water temperature')),
    isHotWaterHeatingEnabled: t.exposeBoolean('isHotWaterHeatingEnabled', { description: 'Whether it heats domestic hot water.' }),
    isSpaceHeatingEnabled: t.exposeBoolean('isSpaceHeatingEnabled', { description: 'Whether it heats the building.' }),
    isPoolHeatingEnabled: t.exposeBoolean('isPoolHeatingEnabled', { description: 'Whether it heats a pool.' }),
    isSpaceCoolingEnabled: t.exposeBoolean('isSpaceCoolingEnabled', { description: 'Whether it cools the building.' }),
    heatingPolicyName: t.exposeString('heatingPolicyName', { nullable: true, description: 'Name of the heating policy.' }),
    isHeatingPolicyEnabled: t.exposeBoolean('isHeatingPolicyEnabled', { description: 'Whether the heating policy is applied.' }),
    maximumTemperatureLimit: t.exposeFloat('maximumTemperatureLimit', celsius('Highest indoor temperature the optimisation may reach')),
    minimumTemperatureLimit: t.exposeFloat('minimumTemperatureLimit', celsius('Lowest indoor temperature the optimisation may allow')),
    minimumDhwTemperatureLimit: t.exposeFloat('minimumDhwTemperatureLimit', celsius('Lowest domestic hot water temperature allowed')),
    isAwayModeEnabled: t.exposeBoolean('isAwayModeEnabled', { description: 'Whether away mode is on.' }),
    awayModeStart: t.expose('awayModeStart', { type: 'DateTime', nullable: true, description: 'When away mode starts.' }),
    awayModeEnd: t.expose('awayModeEnd', { type: 'DateTime', nullable: true, description: 'When away mode ends.' }),
    awayModeMinimumTemperatureLimit: t.exposeFloat('awayModeMinimumTemperatureLimit', celsius('Lowest indoor temperature while away')),
    currentPowerConsumptionW: t.exposeFloat('currentPowerConsumptionW', { nullable: true, description: 'Power drawn now, in watts.' }),
    outdoorTemperature: t.exposeFloat('outdoorTemperature', celsius('Outdoor temperature')),
    indoorActualTemperature: t.exposeFloat('indoorActualTemperature', celsius('Indoor temperature now')),
    indoorTargetTemperature: t.exposeFloat('indoorTargetTemperature', celsius('Indoor target temperature')),
    inletTemperature: t.exposeFloat('inletTemperature', celsius('Water inlet temperature')),
    outletTemperature: t.exposeFloat('outletTemperature', celsius('Water outlet temperature')),
    dhwTemperature: t.exposeFloat('dhwTemperature', celsius('Domestic hot water temperature now')),
    ...consumptionFields(t),
  }),
  settings: {
    fields: (t) => ({
      isForecastingEnabled: t.boolean({ description: 'Forecasting on/off (not null).' }),
      optimizationLevel: t.field({ type: OptimizationLevelEnum, description: 'LOW, MID or MAX (UNKNOWN cannot be written); null clears it.' }),
      indoorTargetTemperatureOffset: t.float({ description: 'Offset on the indoor target temperature, K.' }),
      dhwStandardTemperature: t.float({ description: 'Standard domestic hot water temperature, °C.' }),
      isHotWaterHeatingEnabled: t.boolean({ description: 'Hot water heating on/off (not null).' }),
      isSpaceHeatingEnabled: t.boolean({ description: 'Space heating on/off (not null).' }),
      isPoolHeatingEnabled: t.boolean({ description: 'Pool heating on/off (not null).' }),
      isSpaceCoolingEnabled: t.boolean({ description: 'Space cooling on/off (not null).' }),
      heatingPolicyName: t.string({ description: 'Name of the heating policy, at most 100 characters.' }),
      isHeatingPolicyEnabled: t.boolean({ description: 'Apply the heating policy (not null).' }),
      maximumTemperatureLimit: t.float({ description: 'Highest indoor temperature, °C; not below minimumTemperatureLimit.' }),
      minimumTemperatureLimit: t.float({ description: 'Lowest indoor temperature, °C.' }),
      minimumDhwTemperatureLimit: t.float({ description: 'Lowest domestic hot water temperature, °C.' }),
      isAwayModeEnabled: t.boolean({ description: 'Away mode on/off (not null).' }),
      awayModeStart: t.field({ type: 'DateTime', description: 'When away mode starts; not after awayModeEnd.' }),
      awayModeEnd: t.field({ type: 'DateTime', description: 'When away mode ends.' }),
      awayModeMinimumTemperatureLimit: t.float({ description: 'Lowest indoor temperature while away, °C.' }),
    }),
    notNull: ['isForecastingEnabled', 'isHotWaterHeatingEnabled', 'isSpaceHeatingEnabled', 'isPoolHeatingEnabled', 'isSpaceCoolingEnabled', 'isHeatingPolicyEnabled', 'isAwayModeEnabled'],
    check: (settings, problems) => {
      if ((settings.optimizationLevel as string | null | undefined) === 'unknown') problems.add('optimizationLevel', 'UNKNOWN is only ever read: write LOW, MID or MAX');
      problems.maxLength({ heatingPolicyName: 100 }).ordered([
        ['minimumTemperatureLimit', 'maximumTemperatureLimit'],
        ['awayModeStart', 'awayModeEnd'],
      ]);
    },
  },
});

// ---- statistics -----------------------------------------------------------------------------------

const StatisticsResolutionEnum = builder.enumType('StatisticsResolution', {
  description: 'A period length statistics are aggregated over (upstream 1DAY, 1WEEK, ...).',
  values: Object.keys(STATISTICS_RESOLUTIONS) as (keyof typeof STATISTICS_RESOLUTIONS)[],
});

const StatisticsKeywordEnum = builder.enumType('StatisticsKeyword', {
  description: 'Which figures to compute.',
  values: { SAVINGS: { value: 'savings' }, CONSUMPTION: { value: 'consumption' } } as const satisfies Record<string, { value: (typeof STATISTICS_KEYWORDS)[number] }>,
});

const SavingsRef = builder.objectRef<NonNullable<StatisticsPeriod['savings']>>('Savings').implement({
  description: 'What smart optimisation saved over a period.',
  fields: (t) => ({
    total: t.exposeFloat('total', { nullable: true, description: 'Amount saved, in EUR (upstream reports the unit in its metadata).' }),
    percentage: t.exposeFloat('percentage', { nullable: true, description: 'Saved, as a percentage of the cost without optimisation.' }),
  }),
});

const ConsumptionRef = builder.objectRef<NonNullable<StatisticsPeriod['consumption']>>('Consumption').implement({
  description: 'Energy used over a period.',
  fields: (t) => ({ total: t.exposeFloat('total', { nullable: true, description: 'Energy used, in kWh.' }) }),
});

const StatisticsPeriodRef = builder.objectRef<StatisticsPeriod>('StatisticsPeriod').implement({
  description: 'Statistics over one period: the last completed one of its resolution.',
  fields: (t) => ({
    resolution: t.expose('resolution', { type: StatisticsResolutionEnum, nullable: true, description: 'The period length; null for one this gateway does not know.' }),
    start: t.expose('start', { type: 'DateTime', nullable: true, description: 'Start of the period.' }),
    end: t.expose('end', { type: 'DateTime', nullable: true, description: 'End of the period.' }),
    savings: t.field({ type: SavingsRef, nullable: true, resolve: (p) => p.savings, description: 'Savings; null unless SAVINGS was asked for.' }),
    consumption: t.field({ type: ConsumptionRef, nullable: true, resolve: (p) => p.consumption, description: 'Consumption; null unless CONSUMPTION was asked for.' }),
    estimatedConsumptionWh: t.exposeFloat('estimatedConsumptionWh', { nullable: true, description: "The heat pump's estimated consumption over the period, in Wh." }),
  }),
});

builder.objectField(HeatPumpRef, 'statistics', (t) =>
  t.field({
    type: [StatisticsPeriodRef],
    description: 'Savings and consumption over the last completed period of each resolution asked for: one upstream call.',
    args: {
      resolutions: t.arg({ type: [StatisticsResolutionEnum], defaultValue: ['DAY'], description: 'The period lengths (at least one; each asked for once).' }),
      keywords: t.arg({ type: [StatisticsKeywordEnum], required: false, description: 'The figures to compute; all when not given.' }),
    },
    authScopes: (hp, _args, ctx) => ownerScopes(hp.owner, ctx),
    resolve: (hp, args, ctx) => {
      const resolutions: StatisticsResolution[] = [...new Set(args.resolutions ?? ['DAY' as const])];
      const keywords = args.keywords ? [...new Set(args.keywords)] : null;
      const problems = new InputProblems();
      if (resolutions.length === 0) problems.add('resolutions', 'name at least one resolution');
      if (keywords?.length === 0) problems.add('keywords', 'name at least one keyword, or leave it out for all');
      problems.throwIfAny();
      return fetchHeatPumpStatistics(ctx.api, keyOf(hp), resolutions, keywords);
    },
  }),
);
