// Device onboarding sessions: the partner creates one for a user and sends them to Podero's Connect UI,
// which walks them through connecting a device of any kind. Not below /org: the token's organization is
// the one the user must be in.
// https://developers.podero.com/api-reference/device-onboarding-sessions/create-a-new-device-onboarding-session
import type { ApiSession } from './client.js';
import { Fields } from './decode.js';
import type { PriceZone } from './devices/device.js';
import { writeSettings } from './settings.js';

export const ONBOARDING_LANGUAGES = ['sv', 'de', 'en', 'hu', 'it', 'et', 'pl', 'ro'] as const;
export type OnboardingLanguage = (typeof ONBOARDING_LANGUAGES)[number];
/** The device-type enum of the create page (its field's name is not visible there: `device_type` is assumed). */
export const ONBOARDING_DEVICE_TYPES = { ELECTRIC_VEHICLE: 'ev', INVERTER: 'iv', WALLBOX: 'wb', HEAT_PUMP: 'hp' } as const;
export type OnboardingDeviceType = keyof typeof ONBOARDING_DEVICE_TYPES;

export interface OnboardingRequest {
  userId: string;
  deviceType: OnboardingDeviceType;
  language: OnboardingLanguage;
  priceZoneDefault: PriceZone;
  isSmartOptimizationActiveDefault?: boolean | undefined;
  successUrl: string;
  cancelUrl: string;
  buildingId?: string | null | undefined;
}

export interface OnboardingSession {
  id: string;
  authenticationUrl: string;
  /** A date: the session is valid until the end of it. */
  expirationDate: string | null;
  /** The device connected through it; null until one is. */
  objectId: string | null;
}

const NAMES = new Map(
  Object.entries({
    userId: 'user_id',
    deviceType: 'device_type',
    language: 'language',
    priceZoneDefault: 'price_zone_default',
    isSmartOptimizationActiveDefault: 'is_smart_optimization_active_default',
    successUrl: 'success_url',
    cancelUrl: 'cancel_url',
    buildingId: 'building_id',
  }),
);

/** `POST /device-onboarding`: a Connect UI URL, valid until the end of the following day. */
export function createOnboardingSession(api: ApiSession, request: OnboardingRequest): Promise<OnboardingSession> {
  const userId = request.userId.toLowerCase();
  return writeSettings(NAMES, { ...request, userId, deviceType: ONBOARDING_DEVICE_TYPES[request.deviceType] }, (body) =>
    api.read({ method: 'POST', path: '/device-onboarding', body, resource: `user ${userId} (or the building named)` }, (answer) => {
      const f = Fields.of(answer, 'onboarding session', api.reportUnknown);
      return {
        id: f.required(f.uuid('id'), 'id'),
        authenticationUrl: f.required(f.string('authentication_url'), 'authentication_url'),
        expirationDate: f.string('expiration_date'),
        objectId: f.uuid('object_id'),
      };
    }),
  );
}
