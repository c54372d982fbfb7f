// The write-body name map of a device: the gateway names a setting by the field it changes
// (camelCase), the PUT body by its upstream write-side name (snake_case, not always the read side's:
// `building_id` for `building`). One map per kind — the settings every kind takes and the kind's own
// (its DeviceSpec's `settings`) — names the body sent and upstream's validation messages back.
import type { SettingNames } from '../settings.js';
import type { DeviceSpec, PriceZone } from './device.js';

/** The settings every kind's PUT takes, by the name of the field each one changes. */
export interface CommonSettings {
  pausePowerUntil?: Date | null;
  isSmartOptimizationActive?: boolean;
  isTradingEnabled?: boolean;
  isInverterForcedModeEnabled?: boolean;
  priceZone?: PriceZone;
  comment?: string | null;
  externalDeviceId?: string | null;
  buildingId?: string | null;
}

/** Gateway name -> upstream write-side name (the PUT body names a building `building_id`, the GET `building`). */
const COMMON_SETTING_FIELDS: Record<keyof CommonSettings, string> = {
  pausePowerUntil: 'pause_power_until',
  isSmartOptimizationActive: 'is_smart_optimization_active',
  isTradingEnabled: 'is_trading_enabled',
  isInverterForcedModeEnabled: 'is_inverter_forced_mode_enabled',
  priceZone: 'price_zone',
  comment: 'comment',
  externalDeviceId: 'external_device_id',
  buildingId: 'building_id',
};

/** Every setting a kind's PUT takes: gateway name -> upstream write-side name. */
export function settingNames(spec: DeviceSpec): SettingNames {
  return new Map(Object.entries({ ...(spec.settings as Record<string, string>), ...COMMON_SETTING_FIELDS }));
}
