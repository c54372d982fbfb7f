// Building: where a user's devices are installed (`Device.building`), and its create and update.
// https://developers.podero.com/api-reference/user-buildings/get-details-about-a-building
// https://developers.podero.com/partner-api/getting-started/add-building
import { builder } from './builder.js';
import { DeviceRef } from './device.js';
import { InputProblems, orgIdOf, userIdOf } from './input.js';
import { ownerScopes, userInputFields, userScopes } from './scopes.js';
import { createBuilding, updateBuilding, type Building, type BuildingSettings } from '../upstream/buildings.js';

export const BuildingRef = builder.objectRef<Building>('Building').implement({
  description: 'A building of a user, where devices are installed.',
  fields: (t) => ({
    id: t.expose('id', { type: 'UUID', nullable: false, description: 'Building id.' }),
    name: t.exposeString('name', { nullable: true, description: 'Name (required upstream; null only if upstream leaves it out).' }),
    propertyType: t.exposeString('propertyType', { nullable: true, description: 'Kind of property ("Detached", "Semi-detached", "Bungalow", "Terraced", "End-terrace", "Flat"; text, as upstream answers it).' }),
    occupantType: t.exposeString('occupantType', { nullable: true, description: 'Who lives there (e.g. "Students"; upstream does not show the full list).' }),
    spaceHeating: t.exposeString('spaceHeating', { nullable: true, description: 'How the building is heated (e.g. "Gas boiler").' }),
    waterHeating: t.exposeString('waterHeating', { nullable: true, description: 'How water is heated.' }),
    propertySizeM2: t.exposeInt('propertySizeM2', { nullable: true, description: 'Floor area, m².' }),
    propertyAge: t.exposeInt('propertyAge', { nullable: true, description: 'Age of the building, years.' }),
    numOccupants: t.exposeInt('numOccupants', { nullable: true, description: 'Number of occupants.' }),
    photovoltaic: t.exposeBoolean('photovoltaic', { nullable: true, description: 'Whether it has a PV system (upstream default false).' }),
    streetAndNumber: t.exposeString('streetAndNumber', { nullable: true, description: 'Street and number.' }),
    streetAddInfo: t.exposeString('streetAddInfo', { nullable: true, description: 'Address addition.' }),
    zipCode: t.exposeString('zipCode', { nullable: true, description: 'Postcode.' }),
    town: t.exposeString('town', { nullable: true, description: 'Town.' }),
    country: t.exposeString('country', { nullable: true, description: 'Country.' }),
  }),
});

builder.interfaceField(DeviceRef, 'building', (t) =>
  t.field({
    type: BuildingRef,
    nullable: true,
    description: 'The building the device is installed in (see buildingId); null when it is in none. One upstream call per building and request.',
    authScopes: (device, _args, ctx) => ownerScopes(device.owner, ctx),
    resolve: (device, _args, ctx) =>
      device.buildingId === null ? null : ctx.loaders.building.load({ orgId: device.orgId, userId: device.owner.id, id: device.buildingId }),
  }),
);

function buildingFields(t: PothosSchemaTypes.InputFieldBuilder<typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never, 'InputObject'>) {
  return {
    propertyType: t.string({ description: 'Detached, Semi-detached, Bungalow, Terraced, End-terrace or Flat.' }),
    occupantType: t.string({ description: 'Who lives there, at most 50 characters.' }),
    spaceHeating: t.string({ description: 'How the building is heated, at most 50 characters.' }),
    waterHeating: t.string({ description: 'How water is heated, at most 50 characters.' }),
    propertySizeM2: t.int({ description: 'Floor area, m² (≥ 0).' }),
    propertyAge: t.int({ description: 'Age, years (≥ 0).' }),
    numOccupants: t.int({ description: 'Occupants (≥ 0).' }),
    photovoltaic: t.boolean({ description: 'Has a PV system.' }),
    streetAndNumber: t.string({ description: 'Street and number, at most 100 characters.' }),
    streetAddInfo: t.string({ description: 'Address addition, at most 100 characters.' }),
    zipCode: t.string({ description: 'Postcode, at most 20 characters.' }),
    town: t.string({ description: 'Town, at most 100 characters.' }),
    country: t.string({ description: 'Country.' }),
  };
}

const PROPERTY_TYPES = ['Detached', 'Semi-detached', 'Bungalow', 'Terraced', 'End-terrace', 'Flat'];
/** What upstream documents about a building's fields (https://developers.podero.com/api-reference/user-buildings/update-details-of-a-building). */
function buildingProblems(settings: BuildingSettings): InputProblems {
  const problems = new InputProblems(settings)
    .notNull(['name'])
    .maxLength({ name: 100, occupantType: 50, spaceHeating: 50, waterHeating: 50, streetAndNumber: 100, streetAddInfo: 100, zipCode: 20, town: 100 })
    .notNegative(['propertySizeM2', 'propertyAge', 'numOccupants']);
  if (typeof settings.propertyType === 'string' && !PROPERTY_TYPES.includes(settings.propertyType)) problems.add('propertyType', `must be one of ${PROPERTY_TYPES.join(', ')}`);
  return problems;
}

const CreateBuildingInput = builder.inputType('CreateBuildingInput', {
  description: 'A new building of a user: a name, and whatever else is known.',
  fields: (t) => ({
    ...userInputFields(t),
    name: t.string({ required: true, description: 'Name, at most 100 characters.' }),
    ...buildingFields(t),
  }),
});

const UpdateBuildingInput = builder.inputType('UpdateBuildingInput', {
  description: 'Which building, and the fields to change. Only the fields you set are sent: an explicit null is sent as null.',
  fields: (t) => ({
    ...userInputFields(t),
    id: t.field({ type: 'UUID', required: true, description: 'Building id.' }),
    name: t.string({ description: 'Name, at most 100 characters (not null).' }),
    ...buildingFields(t),
  }),
});

builder.mutationField('createBuilding', (t) =>
  t.field({
    type: BuildingRef,
    nullable: true,
    description: 'Adds a building to a user (partner API POST). Answers the building with its new id.',
    args: { input: t.arg({ type: CreateBuildingInput, required: true }) },
    authScopes: (_root, { input }, ctx) => userScopes(input, ctx),
    resolve: (_root, { input }, ctx) => {
      const { orgId, userId, ...settings } = input;
      buildingProblems(settings).throwIfAny();
      return createBuilding(ctx.api, { orgId: orgIdOf(orgId, ctx), userId: userIdOf(userId, ctx) }, settings);
    },
  }),
);

builder.mutationField('updateBuilding', (t) =>
  t.field({
    type: BuildingRef,
    nullable: true,
    description: 'Changes a building (partner API PUT). Answers the building as updated upstream.',
    args: { input: t.arg({ type: UpdateBuildingInput, required: true }) },
    authScopes: (_root, { input }, ctx) => userScopes(input, ctx),
    resolve: async (_root, { input }, ctx) => {
      const { orgId, userId, id, ...settings } = input;
      buildingProblems(settings).notEmpty('field').throwIfAny();
      const key = { orgId: orgIdOf(orgId, ctx), userId: userIdOf(userId, ctx), id };
      const updated = await updateBuilding(ctx.api, key, settings);
      ctx.loaders.building.prime(key, updated);
      return updated;
    },
  }),
);

