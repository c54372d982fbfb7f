// Users over real HTTP: the seeded organization (end users, team, a soft-deleted user), every field
// of the user response, and the partial-update PUT.
import { describe, expect, it } from 'vitest';
import { DELETED_USER_ID, TEAM_USER_IDS, USER_IDS, seedId, type Json } from '../../src/simulator/seed.js';
import { START, simulatorPerFile, userPath } from './client.js';

const t = simulatorPerFile();

const FIELDS = [
  'id', 'external_user_id', 'role', 'email', 'first_name', 'last_name', 'street_and_number', 'street_add_info', 'zip_code', 'town', 'country',
  'latitude', 'longitude', 'location_last_updated',
];
const ANNA = USER_IDS.anna!;
const put = (body: unknown, userId = ANNA) => t.api('PUT', userPath(userId), body);

describe('the list', () => {
  it('holds the end users and the team, every field each; include_deleted adds the deleted user', async () => {
    const list = (await t.api('GET', `/org/${t.sim.seed.orgId}/users`)).body as Json[];
    expect(list.map((u) => u.id)).toEqual([...Object.values(USER_IDS), TEAM_USER_IDS.staff, TEAM_USER_IDS.admin]);
    for (const user of list) expect(Object.keys(user)).toEqual(FIELDS);
    expect(list.map((u) => u.role)).toEqual(['user', 'user', 'user', 'user', 'user', 'user', 'staff', 'admin']);
    const all = (await t.api('GET', `/org/${t.sim.seed.orgId}/users?include_deleted=true`)).body as Json[];
    expect(all.at(-1)).toMatchObject({ id: DELETED_USER_ID, deleted_at: expect.any(String) });
    expect((await t.api('GET', userPath(DELETED_USER_ID))).status).toBe(404);
  });
});

describe('PUT', () => {
  it('changes only the fields sent, answers the user, and the next GET shows it', async () => {
    const before = (await t.api('GET', userPath(ANNA))).body;
    const answer = await put({ first_name: 'Annemarie', street_add_info: 'Top 14', zip_code: 1060, country_iso2: 'de', town: null, org_id: seedId('org:other'), id: seedId('x') });
    expect(answer).toEqual({ status: 200, body: { ...before, first_name: 'Annemarie', street_add_info: 'Top 14', zip_code: '1060', country: 'DE', town: null } });
    expect((await t.api('GET', userPath(ANNA))).body).toEqual(answer.body);
    expect((await t.api('GET', `/org/${t.sim.seed.orgId}/users`)).body[0]).toEqual(answer.body);
  });

  it('stamps location_last_updated when the coordinates change', async () => {
    t.advance(1000);
    expect((await put({ latitude: 48.2, longitude: 16.37 })).body).toMatchObject({ latitude: 48.2, longitude: 16.37, location_last_updated: new Date(START + 1000).toISOString().replace('.000Z', 'Z') });
    t.advance(1000);
    expect((await put({ latitude: 48.2, town: 'Wien' })).body.location_last_updated).toBe(new Date(START + 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('changes roles (a client-credential token acts as an admin)', async () => {
    expect((await put({ role: 'staff' }, TEAM_USER_IDS.admin)).body.role).toBe('staff');
  });

  it('checks every field (422 listing each problem) and changes nothing', async () => {
    const before = (await t.api('GET', userPath(ANNA))).body;
    const answer = await put({ role: 'owner', email: 'not-an-address', zip_code: 10.5, country_iso2: 'AUT', latitude: 91, longitude: 'east', first_name: 5 });
    expect(answer.status).toBe(422);
    expect(answer.body.detail.map((d: { type: string; loc: string[] }) => [d.type, d.loc[1]])).toEqual([
      ['enum', 'role'],
      ['value_error', 'email'],
      ['string_type', 'first_name'],
      ['string_type', 'zip_code'],
      ['string_pattern_mismatch', 'country_iso2'],
      ['less_than_equal', 'latitude'],
      ['float_type', 'longitude'],
    ]);
    expect((await put({ email: null })).body.detail[0].loc).toEqual(['body', 'email']);
    expect((await t.api('GET', userPath(ANNA))).body).toEqual(before);
  });

  it('keeps e-mail addresses unique in the organization (409)', async () => {
    expect(await put({ email: 'Jonas.Lindqvist@example.se' })).toEqual({ status: 409, body: { detail: expect.any(String) } });
    expect((await put({ email: 'anna.berger@example.at' })).status).toBe(200);
  });

  it('refuses a malformed id (422), a foreign org (403), unknown or deleted users (404), no token (401)', async () => {
    expect((await put({}, 'anna')).body.detail[0].loc).toEqual(['path', 'user_id']);
    expect((await t.api('PUT', userPath(ANNA, seedId('org:other')), {})).status).toBe(403);
    expect((await put({}, seedId('user:nobody'))).status).toBe(404);
    expect((await put({ first_name: 'Felix' }, DELETED_USER_ID)).status).toBe(404);
    expect((await t.api('PUT', userPath(ANNA), {}, { token: null })).status).toBe(401);
  });
});

describe('a malformed percent-escape in a path', () => {
  it('is a 404 like any path that names nothing, and the simulator keeps answering', async () => {
    // It once threw outside the handler: an unhandled rejection, and no answer at all.
    expect((await t.api('GET', `/org/${t.sim.seed.orgId}/users/%E0%A4%A`)).status).toBe(404);
    expect((await t.api('GET', userPath(ANNA))).status).toBe(200);
  });
});
