// What the kinds that charge a car — wallboxes and electric vehicles — share beyond the device core:
// their charging fields and settings, and boost ("charge now"), which both answer at
// `{U}/<collection>/{id}/boost`.
import type { ApiSession } from '../client.js';
import { Fields } from '../decode.js';
import type { DeviceKey, DeviceSpec } from './device.js';
import { devicePath, deviceResource } from './paths.js';

/** `boost_state`. A value added upstream later is served as 'unknown'. */
export const BOOST_STATES = ['available', 'requested', 'ongoing', 'unavailable', 'unknown'] as const;
export type BoostState = (typeof BOOST_STATES)[number];

/**
 * The `reason` of a 409 answer to a boost; `no_active_session` is documented for EVs only. A reason
 * added later is served as null.
 */
export const BOOST_REJECTION_REASONS = ['already_charging', 'fully_charged', 'internal_error', 'no_active_session'] as const;
export type BoostRejectionReason = (typeof BOOST_REJECTION_REASONS)[number];

/** What the kinds that charge a car (wallboxes, EVs) report about charging. */
export interface ChargingFields {
  chargeTargetMin: number | null;
  chargeTargetMax: number | null;
  isChargePolicyEnabled: boolean | null;
  chargePolicyLastUpdatedAt: Date | null;
  minimumChargeLimit: number | null;
  chargeRateW: number | null;
  isPluggedIn: boolean | null;
  isCharging: boolean | null;
  /** Documented with boost, not on every field list: may be absent. */
  boostState: BoostState | null;
  boostForNextSession: boolean | null;
}

export function decodeCharging(f: Fields): ChargingFields {
  return {
    chargeTargetMin: f.int('charge_target_min'),
    chargeTargetMax: f.int('charge_target_max'),
    isChargePolicyEnabled: f.boolean('is_charge_policy_enabled'),
    chargePolicyLastUpdatedAt: f.dateTime('charge_policy_last_updated_at'),
    minimumChargeLimit: f.int('minimum_charge_limit'),
    chargeRateW: f.number('charge_rate_w'),
    isPluggedIn: f.boolean('is_plugged_in'),
    isCharging: f.boolean('is_charging'),
    boostState: f.present('boost_state') ? (f.oneOf('boost_state', BOOST_STATES) ?? 'unknown') : null,
    boostForNextSession: f.boolean('boost_for_next_session'),
  };
}

/** The charge settings wallboxes and EVs share. */
export interface ChargingSettings {
  chargeTargetMin?: number | null;
  chargeTargetMax?: number | null;
  minimumChargeLimit?: number | null;
  isChargePolicyEnabled?: boolean | null;
}

export const CHARGING_SETTING_FIELDS: Record<keyof ChargingSettings, string> = {
  chargeTargetMin: 'charge_target_min',
  chargeTargetMax: 'charge_target_max',
  minimumChargeLimit: 'minimum_charge_limit',
  isChargePolicyEnabled: 'is_charge_policy_enabled',
};

export type BoostOutcome = { accepted: true } | { accepted: false; state: BoostState | null; reason: BoostRejectionReason | null };

/**
 * `POST {U}/<collection>/{id}/boost` (wallboxes, EVs): 204 when the boost started or was armed for the
 * next session; a 409 `{state, reason}` is an answer (the boost was refused), not a failure.
 */
export function boostDevice(api: ApiSession, spec: DeviceSpec<ChargingFields>, key: DeviceKey): Promise<BoostOutcome> {
  return api.read({ method: 'POST', path: `${devicePath(spec, key)}/boost`, resource: deviceResource(spec, key), answers: [409] }, (body, status) => {
    if (status !== 409) return { accepted: true };
    const f = Fields.of(body ?? {}, 'boost rejection', api.reportUnknown);
    return {
      accepted: false,
      state: f.present('state') ? (f.oneOf('state', BOOST_STATES) ?? 'unknown') : null,
      reason: f.oneOf('reason', BOOST_REJECTION_REASONS),
    };
  });
}

/**
 * `DELETE {U}/<collection>/{id}/boost` (204, idempotent). On a wallbox it cancels a live boost and
 * disarms one armed for the next session
 * (https://developers.podero.com/api-reference/user-wallboxes/cancel-a-live-boost-and-disarm-a-boost-armed-for-the-next-session);
 * on an EV, whose docs title it "Disarm a previously-armed boost for the next session", it only disarms.
 */
export async function cancelDeviceBoost(api: ApiSession, spec: DeviceSpec<ChargingFields>, key: DeviceKey): Promise<void> {
  await api.call({ method: 'DELETE', path: `${devicePath(spec, key)}/boost`, resource: deviceResource(spec, key) });
}
