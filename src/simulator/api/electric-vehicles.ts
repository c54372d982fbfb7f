// The electric-vehicle endpoints of the partner API: the list, the detail and the partial update
// (devices.ts), boost (charging.ts), the charging sessions (charging-sessions.ts) and the weekly charge
// policy. This file holds what only EVs have.
// https://developers.podero.com/partner-api/reference/electric-vehicles/attributes
import { deviceRoute, deviceRoutes, type DeviceKindSpec } from './devices.js';
import { boostRoutes, CHARGE_POLICY_RULES, CHARGE_TARGETS, IS_CHARGE_POLICY_ENABLED, type Charger } from './charging.js';
import { awayFromHome, currentSession, endSession, listSessions, startSession } from './charging-sessions.js';
import { ok, type Route } from '../http.js';
import type { StoredDevice } from '../records.js';
import { isoTime, type Store } from '../store.js';
import { timeOfDay } from '../validate.js';

export const ELECTRIC_VEHICLE: DeviceKindSpec = {
  kind: 'electric_vehicle',
  collection: 'electric-vehicles',
  idParam: 'electric_vehicle_id',
  listed: true,
  // The long name is not in the docs (only the short name `ev` is).
  deviceType: { short_name: 'ev', long_name: 'Electric Vehicle' },
  blank: {
    charge_target_min: null,
    charge_target_max: null,
    minimum_charge_limit: null,
    is_charge_policy_enabled: null,
    charge_deadline_at: null,
    charge_policy_last_updated_at: null,
    battery_level: null,
    charge_rate_w: null,
    is_plugged_in: null,
    is_charging: null,
  },
  boost: true,
  writable: {
    ...CHARGE_TARGETS,
    // A local time of day ("07:30"), unlike the wallbox's date-time (the EV attributes page).
    charge_deadline_at: { check: timeOfDay, nullable: true },
    is_charge_policy_enabled: IS_CHARGE_POLICY_ENABLED,
  },
  ...CHARGE_POLICY_RULES,
};

/** The EV's fields do not show the home charger's power; the simulator boosts at 11 kW. */
const HOME_CHARGER_W = 11_000;

/** Where the owners live, for the time zone of a charge deadline when the EV has no charge policy. */
const ZONE_BY_COUNTRY: Record<string, string> = {
  AT: 'Europe/Vienna', DE: 'Europe/Berlin', SE: 'Europe/Stockholm', IT: 'Europe/Rome', PT: 'Europe/Lisbon', GB: 'Europe/London',
};

/**
 * Boost for EVs: the wallbox's rules (charging.ts) with two differences.
 * - DELETE only disarms a boost armed for the next session; it does not stop a live boost (the docs
 *   title it "Disarm a previously-armed boost for the next session").
 * - `no_active_session` is documented as a 409 reason for EVs, but not when it applies. The simulator's
 *   rule: while the EV is plugged in away from home. Podero steers only sessions at home, and the car
 *   is in a session now, so there is no next session to arm either. Unplugged, a boost is armed as on
 *   a wallbox.
 * The EV is full (`fully_charged`) when its battery has reached its charge target (100 % without one).
 * https://developers.podero.com/api-reference/user-electric-vehicles/trigger-a-boost-charge-or-arm-boost-for-the-next-session
 */
export const EV_CHARGER: Charger = {
  boostPowerW: () => HOME_CHARGER_W,
  chargeStateStamp: 'current_state_last_updated_at',
  isFull: (record) => typeof record.battery_level === 'number' && record.battery_level >= ((record.charge_target_max as number | null) ?? 100),
  refusal: (store, device) => (awayFromHome(store, device) ? 'no_active_session' : undefined),
  unboostStopsLiveBoost: false,
  pluggedIn: (store, device, { atHome = true }) => startSession(store, device, atHome, nextDeadline(store, device)),
  unplugged: endSession,
};

/**
 * `GET …/charge-policy`: the weekly per-day targets. An EV with no policy set is not documented; the
 * simulator answers `data: null` with the reason in `metadata.error`.
 * https://developers.podero.com/api-reference/electric-vehicle-charge-policies/get-a-vehicles-charge-policy
 */
function chargePolicy(store: Store, device: StoredDevice) {
  const policy = store.chargePolicies.get(String(device.record.id));
  return ok({
    metadata: { electric_vehicle_id: device.record.id, user_id: device.userId, error: policy ? null : 'No charge policy has been set for this vehicle.' },
    data: policy ? structuredClone(policy) : null,
  });
}

/** The next time the EV's charge deadline (a local "HH:MM") comes round, in UTC; null without one. */
function nextDeadline(store: Store, device: StoredDevice): string | null {
  const deadline = device.record.charge_deadline_at;
  if (typeof deadline !== 'string') return null;
  const policy = store.chargePolicies.get(String(device.record.id));
  const country = String(store.users.get(device.userId)?.record.country);
  const timeZone = typeof policy?.timezone === 'string' ? policy.timezone : (ZONE_BY_COUNTRY[country] ?? 'UTC');
  const now = store.now();
  const [hours, minutes] = deadline.split(':').map(Number) as [number, number];
  const local = new Date(now + offsetMs(now, timeZone));
  let at = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hours, minutes);
  at -= offsetMs(at, timeZone);
  if (at <= now) at += 24 * 60 * 60 * 1000;
  return isoTime(at);
}

/** How far a time zone's wall clock is ahead of UTC at `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(ms);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) - Math.floor(ms / 1000) * 1000;
}

export function electricVehicleRoutes(store: Store, apiBase: () => string): Route[] {
  return [
    ...deviceRoutes(store, ELECTRIC_VEHICLE, apiBase),
    ...boostRoutes(store, ELECTRIC_VEHICLE, EV_CHARGER),
    deviceRoute(store, ELECTRIC_VEHICLE, 'GET', '/sessions', (device, { query }) => listSessions(store, device, query)),
    deviceRoute(store, ELECTRIC_VEHICLE, 'GET', '/sessions/current', (device) => currentSession(store, device)),
    deviceRoute(store, ELECTRIC_VEHICLE, 'GET', '/charge-policy', (device) => chargePolicy(store, device)),
  ];
}
