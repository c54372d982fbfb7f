// Buildings over real HTTP: create with only a name, read, partial update, validation, and the ids.
import { describe, expect, it } from 'vitest';
import { BUILDING_IDS, USER_IDS, seedId } from '../../src/simulator/seed.js';
import { simulatorPerFile, userPath } from './client.js';

const t = simulatorPerFile();

const ANNA = USER_IDS.anna!;
const FIELDS = [
  'id', 'name', 'property_type', 'occupant_type', 'space_heating', 'water_heating', 'property_size_m2', 'property_age', 'num_occupants',
  'photovoltaic', 'street_and_number', 'street_add_info', 'zip_code', 'town', 'country',
];
const buildingPath = (id: string, userId = ANNA) => `${userPath(userId)}/buildings/${id}`;

describe('the seed', () => {
  it('has a home for every end user, with every field', async () => {
    for (const { userId, record } of t.sim.seed.buildings) {
      const answer = await t.api('GET', buildingPath(String(record.id), userId));
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body)).toEqual(FIELDS);
    }
    const full = (await t.api('GET', buildingPath(BUILDING_IDS.anna))).body;
    expect(Object.values(full)).not.toContain(null);
    const cabin = (await t.api('GET', buildingPath(BUILDING_IDS.jonasCabin, USER_IDS.jonas))).body;
    expect(Object.entries(cabin).filter(([, v]) => v !== null).map(([k]) => k)).toEqual(['id', 'name']);
  });
});

describe('POST', () => {
  it('creates a building from its name alone; the GET shows it', async () => {
    const created = await t.api('POST', `${userPath(ANNA)}/buildings`, { name: 'Garage' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ ...Object.fromEntries(FIELDS.map((f) => [f, null])), id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Garage', photovoltaic: false });
    expect(await t.api('GET', buildingPath(created.body.id))).toEqual(created);
    expect(t.sim.count('POST /org/{org_id}/users/{user_id}/buildings')).toBe(1);
  });

  it('takes every field', async () => {
    const body = { name: 'Haus', property_type: 'Bungalow', occupant_type: 'Students', space_heating: 'Gas boiler', water_heating: 'Gas boiler', property_size_m2: 120, property_age: 30, num_occupants: 4, photovoltaic: true, street_and_number: 'Weg 1', street_add_info: null, zip_code: '8010', town: 'Graz', country: 'AT' };
    expect((await t.api('POST', `${userPath(ANNA)}/buildings`, body)).body).toEqual({ id: expect.any(String), ...body });
  });

  it('needs a name, and checks every field (422 listing each problem)', async () => {
    const answer = await t.api('POST', `${userPath(ANNA)}/buildings`, { property_type: 'Castle', num_occupants: -1, photovoltaic: 'yes', zip_code: 'x'.repeat(21) });
    expect(answer.status).toBe(422);
    expect(answer.body.detail.map((d: { type: string; loc: string[] }) => [d.type, d.loc[1]])).toEqual([
      ['missing', 'name'],
      ['enum', 'property_type'],
      ['greater_than_equal', 'num_occupants'],
      ['bool_type', 'photovoltaic'],
      ['string_too_long', 'zip_code'],
    ]);
    expect((await t.api('POST', `${userPath(ANNA)}/buildings`, { name: 'x'.repeat(101) })).body.detail[0].type).toBe('string_too_long');
    expect((await t.api('POST', `${userPath(ANNA)}/buildings`, { name: null })).status).toBe(422);
  });
});

describe('PUT', () => {
  it('changes only the fields sent, and the next GET shows it', async () => {
    const before = (await t.api('GET', buildingPath(BUILDING_IDS.anna))).body;
    const answer = await t.api('PUT', buildingPath(BUILDING_IDS.anna), { num_occupants: 4, photovoltaic: null, occupant_type: 'Family', id: seedId('x') });
    expect(answer).toEqual({ status: 200, body: { ...before, num_occupants: 4, photovoltaic: null, occupant_type: 'Family' } });
    expect((await t.api('GET', buildingPath(BUILDING_IDS.anna))).body).toEqual(answer.body);
  });

  it('refuses a bad value and changes nothing', async () => {
    const before = (await t.api('GET', buildingPath(BUILDING_IDS.anna))).body;
    expect((await t.api('PUT', buildingPath(BUILDING_IDS.anna), { name: null, num_occupants: 2 })).body.detail).toEqual([{ type: 'string_type', loc: ['body', 'name'], msg: expect.any(String) }]);
    expect((await t.api('GET', buildingPath(BUILDING_IDS.anna))).body).toEqual(before);
  });
});

it.each([
  ['GET', undefined],
  ['PUT', { name: 'x' }],
])('%s: 422 for a malformed id, 403 for a foreign org, 404 for an unknown or another user\'s building, 401 without a token', async (method, body) => {
  expect((await t.api(method, buildingPath('b-1'), body)).body.detail[0].loc).toEqual(['path', 'building_id']);
  expect((await t.api(method, `${userPath(ANNA, seedId('org:other'))}/buildings/${BUILDING_IDS.anna}`, body)).status).toBe(403);
  expect((await t.api(method, buildingPath(seedId('building:nowhere')), body)).status).toBe(404);
  expect((await t.api(method, buildingPath(BUILDING_IDS.jonas), body)).status).toBe(404);
  expect((await t.api(method, buildingPath(BUILDING_IDS.anna), body, { token: null })).status).toBe(401);
});

it('POST: 404 for an unknown user', async () => {
  expect((await t.api('POST', `${userPath(seedId('user:nobody'))}/buildings`, { name: 'x' })).status).toBe(404);
});
