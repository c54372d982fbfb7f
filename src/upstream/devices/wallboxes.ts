// The wallbox kind (https://developers.podero.com/api-reference/user-wallboxes/get-details-about-a-users-wallbox):
// what a wallbox adds to the device core (device.ts) — charging, its own settings — and its own
// endpoints: claim tokens and re-authentication. Read and update are every kind's (endpoints.ts),
// boost and cancel the charging kinds' (charging.ts).
import type { ApiSession } from '../client.js';
import { Fields } from '../decode.js';
import { userPath } from '../paths.js';
import { CHARGING_SETTING_FIELDS, decodeCharging, type ChargingFields, type ChargingSettings } from './charging.js';
import { decodeConsumption, type ConsumptionFields } from './consumption.js';
import type { Device, DeviceKey, DeviceSpec } from './device.js';
import { devicePath, deviceResource } from './paths.js';

export interface WallboxFields extends ChargingFields, ConsumptionFields {
  chargePowerMaxW: number;
  chargeDeadlineAt: Date | null;
  isOverChargeAllowed: boolean | null;
  chargeTimeRemaining: number | null;
  isFullyCharged: boolean | null;
  chargeStateLastUpdatedAt: Date | null;
  needsGateway: boolean | null;
}

export type Wallbox = Device<WallboxFields>;

/** A wallbox's own settings, by the name of the `Wallbox` field each one changes. */
export interface WallboxSettings extends ChargingSettings {
  chargePowerMaxW?: number;
  chargeDeadlineAt?: Date | null;
  isOverChargeAllowed?: boolean | null;
}

export const WALLBOX: DeviceSpec<WallboxFields, WallboxSettings> = {
  kind: 'wallbox',
  collection: 'wallboxes',
  noun: 'wallbox',
  listed: false,
  decode: (f, device) =>
    Object.assign(device, decodeCharging(f), decodeConsumption(f), {
      // Defaults are upstream's documented defaults for fields whose type is not nullable.
      chargePowerMaxW: f.orDefault(f.int('charge_power_max_w'), 'charge_power_max_w', 7000),
      chargeDeadlineAt: f.dateTime('charge_deadline_at'),
      isOverChargeAllowed: f.boolean('is_over_charge_allowed'),
      chargeTimeRemaining: f.int('charge_time_remaining'),
      isFullyCharged: f.boolean('is_fully_charged'),
      chargeStateLastUpdatedAt: f.dateTime('charge_state_last_updated_at'),
      needsGateway: f.boolean('needs_gateway'),
    }),
  settings: {
    ...CHARGING_SETTING_FIELDS,
    chargePowerMaxW: 'charge_power_max_w',
    chargeDeadlineAt: 'charge_deadline_at',
    isOverChargeAllowed: 'is_over_charge_allowed',
  },
};

/** Identifies one wallbox read. */
export type WallboxKey = DeviceKey;

export interface ClaimToken {
  token: string;
  wssUrl: string;
  expiresAt: Date;
}

/** `POST {U}/wallboxes/claim-tokens`: a one-time token (and OCPP WebSocket URL) for pairing a charger to the user (201). */
export function createClaimToken(api: ApiSession, user: { orgId: string; userId: string }): Promise<ClaimToken> {
  return api.read(
    { method: 'POST', path: `${userPath(user.orgId, user.userId)}/wallboxes/claim-tokens`, resource: `user ${user.userId.toLowerCase()}` },
    (body) => {
      const f = Fields.of(body, 'claim token', api.reportUnknown);
      return {
        token: f.required(f.string('token'), 'token'),
        wssUrl: f.required(f.string('wss_url'), 'wss_url'),
        expiresAt: f.required(f.dateTime('expires_at'), 'expires_at'),
      };
    },
  );
}

export interface AuthSession {
  authenticationUrl: string | null;
  deviceId: string | null;
  sessionId: string | null;
}

/** `POST {U}/wallboxes/{id}/auth_session`: a URL to send the owner to, to sign in to the manufacturer's cloud again. */
export async function startWallboxAuthSession(
  api: ApiSession,
  key: WallboxKey,
  urls: { successUrl?: string | undefined; cancelUrl?: string | undefined },
): Promise<AuthSession> {
  const body = { ...(urls.successUrl === undefined ? {} : { success_url: urls.successUrl }), ...(urls.cancelUrl === undefined ? {} : { cancel_url: urls.cancelUrl }) };
  return api.read({ method: 'POST', path: `${devicePath(WALLBOX, key)}/auth_session`, body, resource: deviceResource(WALLBOX, key) }, (answer) => {
    const f = Fields.of(answer, 'authentication session', api.reportUnknown);
    return { authenticationUrl: f.string('authentication_url'), deviceId: f.uuid('device_id'), sessionId: f.string('session_id') };
  });
}
