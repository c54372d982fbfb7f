// The building endpoints of the partner API: create, detail and partial update. Upstream documents
// no building list and no delete.
// https://developers.podero.com/api-reference/user-buildings/get-details-about-a-building
// https://developers.podero.com/partner-api/getting-started/add-building
import { randomUUID } from 'node:crypto';
import { apiRoute, ok, unprocessable, type Reply, type Route } from '../http.js';
import type { Json, StoredBuilding } from '../records.js';
import { isReply, type Store } from '../store.js';
import { merged } from './update.js';
import { boolean, integer, oneOf, string, validateBody, type FieldRule } from '../validate.js';

const BUILDING = '/org/{org_id}/users/{user_id}/buildings/{building_id}';

/** The request enum of https://developers.podero.com/api-reference/user-buildings/update-details-of-a-building; the response field is a plain string. */
export const PROPERTY_TYPES = ['Detached', 'Semi-detached', 'Bungalow', 'Terraced', 'End-terrace', 'Flat'] as const;

const text = (maxLength?: number): FieldRule => ({ check: string(maxLength), nullable: true });
const count: FieldRule = { check: integer({ ge: 0 }), nullable: true };

/** The body's fields, by name; `name` is required on create only. */
const WRITABLE: Record<string, FieldRule> = {
  name: { check: string(100) },
  property_type: { check: oneOf(PROPERTY_TYPES), nullable: true },
  // The occupant_type enum is not visible in the docs (sample "Students"): any short text is taken,
  // and the seed uses "Family" besides the sample.
  occupant_type: text(50),
  space_heating: text(50),
  water_heating: text(50),
  property_size_m2: count,
  property_age: count,
  num_occupants: count,
  photovoltaic: { check: boolean, nullable: true },
  street_and_number: text(100),
  street_add_info: text(100),
  zip_code: text(20),
  town: text(100),
  country: text(),
};

/** A building with only a name: every other field null, `photovoltaic` at its default. */
function blankBuilding(id: string): Json {
  const record: Json = { id };
  for (const field of Object.keys(WRITABLE)) record[field] = null;
  record.photovoltaic = false;
  return record;
}

export function buildingRoutes(store: Store): Route[] {
  const find = ([orgId, userId, buildingId]: string[]): StoredBuilding | Reply => store.findBuilding(orgId!, userId!, buildingId!);
  return [
    apiRoute('POST', '/org/{org_id}/users/{user_id}/buildings', ({ params: [orgId, userId], body }) => {
      const user = store.findUser(orgId!, userId!);
      if (isReply(user)) return user;
      const { values, problems } = validateBody(body, { ...WRITABLE, name: { ...WRITABLE.name!, required: true } });
      if (problems.length > 0) return unprocessable(problems);
      const building: StoredBuilding = { orgId: user.orgId, userId: String(user.record.id), record: merged(blankBuilding(randomUUID()), values) };
      store.buildings.set(String(building.record.id), building);
      // The docs show no status for the create; django-ninja answers 200 unless told otherwise.
      return ok(building.record);
    }),
    apiRoute('GET', BUILDING, ({ params }) => {
      const building = find(params);
      return isReply(building) ? building : ok(building.record);
    }),
    apiRoute('PUT', BUILDING, ({ params, body }) => {
      const building = find(params);
      if (isReply(building)) return building;
      const { values, problems } = validateBody(body, WRITABLE);
      if (problems.length > 0) return unprocessable(problems);
      building.record = merged(building.record, values);
      return ok(building.record);
    }),
  ];
}
