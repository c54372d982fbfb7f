// The electric-vehicle kind: what an EV adds to the device core (device.ts), and its charging
// sessions and weekly charge policy.
// https://developers.podero.com/partner-api/reference/electric-vehicles/attributes
import type { ApiSession } from '../client.js';
import { Fields } from '../decode.js';
import { CHARGING_SETTING_FIELDS, decodeCharging, type ChargingFields, type ChargingSettings } from './charging.js';
import type { Device, DeviceKey, DeviceSpec } from './device.js';
import { devicePath, deviceResource } from './paths.js';

export interface ElectricVehicleFields extends ChargingFields {
  /** A local time of day ("07:30"), unlike the wallbox's date-time (the EV attributes page). */
  chargeDeadlineAt: string | null;
  /** State of charge, percent. */
  batteryLevel: number | null;
}

export type ElectricVehicle = Device<ElectricVehicleFields>;

export interface ElectricVehicleSettings extends ChargingSettings {
  chargeDeadlineAt?: string | null;
}

export const ELECTRIC_VEHICLE: DeviceSpec<ElectricVehicleFields, ElectricVehicleSettings> = {
  kind: 'electric_vehicle',
  collection: 'electric-vehicles',
  noun: 'electric vehicle',
  listed: true,
  decode: (f, device) => Object.assign(device, decodeCharging(f), { chargeDeadlineAt: f.string('charge_deadline_at'), batteryLevel: f.number('battery_level') }),
  settings: { ...CHARGING_SETTING_FIELDS, chargeDeadlineAt: 'charge_deadline_at' },
};

// ---- charging sessions ----------------------------------------------------------------------------

export interface ChargingSession {
  id: string | null;
  plugInTime: Date | null;
  unplugTime: Date | null;
  inferredSessionEnd: Date | null;
  desiredChargingStartTime: Date | null;
  desiredChargingEndTime: Date | null;
  chargeDeadline: Date | null;
  targetSocPct: number | null;
  initialSocPct: number | null;
  finalSocPct: number | null;
  energyChargedKwh: number | null;
  avgChargePowerKw: number | null;
  peakChargePowerKw: number | null;
  actualCostEur: number | null;
  expectedSavingsEur: number | null;
  actualSavingsEur: number | null;
  isAtHome: boolean | null;
  /** Only `not_at_home` is documented; the enum is not visible, so it is served as text. */
  sessionOutcome: string | null;
}

export interface SessionPage {
  total: number;
  items: ChargingSession[];
}

/**
 * `GET {U}/electric-vehicles/{id}/sessions?from&to&limit&offset`: completed sessions whose plug-in
 * falls from `from` to `to` (UTC dates, both inclusive), `{total, items}`
 * (https://developers.podero.com/api-reference/electric-vehicle-sessions/list-completed-charging-sessions-for-an-electric-vehicle).
 */
export function fetchChargingSessions(api: ApiSession, key: DeviceKey, range: { from: string; to: string; limit: number; offset: number }): Promise<SessionPage> {
  const query = { from: range.from, to: range.to, limit: String(range.limit), offset: String(range.offset) };
  return api.read({ path: `${devicePath(ELECTRIC_VEHICLE, key)}/sessions`, query, resource: deviceResource(ELECTRIC_VEHICLE, key) }, (body) => {
    const f = Fields.of(body, 'session list', api.reportUnknown);
    const items = f.objects('items').map(decodeSession);
    return { total: f.int('total') ?? items.length, items };
  });
}

/**
 * `GET {U}/electric-vehicles/{id}/sessions/current` -> `{session}`
 * (https://developers.podero.com/api-reference/electric-vehicle-sessions/get-the-currently-active-charging-session-for-an-electric-vehicle).
 * The docs show no answer for "no session under way": a null `session` and a 404 both read as null.
 */
export function fetchCurrentSession(api: ApiSession, key: DeviceKey): Promise<ChargingSession | null> {
  return api.read({ path: `${devicePath(ELECTRIC_VEHICLE, key)}/sessions/current`, resource: deviceResource(ELECTRIC_VEHICLE, key), answers: [404] }, (body, status) => {
    if (status === 404) return null;
    const session = Fields.of(body, 'current session', api.reportUnknown).object('session');
    return session && decodeSession(session);
  });
}

function decodeSession(f: Fields): ChargingSession {
  return {
    id: f.string('id'),
    plugInTime: f.dateTime('plug_in_time'),
    unplugTime: f.dateTime('unplug_time'),
    inferredSessionEnd: f.dateTime('inferred_session_end'),
    desiredChargingStartTime: f.dateTime('desired_charging_start_time'),
    desiredChargingEndTime: f.dateTime('desired_charging_end_time'),
    chargeDeadline: f.dateTime('charge_deadline'),
    targetSocPct: f.number('target_soc_pct'),
    initialSocPct: f.number('initial_soc_pct'),
    finalSocPct: f.number('final_soc_pct'),
    energyChargedKwh: f.number('energy_charged_kwh'),
    avgChargePowerKw: f.number('avg_charge_power_kw'),
    peakChargePowerKw: f.number('peak_charge_power_kw'),
    actualCostEur: f.number('actual_cost_eur'),
    expectedSavingsEur: f.number('expected_savings_eur'),
    actualSavingsEur: f.number('actual_savings_eur'),
    isAtHome: f.boolean('is_at_home'),
    sessionOutcome: f.string('session_outcome'),
  };
}

// ---- weekly charge policy -------------------------------------------------------------------------

export const WEEKDAYS = { monday: 'mon', tuesday: 'tue', wednesday: 'wed', thursday: 'thu', friday: 'fri', saturday: 'sat', sunday: 'sun' } as const;
export type Weekday = keyof typeof WEEKDAYS;

export interface DayPolicy {
  chargePercentage: number | null;
  /** A local time of day, as upstream sends it. */
  chargeDeadline: string | null;
}

export type ChargePolicy = { timezone: string | null } & Record<Weekday, DayPolicy | null>;

/**
 * `GET {U}/electric-vehicles/{id}/charge-policy` -> `{metadata, data}`
 * (https://developers.podero.com/api-reference/electric-vehicle-charge-policies/get-a-vehicles-charge-policy).
 * An EV with no policy is not documented: `data: null` reads as null, whatever `metadata.error` says.
 */
export function fetchChargePolicy(api: ApiSession, key: DeviceKey): Promise<ChargePolicy | null> {
  return api.read({ path: `${devicePath(ELECTRIC_VEHICLE, key)}/charge-policy`, resource: deviceResource(ELECTRIC_VEHICLE, key) }, (body) => {
    const data = Fields.of(body, 'charge policy', api.reportUnknown).object('data');
    if (!data) return null;
    const policy = { timezone: data.string('timezone') } as ChargePolicy;
    for (const [day, upstream] of Object.entries(WEEKDAYS) as [Weekday, string][]) {
      const entry = data.object(upstream);
      policy[day] = entry && { chargePercentage: entry.int('charge_percentage'), chargeDeadline: entry.string('charge_deadline') };
    }
    return policy;
  });
}
