// The user resource (https://developers.podero.com/partner-api/reference/users): a user of the
// organization, and a device's owner. The device responses embed the same person as `owner` with five
// fields (`external_id`); the user endpoints answer the whole user (`external_user_id`, role, address,
// coordinates). Both decode to Owner: `details` holds what only the user endpoints answer.
import type { ApiSession } from './client.js';
import { Fields, decodeList } from './decode.js';
import { userPath, usersPath } from './paths.js';
import { writeSettings } from './settings.js';

/** `role`; a role added upstream later is served as null (and reported). */
export const USER_ROLES = ['admin', 'staff', 'user'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface UserDetails {
  role: UserRole | null;
  streetAndNumber: string | null;
  streetAddInfo: string | null;
  /** Documented as an integer, but postcodes such as "722 12" are text: served as text either way. */
  zipCode: string | null;
  town: string | null;
  /** The response's `country` (the request's `country_iso2`). */
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  locationLastUpdated: Date | null;
  /** Not documented on the user response; read when upstream sends it (as on devices). */
  deletedAt: Date | null;
}

export interface Owner {
  /** The organization the user was read in: not a field upstream, the path's. */
  orgId: string;
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  externalId: string | null;
  /** Present when read from a user endpoint; an owner embedded in a device has only the five fields above. */
  details: UserDetails | undefined;
}

export interface UserKey {
  orgId: string;
  userId: string;
}

/** `GET /org/{org_id}/users/{user_id}` */
export function fetchUser(api: ApiSession, key: UserKey): Promise<Owner> {
  return api.read({ path: userPath(key.orgId, key.userId), resource: `user ${key.userId.toLowerCase()}` }, (body) =>
    decodeUser(Fields.of(body, 'user', api.reportUnknown), key.orgId),
  );
}

/** `GET /org/{org_id}/users`: every user of the organization (with `includeDeleted`, the deleted ones too), as one bare array. */
export function fetchUsers(api: ApiSession, orgId: string, includeDeleted = false): Promise<Owner[]> {
  return api.read(
    { path: usersPath(orgId), query: includeDeleted ? { include_deleted: 'true' } : undefined, resource: `the users of organization ${orgId.toLowerCase()}` },
    (body) => decodeList(body, 'user', api.reportUnknown, (item, where) => decodeUser(Fields.of(item, where, api.reportUnknown), orgId)),
  );
}

/** The writable fields of a user, by the name of the `Owner` field each one changes. */
export interface UserSettings {
  role?: UserRole;
  email?: string;
  externalId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  streetAndNumber?: string | null;
  streetAddInfo?: string | null;
  zipCode?: string | null;
  town?: string | null;
  country?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** Gateway name -> upstream write-side name (the request calls the country `country_iso2`, the response `country`). */
const USER_SETTING_FIELDS: Record<keyof UserSettings, string> = {
  role: 'role',
  email: 'email',
  externalId: 'external_user_id',
  firstName: 'first_name',
  lastName: 'last_name',
  streetAndNumber: 'street_and_number',
  streetAddInfo: 'street_add_info',
  zipCode: 'zip_code',
  town: 'town',
  country: 'country_iso2',
  latitude: 'latitude',
  longitude: 'longitude',
};
const USER_SETTING_NAMES = new Map(Object.entries(USER_SETTING_FIELDS));

/**
 * `PUT /org/{org_id}/users/{user_id}`, a partial update: only the fields given are sent
 * (https://developers.podero.com/partner-api/user-journeys/back-office/user-management).
 */
export function updateUser(api: ApiSession, key: UserKey, settings: UserSettings): Promise<Owner> {
  return writeSettings(USER_SETTING_NAMES, settings, (body) =>
    api.read({ method: 'PUT', path: userPath(key.orgId, key.userId), body, resource: `user ${key.userId.toLowerCase()}` }, (answer) =>
      decodeUser(Fields.of(answer, 'user', api.reportUnknown), key.orgId),
    ),
  );
}

/** The owner embedded in a device (`external_id`), or the first five fields of a user. */
export function decodeOwner(f: Fields, externalIdField: 'external_id' | 'external_user_id', orgId: string): Owner {
  return {
    orgId: orgId.toLowerCase(),
    id: f.required(f.uuid('id'), 'id'),
    email: f.string('email'),
    firstName: f.string('first_name'),
    lastName: f.string('last_name'),
    externalId: f.string(externalIdField),
    // Always present (undefined until a user endpoint fills it): one object shape for every owner.
    details: undefined,
  };
}

function decodeUser(f: Fields, orgId: string): Owner {
  const owner = decodeOwner(f, 'external_user_id', orgId);
  owner.details = {
    role: f.oneOf('role', USER_ROLES),
    streetAndNumber: f.string('street_and_number'),
    streetAddInfo: f.string('street_add_info'),
    zipCode: f.text('zip_code'),
    town: f.string('town'),
    country: f.string('country'),
    latitude: f.number('latitude'),
    longitude: f.number('longitude'),
    locationLastUpdated: f.dateTime('location_last_updated'),
    deletedAt: f.dateTime('deleted_at'),
  };
  return owner;
}
