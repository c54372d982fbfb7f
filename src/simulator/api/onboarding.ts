// Device onboarding sessions: a partner creates a session for a user and sends them to Podero's
// Connect UI, which walks them through connecting a device. These routes are not below /org: the
// token's organization is the one the user must be in.
// https://developers.podero.com/api-reference/device-onboarding-sessions/create-a-new-device-onboarding-session
// https://developers.podero.com/partner-api/getting-started/connect-heat-pump
import { randomUUID } from 'node:crypto';
import { apiRoute, invalidUuids, notFound, ok, unprocessable, type Route } from '../http.js';
import { PRICE_ZONES } from './devices.js';
import { isReply, type Store } from '../store.js';
import { boolean, oneOf, string, uuid, validateBody, type FieldRule } from '../validate.js';

export const ONBOARDING_LANGUAGES = ['sv', 'de', 'en', 'hu', 'it', 'et', 'pl', 'ro'] as const;
export const ONBOARDING_DEVICE_TYPES = ['ev', 'iv', 'wb', 'hp'] as const;

const DAY = 24 * 60 * 60 * 1000;
const returnUrl: FieldRule = { check: string(8000), required: true };

const BODY: Record<string, FieldRule> = {
  language: { check: oneOf(ONBOARDING_LANGUAGES), required: true },
  price_zone_default: { check: oneOf(PRICE_ZONES), required: true },
  is_smart_optimization_active_default: { check: boolean },
  success_url: returnUrl,
  cancel_url: returnUrl,
  user_id: { check: uuid, required: true },
  building_id: { check: uuid, nullable: true },
  // The docs show the device-type enum (ev, iv, wb, hp) but not its field's name: `device_type` is assumed.
  device_type: { check: oneOf(ONBOARDING_DEVICE_TYPES), required: true },
};

export function onboardingRoutes(store: Store): Route[] {
  return [
    apiRoute('POST', '/device-onboarding', ({ body }) => {
      const { values, problems } = validateBody(body, BODY);
      if (problems.length > 0) return unprocessable(problems);
      // A user (or building) the organization does not have is a 404, as on the paths below /org.
      const user = store.findUser(store.seed.orgId, String(values.user_id));
      if (isReply(user)) return user;
      if (typeof values.building_id === 'string') {
        const building = store.findBuilding(store.seed.orgId, String(user.record.id), values.building_id);
        if (isReply(building)) return building;
      }
      const id = randomUUID();
      const tomorrow = new Date(store.now() + DAY).toISOString().slice(0, 10);
      // The response as the docs show it; they also show a 255-character text field whose name is not
      // visible, which the simulator leaves out.
      const record = {
        id,
        authentication_url: `https://connect.podero.com?onboarding_session_id=${id}`,
        user: user.record.id,
        success_url: values.success_url,
        cancel_url: values.cancel_url,
        // Valid until the end of the following day (the create page).
        expiration_date: tomorrow,
        // Set once the user has connected a device.
        object_id: null,
        external_metadata: {},
        device_type: values.device_type,
        price_zone_default: values.price_zone_default,
      };
      store.onboarding.set(id, { orgId: user.orgId, record });
      return ok(record);
    }),
    apiRoute('GET', '/device-onboarding/{onboarding_session_id}', ({ params: [id] }) => {
      const refused = invalidUuids({ onboarding_session_id: id! });
      if (refused) return refused;
      const session = store.onboarding.get(id!.toLowerCase());
      return session ? ok(session.record) : notFound();
    }),
  ];
}
