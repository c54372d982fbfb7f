// What wallboxes and electric vehicles share because both charge a car: the charge targets of their
// PUT, and boost with the car plugging in and out, which happens outside the API and is driven by tests
// through the simulator's hooks. One state machine serves both kinds; a `Charger` says where they differ.
// https://developers.podero.com/api-reference/user-wallboxes/trigger-a-boost-charge-or-arm-boost-for-the-next-session
// https://developers.podero.com/api-reference/user-electric-vehicles/trigger-a-boost-charge-or-arm-boost-for-the-next-session
import { noContent, type Reply, type Route } from '../http.js';
import type { Json, StoredDevice } from '../records.js';
import { isoTime, type Store } from '../store.js';
import { deviceRoute, percent, type DeviceKindSpec } from './devices.js';
import { boolean, type FieldRule } from '../validate.js';

/** The charge-target fields both kinds write, with the same rules. */
export const CHARGE_TARGETS: Record<string, FieldRule> = {
  charge_target_min: { check: percent, nullable: true },
  charge_target_max: { check: percent, nullable: true },
  minimum_charge_limit: { check: percent, nullable: true },
};

export const IS_CHARGE_POLICY_ENABLED: FieldRule = { check: boolean, nullable: true };

/**
 * The cross-field rules both kinds apply to their charge policy: the targets stay ordered, and a
 * change of any policy field stamps `charge_policy_last_updated_at`.
 */
export const CHARGE_POLICY_RULES: Pick<DeviceKindSpec, 'ordered' | 'stamps'> = {
  ordered: [['charge_target_min', 'charge_target_max']],
  stamps: {
    charge_policy_last_updated_at: ['charge_target_min', 'charge_target_max', 'minimum_charge_limit', 'charge_deadline_at', 'is_charge_policy_enabled'],
  },
};

export interface PlugInOptions {
  /** Where the car is plugged in; only EVs can be away from home (a wallbox is the home charger). */
  atHome?: boolean;
}

/** Where a kind that charges a car differs in boost and plugging. */
export interface Charger {
  /** The power a boost charges at, in W. */
  boostPowerW(record: Json): number;
  /** The record field stamped when charging starts or stops. */
  chargeStateStamp: string;
  /** Nothing left to charge: a boost is refused with `fully_charged`. */
  isFull(record: Json): boolean;
  /** A reason beyond charging and full why no boost can be started or armed now (EVs: `no_active_session`). */
  refusal?(store: Store, device: StoredDevice): string | undefined;
  /** Whether DELETE …/boost stops a live boost as well as disarming (wallboxes), or only disarms (EVs). */
  unboostStopsLiveBoost: boolean;
  /** What else plugging in changes (a new session, a car that is not full any more). */
  pluggedIn(store: Store, device: StoredDevice, options: PlugInOptions): void;
  /** What else unplugging changes (the session ends). */
  unplugged(store: Store, device: StoredDevice): void;
}

/** `POST` and `DELETE …/boost` for a kind. */
export function boostRoutes(store: Store, spec: DeviceKindSpec, charger: Charger): Route[] {
  return [
    deviceRoute(store, spec, 'POST', '/boost', (device) => boost(store, device, charger)),
    deviceRoute(store, spec, 'DELETE', '/boost', (device) => {
      const record = device.record;
      if (charger.unboostStopsLiveBoost && (record.boost_state === 'ongoing' || record.boost_state === 'requested')) {
        setCharging(store, record, charger, false);
        record.boost_state = 'available';
      }
      // Idempotent: disarming what is not armed is a 204 too.
      record.boost_for_next_session = false;
      return noContent();
    }),
  ];
}

/**
 * POST …/boost: charge at full rate now (plugged in and idle), or arm the boost for the next plug-in
 * (unplugged). Refused with 409 `{state, reason}` when it cannot be done; the arm path is idempotent.
 */
function boost(store: Store, device: StoredDevice, charger: Charger): Reply {
  const record = device.record;
  const conflict = (reason: string): Reply => ({ status: 409, body: { state: record.boost_state, reason } });
  const refusal = charger.refusal?.(store, device);
  if (refusal) return conflict(refusal);
  if (charger.isFull(record)) return conflict('fully_charged');
  if (record.boost_state === 'ongoing' || record.boost_state === 'requested' || record.is_charging === true) return conflict('already_charging');
  if (record.is_plugged_in === true) startBoost(store, record, charger);
  else record.boost_for_next_session = true;
  return noContent();
}

function startBoost(store: Store, record: Json, charger: Charger): void {
  if (store.boostsWait) {
    setCharging(store, record, charger, false);
    record.boost_state = 'requested';
    return;
  }
  setCharging(store, record, charger, true);
  record.boost_state = 'ongoing';
}

function setCharging(store: Store, record: Json, charger: Charger, charging: boolean): void {
  record.is_charging = charging;
  record.charge_rate_w = charging ? charger.boostPowerW(record) : 0;
  record[charger.chargeStateStamp] = isoTime(store.now());
}

/**
 * A car is plugged in: a boost armed for the next session fires now (if the charger can boost at all);
 * otherwise the charger waits, idle. Plugging in what is plugged in changes nothing.
 */
export function plugIn(store: Store, device: StoredDevice, charger: Charger, options: PlugInOptions = {}): StoredDevice {
  const record = device.record;
  if (record.is_plugged_in === true) return device;
  Object.assign(record, { is_plugged_in: true, [charger.chargeStateStamp]: isoTime(store.now()) });
  charger.pluggedIn(store, device, options);
  if (charger.refusal?.(store, device) || charger.isFull(record)) record.boost_state = 'unavailable';
  else if (record.boost_for_next_session === true) {
    startBoost(store, record, charger);
    record.boost_for_next_session = false;
  } else record.boost_state = 'available';
  return device;
}

/** The car is unplugged: charging (a boost too) stops; a boost armed for the next session stays armed. */
export function unplug(store: Store, device: StoredDevice, charger: Charger): StoredDevice {
  setCharging(store, device.record, charger, false);
  Object.assign(device.record, { is_plugged_in: false, boost_state: 'unavailable' });
  charger.unplugged(store, device);
  return device;
}
