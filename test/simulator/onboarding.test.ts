// Device onboarding sessions over real HTTP: create one for a user, read it back, validation.
import { describe, expect, it } from 'vitest';
import { BUILDING_IDS, DELETED_USER_ID, USER_IDS, seedId } from '../../src/simulator/seed.js';
import { simulatorPerFile } from './client.js';

const t = simulatorPerFile();

const BODY = {
  language: 'de',
  price_zone_default: 'AT',
  is_smart_optimization_active_default: true,
  success_url: 'https://partner.example/onboarded',
  cancel_url: 'https://partner.example/cancelled',
  user_id: USER_IDS.anna,
  building_id: BUILDING_IDS.anna,
  device_type: 'hp',
};
const create = (body: unknown = BODY, token?: null) => t.api('POST', '/device-onboarding', body, token === null ? { token } : {});

describe('POST /device-onboarding', () => {
  it('answers a session with its Connect UI URL, valid until the end of the following day', async () => {
    const answer = await create();
    expect(answer).toEqual({
      status: 200,
      body: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        authentication_url: `https://connect.podero.com?onboarding_session_id=${answer.body.id}`,
        user: USER_IDS.anna,
        success_url: BODY.success_url,
        cancel_url: BODY.cancel_url,
        // The clock says 2026-11-26.
        expiration_date: '2026-11-27',
        object_id: null,
        external_metadata: {},
        device_type: 'hp',
        price_zone_default: 'AT',
      },
    });
    expect(await t.api('GET', `/device-onboarding/${answer.body.id}`)).toEqual(answer);
    expect((await create()).body.id).not.toBe(answer.body.id);
  });

  it('needs only the required fields', async () => {
    const { is_smart_optimization_active_default: _a, building_id: _b, ...required } = BODY;
    expect((await create({ ...required, device_type: 'ev' })).body).toMatchObject({ device_type: 'ev' });
  });

  it('checks every field (422 listing each problem)', async () => {
    const answer = await create({ language: 'fr', price_zone_default: 'DE', success_url: 5, user_id: 'anna', device_type: 'battery', building_id: 'b' });
    expect(answer.status).toBe(422);
    expect(answer.body.detail.map((d: { type: string; loc: string[] }) => [d.type, d.loc[1]])).toEqual([
      ['enum', 'language'],
      ['enum', 'price_zone_default'],
      ['string_type', 'success_url'],
      ['missing', 'cancel_url'],
      ['uuid_parsing', 'user_id'],
      ['uuid_parsing', 'building_id'],
      ['enum', 'device_type'],
    ]);
    expect((await create({ ...BODY, cancel_url: 'x'.repeat(8001) })).body.detail[0].type).toBe('string_too_long');
  });

  it('refuses a user or building the organization does not have (404), and callers without a token (401)', async () => {
    expect((await create({ ...BODY, user_id: seedId('user:nobody') })).status).toBe(404);
    expect((await create({ ...BODY, user_id: DELETED_USER_ID })).status).toBe(404);
    expect((await create({ ...BODY, building_id: BUILDING_IDS.jonas })).status).toBe(404);
    expect((await create(BODY, null)).status).toBe(401);
  });
});

describe('GET /device-onboarding/{id}', () => {
  it('refuses a malformed id (422), an unknown one (404) and callers without a token (401)', async () => {
    expect((await t.api('GET', '/device-onboarding/abc')).body.detail[0].loc).toEqual(['path', 'onboarding_session_id']);
    expect((await t.api('GET', `/device-onboarding/${seedId('onboarding:none')}`)).status).toBe(404);
    const { id } = (await create()).body;
    expect((await t.api('GET', `/device-onboarding/${id}`, undefined, { token: null })).status).toBe(401);
    t.reset();
    expect((await t.api('GET', `/device-onboarding/${id}`)).status).toBe(404);
  });
});
