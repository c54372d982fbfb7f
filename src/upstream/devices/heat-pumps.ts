// The heat-pump kind: what a heat pump adds to the device core (device.ts) and its statistics.
// https://developers.podero.com/partner-api/reference/heat-pumps/attributes
// https://developers.podero.com/partner-api/reference/heat-pumps/state
import type { ApiSession } from '../client.js';
import { Fields } from '../decode.js';
import { UpstreamError } from '../errors.js';
import { decodeConsumption, type ConsumptionFields } from './consumption.js';
import type { Device, DeviceKey, DeviceSpec } from './device.js';
import { devicePath, deviceResource } from './paths.js';

/** `optimization_level` (Low/Mid/Max); a level added upstream later is served as 'unknown'. */
export const OPTIMIZATION_LEVELS = ['Low', 'Mid', 'Max', 'unknown'] as const;
export type OptimizationLevel = (typeof OPTIMIZATION_LEVELS)[number];

export interface HeatPumpFields extends ConsumptionFields {
  isForecastingEnabled: boolean;
  optimizationLevel: OptimizationLevel | null;
  indoorTargetTemperatureOffset: number | null;
  dhwStandardTemperature: number | null;
  isHotWaterHeatingEnabled: boolean;
  isSpaceHeatingEnabled: boolean;
  isPoolHeatingEnabled: boolean;
  isSpaceCoolingEnabled: boolean;
  heatingPolicyName: string | null;
  isHeatingPolicyEnabled: boolean;
  maximumTemperatureLimit: number | null;
  minimumTemperatureLimit: number | null;
  minimumDhwTemperatureLimit: number | null;
  isAwayModeEnabled: boolean;
  awayModeStart: Date | null;
  awayModeEnd: Date | null;
  awayModeMinimumTemperatureLimit: number | null;
  currentPowerConsumptionW: number | null;
  outdoorTemperature: number | null;
  indoorActualTemperature: number | null;
  indoorTargetTemperature: number | null;
  inletTemperature: number | null;
  outletTemperature: number | null;
  dhwTemperature: number | null;
}

export type HeatPump = Device<HeatPumpFields>;

/** A heat pump's own settings, by the name of the `HeatPump` field each one changes. */
export interface HeatPumpSettings {
  isForecastingEnabled?: boolean;
  optimizationLevel?: Exclude<OptimizationLevel, 'unknown'> | null;
  indoorTargetTemperatureOffset?: number | null;
  dhwStandardTemperature?: number | null;
  isHotWaterHeatingEnabled?: boolean;
  isSpaceHeatingEnabled?: boolean;
  isPoolHeatingEnabled?: boolean;
  isSpaceCoolingEnabled?: boolean;
  heatingPolicyName?: string | null;
  isHeatingPolicyEnabled?: boolean;
  maximumTemperatureLimit?: number | null;
  minimumTemperatureLimit?: number | null;
  minimumDhwTemperatureLimit?: number | null;
  isAwayModeEnabled?: boolean;
  awayModeStart?: Date | null;
  awayModeEnd?: Date | null;
  awayModeMinimumTemperatureLimit?: number | null;
}

export const HEAT_PUMP: DeviceSpec<HeatPumpFields, HeatPumpSettings> = {
  kind: 'heat_pump',
  collection: 'heat-pumps',
  noun: 'heat pump',
  listed: true,
  decode: (f, device) =>
    Object.assign(device, decodeConsumption(f), {
      // `is_forecasting_enabled` appears in some snapshots of the docs only: absent reads as its default.
      isForecastingEnabled: f.orDefault(f.boolean('is_forecasting_enabled'), 'is_forecasting_enabled', false),
      optimizationLevel: f.present('optimization_level') ? (f.oneOf('optimization_level', OPTIMIZATION_LEVELS) ?? 'unknown') : null,
      indoorTargetTemperatureOffset: f.number('indoor_target_temperature_offset'),
      dhwStandardTemperature: f.number('dhw_standard_temperature'),
      isHotWaterHeatingEnabled: f.orDefault(f.boolean('is_hot_water_heating_enabled'), 'is_hot_water_heating_enabled', false),
      isSpaceHeatingEnabled: f.orDefault(f.boolean('is_space_heating_enabled'), 'is_space_heating_enabled', false),
      isPoolHeatingEnabled: f.orDefault(f.boolean('is_pool_heating_enabled'), 'is_pool_heating_enabled', false),
      isSpaceCoolingEnabled: f.orDefault(f.boolean('is_space_cooling_enabled'), 'is_space_cooling_enabled', false),
      heatingPolicyName: f.string('heating_policy_name'),
      isHeatingPolicyEnabled: f.orDefault(f.boolean('is_heating_policy_enabled'), 'is_heating_policy_enabled', false),
      maximumTemperatureLimit: f.number('maximum_temperature_limit'),
      minimumTemperatureLimit: f.number('minimum_temperature_limit'),
      minimumDhwTemperatureLimit: f.number('minimum_dhw_temperature_limit'),
      isAwayModeEnabled: f.orDefault(f.boolean('is_away_mode_enabled'), 'is_away_mode_enabled', false),
      awayModeStart: f.dateTime('away_mode_start'),
      awayModeEnd: f.dateTime('away_mode_end'),
      awayModeMinimumTemperatureLimit: f.number('away_mode_minimum_temperature_limit'),
      currentPowerConsumptionW: f.number('current_power_consumption_w'),
      outdoorTemperature: f.number('outdoor_temperature'),
      indoorActualTemperature: f.number('indoor_actual_temperature'),
      indoorTargetTemperature: f.number('indoor_target_temperature'),
      inletTemperature: f.number('inlet_temperature'),
      outletTemperature: f.number('outlet_temperature'),
      dhwTemperature: f.number('dhw_temperature'),
    }),
  settings: {
    isForecastingEnabled: 'is_forecasting_enabled',
    optimizationLevel: 'optimization_level',
    indoorTargetTemperatureOffset: 'indoor_target_temperature_offset',
    dhwStandardTemperature: 'dhw_standard_temperature',
    isHotWaterHeatingEnabled: 'is_hot_water_heating_enabled',
    isSpaceHeatingEnabled: 'is_space_heating_enabled',
    isPoolHeatingEnabled: 'is_pool_heating_enabled',
    isSpaceCoolingEnabled: 'is_space_cooling_enabled',
    heatingPolicyName: 'heating_policy_name',
    isHeatingPolicyEnabled: 'is_heating_policy_enabled',
    maximumTemperatureLimit: 'maximum_temperature_limit',
    minimumTemperatureLimit: 'minimum_temperature_limit',
    minimumDhwTemperatureLimit: 'minimum_dhw_temperature_limit',
    isAwayModeEnabled: 'is_away_mode_enabled',
    awayModeStart: 'away_mode_start',
    awayModeEnd: 'away_mode_end',
    awayModeMinimumTemperatureLimit: 'away_mode_minimum_temperature_limit',
  },
};

