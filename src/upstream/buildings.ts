// The building resource: where a user's devices are installed. Upstream documents create, detail and
// partial update; no list and no delete.
// https://developers.podero.com/api-reference/user-buildings/get-details-about-a-building
// https://developers.podero.com/api-reference/user-buildings/update-details-of-a-building
import type { ApiSession } from './client.js';
import { Fields } from './decode.js';
import { userPath, uuidSegment } from './paths.js';
import { writeSettings } from './settings.js';
import type { UserKey } from './users.js';

export interface Building {
  id: string;
  name: string | null;
  /** A request enum (Detached, Semi-detached, ...) but a plain string in the response: served as text. */
  propertyType: string | null;
  occupantType: string | null;
  spaceHeating: string | null;
  waterHeating: string | null;
  propertySizeM2: number | null;
  propertyAge: number | null;
  numOccupants: number | null;
  photovoltaic: boolean | null;
  streetAndNumber: string | null;
  streetAddInfo: string | null;
  zipCode: string | null;
  town: string | null;
  country: string | null;
}

export interface BuildingKey extends UserKey {
  id: string;
}

/** The writable fields, by the name of the `Building` field each one changes (`name` is required on create). */
export type BuildingSettings = Partial<Omit<Building, 'id'>>;

const FIELDS: Record<keyof BuildingSettings, string> = {
  name: 'name',
  propertyType: 'property_type',
  occupantType: 'occupant_type',
  spaceHeating: 'space_heating',
  waterHeating: 'water_heating',
  propertySizeM2: 'property_size_m2',
  propertyAge: 'property_age',
  numOccupants: 'num_occupants',
  photovoltaic: 'photovoltaic',
  streetAndNumber: 'street_and_number',
  streetAddInfo: 'street_add_info',
  zipCode: 'zip_code',
  town: 'town',
  country: 'country',
};
const NAMES = new Map(Object.entries(FIELDS));

export function buildingPath(key: BuildingKey): string {
  return `${userPath(key.orgId, key.userId)}/buildings/${uuidSegment(key.id, 'buildingId')}`;
}

function resource(key: BuildingKey): string {
  return `building ${key.id.toLowerCase()} of user ${key.userId.toLowerCase()}`;
}

/** `GET {U}/buildings/{building_id}` */
export function fetchBuilding(api: ApiSession, key: BuildingKey): Promise<Building> {
  return api.read({ path: buildingPath(key), resource: resource(key) }, (body) => decodeBuilding(body, key.id, api));
}

/** `POST {U}/buildings` (https://developers.podero.com/partner-api/getting-started/add-building). */
export function createBuilding(api: ApiSession, user: UserKey, settings: BuildingSettings): Promise<Building> {
  return writeSettings(NAMES, settings, (body) =>
    api.read({ method: 'POST', path: `${userPath(user.orgId, user.userId)}/buildings`, body, resource: `user ${user.userId.toLowerCase()}` }, (answer) =>
      decodeBuilding(answer, null, api),
    ),
  );
}

/** `PUT {U}/buildings/{building_id}`: only the fields given are sent. */
export function updateBuilding(api: ApiSession, key: BuildingKey, settings: BuildingSettings): Promise<Building> {
  return writeSettings(NAMES, settings, (body) =>
    api.read({ method: 'PUT', path: buildingPath(key), body, resource: resource(key) }, (answer) => decodeBuilding(answer, key.id, api)),
  );
}

function decodeBuilding(body: unknown, requestedId: string | null, api: ApiSession): Building {
  const f = Fields.of(body, 'building', api.reportUnknown);
  return {
    id: requestedId === null ? f.required(f.uuid('id'), 'id') : f.orDefault(f.uuid('id'), 'id', requestedId.toLowerCase()),
    name: f.string('name'),
    propertyType: f.string('property_type'),
    occupantType: f.string('occupant_type'),
    spaceHeating: f.string('space_heating'),
    waterHeating: f.string('water_heating'),
    propertySizeM2: f.int('property_size_m2'),
    propertyAge: f.int('property_age'),
    numOccupants: f.int('num_occupants'),
    photovoltaic: f.boolean('photovoltaic'),
    streetAndNumber: f.string('street_and_number'),
    streetAddInfo: f.string('street_add_info'),
    zipCode: f.text('zip_code'),
    town: f.string('town'),
    country: f.string('country'),
  };
}
