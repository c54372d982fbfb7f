// The user endpoints of the partner API. The list is a bare JSON array with no pagination.
// https://developers.podero.com/partner-api/reference/users
// https://developers.podero.com/partner-api/user-journeys/back-office/user-management
import { apiRoute, ok, unprocessable, type Route } from '../http.js';
import { isoTime, isReply, type Store } from '../store.js';
import { merged, stampChanges } from './update.js';
import { number, oneOf, string, type Check, type FieldRule, validateBody } from '../validate.js';

export const ROLES = ['admin', 'staff', 'user'] as const;

const text = (maxLength: number): FieldRule => ({ check: string(maxLength), nullable: true });

const email: Check = (value) => string(254)(value) ?? (/^[^@\s]+@[^@\s.]+\.[^@\s]+$/.test(value as string) ? undefined : { type: 'value_error', msg: 'value is not a valid email address' });

/** Documented as an integer, yet postcodes such as "722 12" or "CB2 1RX" are text: both are taken, and stored as text. */
const zipCode: Check = (value) => (Number.isInteger(value) ? undefined : string(20)(value));

/**
 * The request calls the country `country_iso2` and the response `country`; the docs disagree on
 * alpha-2 or alpha-3 (the users reference vs the user-management guide): the field's name and the
 * seeded users say alpha-2.
 */
const countryCode: Check = (value) => (typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) ? undefined : { type: 'string_pattern_mismatch', msg: "String should match pattern '^[A-Z]{2}$'" });

/** The PUT body's fields, by their write-side names (`org_id` and `location_last_updated` are read-only). */
const WRITABLE: Record<string, FieldRule> = {
  role: { check: oneOf(ROLES) },
  email: { check: email },
  external_user_id: text(255),
  first_name: text(150),
  last_name: text(150),
  street_and_number: text(100),
  street_add_info: text(100),
  zip_code: { check: zipCode, nullable: true, normalize: String },
  town: text(100),
  country_iso2: { check: countryCode, nullable: true, normalize: (v) => (v as string).toUpperCase() },
  latitude: { check: number({ ge: -90, le: 90 }), nullable: true },
  longitude: { check: number({ ge: -180, le: 180 }), nullable: true },
};

export function userRoutes(store: Store): Route[] {
  return [
    apiRoute('GET', '/org/{org_id}/users', ({ params: [orgId], query }) => {
      const refused = store.checkOrg(orgId!);
      if (refused) return refused;
      const includeDeleted = query.get('include_deleted') === 'true';
      const users = [...store.users.values()].filter((u) => includeDeleted || !u.record.deleted_at).map((u) => u.record);
      return ok(users);
    }),
    apiRoute('GET', '/org/{org_id}/users/{user_id}', ({ params: [orgId, userId] }) => {
      const user = store.findUser(orgId!, userId!);
      return isReply(user) ? user : ok(user.record);
    }),
    // A partial update: only the fields sent change (the user-management guide). Client-credential
    // tokens act as an organization admin (https://developers.podero.com/partner-api/overview/introduction), so they may change roles.
    apiRoute('PUT', '/org/{org_id}/users/{user_id}', ({ params: [orgId, userId], body }) => {
      const user = store.findUser(orgId!, userId!);
      if (isReply(user)) return user;
      const { values, problems } = validateBody(body, WRITABLE);
      if (problems.length > 0) return unprocessable(problems);
      const taken = typeof values.email === 'string' && [...store.users.values()].some((u) => u !== user && String(u.record.email).toLowerCase() === (values.email as string).toLowerCase());
      // E-mail addresses are unique within an organization (the users reference); the docs show no status for a
      // clash, so the simulator answers 409.
      if (taken) return { status: 409, body: { detail: 'A user with this email already exists in the organization.' } };
      const after = merged(user.record, values, { country_iso2: 'country' });
      stampChanges(user.record, after, { location_last_updated: ['latitude', 'longitude'] }, isoTime(store.now()));
      user.record = after;
      return ok(user.record);
    }),
  ];
}