// ---- statistics -----------------------------------------------------------------------------------

/** The `resolution` values upstream takes, in the gateway's names (`DAY` <-> `1DAY`). */
export const STATISTICS_RESOLUTIONS = { DAY: '1DAY', WEEK: '1WEEK', MONTH: '1MONTH', QUARTER: '1QUARTER', YEAR: '1YEAR' } as const;
export type StatisticsResolution = keyof typeof STATISTICS_RESOLUTIONS;
export const STATISTICS_KEYWORDS = ['savings', 'consumption'] as const;
export type StatisticsKeyword = (typeof STATISTICS_KEYWORDS)[number];

export interface StatisticsPeriod {
  /** null for a resolution upstream names in a way this gateway does not know (reported). */
  resolution: StatisticsResolution | null;
  start: Date | null;
  end: Date | null;
  savings: { total: number | null; percentage: number | null } | null;
  consumption: { total: number | null } | null;
  estimatedConsumptionWh: number | null;
}

const RESOLUTION_NAME = new Map<string, StatisticsResolution>(Object.entries(STATISTICS_RESOLUTIONS).map(([name, upstream]) => [upstream, name as StatisticsResolution]));

/**
 * `GET {U}/heat-pumps/{id}/statistics?resolution=1DAY,1WEEK&keywords=savings,consumption`
 * (https://developers.podero.com/api-reference/user-heat-pumps/get-statistics-for-a-specified-heat-pump):
 * one period per resolution. A keyword not asked for is null; so is `metadata.error`'s data.
 */
export function fetchHeatPumpStatistics(
  api: ApiSession,
  key: DeviceKey,
  resolutions: readonly StatisticsResolution[],
  keywords: readonly StatisticsKeyword[] | null,
): Promise<StatisticsPeriod[]> {
  const query: Record<string, string> = { resolution: resolutions.map((r) => STATISTICS_RESOLUTIONS[r]).join(',') };
  if (keywords) query.keywords = keywords.join(',');
  return api.read({ path: `${devicePath(HEAT_PUMP, key)}/statistics`, query, resource: deviceResource(HEAT_PUMP, key) }, (body) => {
    const f = Fields.of(body, 'heat pump statistics', api.reportUnknown);
    const metadata = f.object('metadata');
    const error = metadata?.string('error');
    if (error) throw new UpstreamError('UPSTREAM_ERROR', `The partner API could not compute the statistics: ${error.slice(0, 200)}`);
    return f.objects('data').map((period) => {
      const upstream = period.string('resolution');
      const resolution = upstream === null ? null : (RESOLUTION_NAME.get(upstream) ?? null);
      if (upstream !== null && resolution === null) period.report('resolution', upstream);
      const span = period.object('period');
      const savings = period.object('savings');
      const consumption = period.object('consumption');
      return {
        resolution,
        start: span?.dateTime('start_period') ?? null,
        end: span?.dateTime('end_period') ?? null,
        savings: savings && { total: savings.number('total'), percentage: savings.number('percentage') },
        consumption: consumption && { total: consumption.number('total') },
        estimatedConsumptionWh: period.object('heat_pump')?.number('estimated_consumption_wh') ?? null,
      };
    });
  });
}
