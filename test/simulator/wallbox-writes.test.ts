// The simulator's wallbox write endpoints over real HTTP: the partial-update PUT and its validation,
// boost and the plug-in hook, claim tokens and pairing, the re-authentication session, and the clock.
import { afterAll, beforeEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorHookError } from '../../src/simulator/index.js';
import { USER_IDS, WALLBOX_IDS, seedId, type Json } from '../../src/simulator/seed.js';
import { START, startClockedSimulator, userPath, wallboxPath, type TestSimulator } from './client.js';

let t: TestSimulator;
beforeAll(async () => {
  t = await startClockedSimulator({ clients: [{ clientId: 'c', clientSecret: 's' }], tokenExpiresInS: 60 });
});
beforeEach(() => t.reset());
afterAll(() => t?.sim.close());

const ownerOf = (wallboxId: string) => t.sim.seed.wallboxes.find((w) => w.record.id === wallboxId)!.userId;
const path = (wallboxId: string) => wallboxPath(ownerOf(wallboxId), wallboxId);
const get = async (wallboxId: string) => (await t.api('GET', `${path(wallboxId)}?include_deleted=true`)).body as Json;
const put = (wallboxId: string, body: unknown) => t.api('PUT', path(wallboxId), body);
function hookError(run: () => unknown): SimulatorHookError {
  try {
    run();
  } catch (error) {
    if (error instanceof SimulatorHookError) return error;
    throw error;
  }
  throw new Error('the hook did not refuse');
}
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('PUT wallbox: partial update', () => {
  it('changes only the fields sent, answers the full record, and the next GET shows it', async () => {
    const before = await get(WALLBOX_IDS.annaCarport);
    t.advance(5000);
    const answer = await put(WALLBOX_IDS.annaCarport, { comment: 'Left bay', price_zone: 'AT_HOURLY', building_id: '7D9B2C47-1F7A-4E3B-9A51-0C2B3D4E5F60', is_trading_enabled: true });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ...before,
      comment: 'Left bay',
      price_zone: 'AT_HOURLY',
      building: '7d9b2c47-1f7a-4e3b-9a51-0c2b3d4e5f60',
      is_trading_enabled: true,
      updated_at: iso(START + 5000),
    });
    expect(await get(WALLBOX_IDS.annaCarport)).toEqual(answer.body);
    expect(t.sim.count('PUT /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}')).toBe(1);
  });

  it('sets a nullable field to null with null', async () => {
    const answer = await put(WALLBOX_IDS.full, { comment: null, charge_deadline_at: null, building_id: null, charge_target_min: null, is_over_charge_allowed: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ comment: null, charge_deadline_at: null, building: null, charge_target_min: null, is_over_charge_allowed: null });
  });

  it('ignores read-only and unknown fields', async () => {
    const before = await get(WALLBOX_IDS.full);
    const answer = await put(WALLBOX_IDS.full, { is_charging: false, building: null, id: seedId('other'), charge_rate_w: 0, frobnicate: 1 });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ...before, updated_at: iso(START) });
  });

  it('stores date-times in UTC and derives is_pause_power_active from pause_power_until', async () => {
    const paused = await put(WALLBOX_IDS.annaCarport, { pause_power_until: '2026-11-26T10:30:00+01:00', charge_deadline_at: '2026-11-27T06:00:00.250Z' });
    expect(paused.body).toMatchObject({ pause_power_until: '2026-11-26T09:30:00Z', is_pause_power_active: true, charge_deadline_at: '2026-11-27T06:00:00.250Z' });
    const past = await put(WALLBOX_IDS.annaCarport, { pause_power_until: '2026-11-26T07:59:59Z' });
    expect(past.body).toMatchObject({ is_pause_power_active: false });
    const resumed = await put(WALLBOX_IDS.giuliaPaused, { pause_power_until: null });
    expect(resumed.body).toMatchObject({ pause_power_until: null, is_pause_power_active: false });
  });

  it('stamps charge_policy_last_updated_at only when the charge policy changes', async () => {
    t.advance(1000);
    expect((await put(WALLBOX_IDS.annaCarport, { comment: 'no policy change', charge_target_min: 50 })).body.charge_policy_last_updated_at).toBeNull();
    for (const [field, value] of [['charge_target_min', 40], ['charge_target_max', 90], ['minimum_charge_limit', 10], ['charge_deadline_at', '2026-11-27T06:00:00Z'], ['is_charge_policy_enabled', true]] as const) {
      t.reset();
      t.advance(1000);
      const answer = await put(WALLBOX_IDS.annaCarport, { [field]: value });
      expect(answer.body.charge_policy_last_updated_at, field).toBe(iso(t.now()));
    }
  });

  it('accepts charge_target_min equal to charge_target_max, and checks min <= max after merging', async () => {
    expect((await put(WALLBOX_IDS.full, { charge_target_min: 80 })).status).toBe(200);
    expect((await put(WALLBOX_IDS.full, { charge_target_min: 90, charge_target_max: 95 })).status).toBe(200);
    // Only one bound set: nothing to compare.
    expect((await put(WALLBOX_IDS.sparse, { charge_target_min: 100 })).status).toBe(200);

    const before = await get(WALLBOX_IDS.full);
    const refused = await put(WALLBOX_IDS.full, { charge_target_max: 60 });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toEqual([{ type: 'value_error', loc: ['body', 'charge_target_min'], msg: expect.any(String) }]);
    expect(await get(WALLBOX_IDS.full)).toEqual(before);
  });
});

describe('PUT wallbox: validation', () => {
  const long = (n: number) => 'x'.repeat(n);
  it.each([
    ['charge_target_min', 101, 'less_than_equal'],
    ['charge_target_min', -1, 'greater_than_equal'],
    ['charge_target_min', 50.5, 'int_from_float'],
    ['charge_target_min', '50', 'int_type'],
    ['charge_target_max', true, 'int_type'],
    ['minimum_charge_limit', 101, 'less_than_equal'],
    ['charge_power_max_w', 0, 'greater_than'],
    ['charge_power_max_w', 7400.5, 'int_from_float'],
    ['charge_power_max_w', null, 'int_type'],
    ['charge_deadline_at', 'tomorrow morning', 'datetime_parsing'],
    ['charge_deadline_at', '2026-11-27T06:00:00', 'datetime_parsing'],
    ['charge_deadline_at', 1764223200, 'datetime_type'],
    ['pause_power_until', '2026-13-45T99:00:00Z', 'datetime_parsing'],
    ['is_charge_policy_enabled', 'yes', 'bool_type'],
    ['is_over_charge_allowed', 1, 'bool_type'],
    ['is_smart_optimization_active', null, 'bool_type'],
    ['is_trading_enabled', 'true', 'bool_type'],
    ['is_inverter_forced_mode_enabled', null, 'bool_type'],
    ['price_zone', 'IT_CALA', 'enum'],
    ['price_zone', null, 'enum'],
    ['comment', long(301), 'string_too_long'],
    ['comment', 42, 'string_type'],
    ['external_device_id', long(256), 'string_too_long'],
    ['building_id', 'building-1', 'uuid_parsing'],
    ['building_id', 7, 'uuid_type'],
  ])('%s = %j is a 422 (%s) and changes nothing', async (field, value, type) => {
    const before = await get(WALLBOX_IDS.full);
    const answer = await put(WALLBOX_IDS.full, { comment: 'valid', [field]: value });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ detail: [{ type, loc: ['body', field], msg: expect.any(String) }] });
    expect(await get(WALLBOX_IDS.full)).toEqual(before);
  });

  it('accepts the limits', async () => {
    const answer = await put(WALLBOX_IDS.full, { charge_target_min: 0, charge_target_max: 100, minimum_charge_limit: 100, charge_power_max_w: 1, comment: long(300), external_device_id: long(255) });
    expect(answer.status).toBe(200);
  });

  it('lists every problem, one item each', async () => {
    const answer = await put(WALLBOX_IDS.full, { charge_target_min: 'low', price_zone: 'MARS', is_trading_enabled: null });
    expect(answer.status).toBe(422);
    expect(answer.body.detail.map((d: { loc: string[] }) => d.loc)).toEqual([
      ['body', 'charge_target_min'],
      ['body', 'is_trading_enabled'],
      ['body', 'price_zone'],
    ]);
  });

  it('refuses a body that is not an object', async () => {
    for (const body of [[], 'comment', 5]) {
      const answer = await put(WALLBOX_IDS.full, body);
      expect(answer.status).toBe(422);
      expect(answer.body.detail).toEqual([{ type: 'model_attributes_type', loc: ['body'], msg: expect.any(String) }]);
    }
  });
});

describe('ids on the write routes', () => {
  const routes: [string, string, unknown][] = [
    ['PUT', '', { comment: 'x' }],
    ['POST', '/boost', undefined],
    ['DELETE', '/boost', undefined],
    ['POST', '/auth_session', {}],
  ];

  it.each(routes)('%s …%s: 422 for a malformed id, 403 for a foreign org, 404 for an unknown, foreign or deleted wallbox', async (method, suffix, body) => {
    const anna = USER_IDS.anna!;
    const malformed = await t.api(method, `${wallboxPath(anna, 'not-a-uuid')}${suffix}`, body);
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0].loc).toEqual(['path', 'wallbox_id']);
    expect((await t.api(method, `${wallboxPath(anna, WALLBOX_IDS.full, seedId('org:other'))}${suffix}`, body)).status).toBe(403);
    expect((await t.api(method, `${wallboxPath(anna, seedId('wallbox:nobody'))}${suffix}`, body)).status).toBe(404);
    expect((await t.api(method, `${wallboxPath(seedId('user:nobody'), WALLBOX_IDS.full)}${suffix}`, body)).status).toBe(404);
    expect((await t.api(method, `${wallboxPath(USER_IDS.jonas!, WALLBOX_IDS.full)}${suffix}`, body)).status).toBe(404);
    expect((await t.api(method, `${path(WALLBOX_IDS.deleted)}${suffix}`, body)).status).toBe(404);
    expect((await t.api(method, `${path(WALLBOX_IDS.full)}${suffix}`, body, { token: null })).status).toBe(401);
  });
});

describe('boost', () => {
  const boost = (id: string) => t.api('POST', `${path(id)}/boost`);
  const unboost = (id: string) => t.api('DELETE', `${path(id)}/boost`);

  it('seeds boost_state and boost_for_next_session consistently', async () => {
    for (const { record } of t.sim.seed.wallboxes) {
      const w = await get(String(record.id));
      if (w.id === WALLBOX_IDS.sparse) {
        // The null-heavy record: every nullable field null, boost fields included.
        expect([w.boost_state, w.boost_for_next_session]).toEqual([null, null]);
        continue;
      }
      expect(typeof w.boost_for_next_session, String(record.id)).toBe('boolean');
      if (w.id === WALLBOX_IDS.newerUpstream) continue; // kept as a newer upstream sent it
      const idle = w.is_plugged_in === true && w.is_charging !== true && w.is_fully_charged !== true;
      expect(w.boost_state, String(record.id)).toBe(idle ? 'available' : 'unavailable');
    }
  });

  it('starts at once on a plugged-in, idle wallbox; a second boost is a 409; DELETE cancels it', async () => {
    expect((await boost(WALLBOX_IDS.annaCarport)).status).toBe(204);
    expect(await get(WALLBOX_IDS.annaCarport)).toMatchObject({ boost_state: 'ongoing', is_charging: true, charge_rate_w: 22000, boost_for_next_session: false });
    expect(await boost(WALLBOX_IDS.annaCarport)).toEqual({ status: 409, body: { state: 'ongoing', reason: 'already_charging' } });

    expect((await unboost(WALLBOX_IDS.annaCarport)).status).toBe(204);
    expect(await get(WALLBOX_IDS.annaCarport)).toMatchObject({ boost_state: 'available', is_charging: false, charge_rate_w: 0 });
    expect((await unboost(WALLBOX_IDS.annaCarport)).status).toBe(204);
  });

  it('arms for the next session when unplugged (idempotently); plugging in fires it', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await boost(WALLBOX_IDS.annaHourly)).status).toBe(204);
      expect(await get(WALLBOX_IDS.annaHourly)).toMatchObject({ boost_for_next_session: true, boost_state: 'unavailable', is_charging: false });
    }
    t.advance(1000);
    const plugged = t.sim.plugIn(WALLBOX_IDS.annaHourly);
    expect(plugged).toMatchObject({ is_plugged_in: true, boost_state: 'ongoing', is_charging: true, charge_rate_w: 11000, boost_for_next_session: false, charge_state_last_updated_at: iso(START + 1000) });
    expect(await get(WALLBOX_IDS.annaHourly)).toEqual(plugged);
  });

  it('DELETE disarms an armed boost: plugging in then leaves the box idle', async () => {
    await boost(WALLBOX_IDS.oliver);
    expect((await unboost(WALLBOX_IDS.oliver)).status).toBe(204);
    expect(await get(WALLBOX_IDS.oliver)).toMatchObject({ boost_for_next_session: false });
    expect(t.sim.plugIn(WALLBOX_IDS.oliver)).toMatchObject({ is_plugged_in: true, boost_state: 'available', is_charging: false });
  });

  it('refuses a wallbox that is charging (already_charging) or full (fully_charged), and changes nothing', async () => {
    for (const [id, reason] of [[WALLBOX_IDS.full, 'already_charging'], [WALLBOX_IDS.forcedMode, 'already_charging'], [WALLBOX_IDS.giuliaPaused, 'fully_charged']] as const) {
      const before = await get(id);
      expect(await boost(id)).toEqual({ status: 409, body: { state: 'unavailable', reason } });
      expect(await get(id)).toEqual(before);
    }
  });

  it('unplugging stops a live boost; an armed boost survives unplug and re-plug', async () => {
    await boost(WALLBOX_IDS.annaCarport);
    expect(t.sim.unplug(WALLBOX_IDS.annaCarport)).toMatchObject({ is_plugged_in: false, is_charging: false, charge_rate_w: 0, boost_state: 'unavailable' });
    await boost(WALLBOX_IDS.annaCarport);
    t.sim.unplug(WALLBOX_IDS.annaCarport);
    expect(t.sim.plugIn(WALLBOX_IDS.annaCarport)).toMatchObject({ boost_state: 'ongoing', boost_for_next_session: false });
  });

  it('plugs in through the admin route, which is not logged as an API call', async () => {
    await boost(WALLBOX_IDS.sofiaBarn);
    t.sim.resetCounts();
    const answer = await t.admin('POST', `/_simulator/wallboxes/${WALLBOX_IDS.sofiaBarn}/plug-in`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: WALLBOX_IDS.sofiaBarn, boost_state: 'ongoing', is_charging: true });
    expect((await t.admin('POST', `/_simulator/wallboxes/${WALLBOX_IDS.sofiaBarn}/unplug`)).body).toMatchObject({ is_plugged_in: false });
    expect(t.sim.received()).toEqual([]);
    expect(await t.admin('POST', `/_simulator/wallboxes/${seedId('wallbox:nobody')}/plug-in`)).toEqual({ status: 404, body: { detail: 'Not Found' } });
    expect((await t.admin('POST', `/_simulator/wallboxes/${WALLBOX_IDS.deleted}/plug-in`)).status).toBe(404);
    expect(hookError(() => t.sim.plugIn(WALLBOX_IDS.deleted))).toMatchObject({ status: 404 });
  });
});

describe('claim tokens and pairing', () => {
  const mint = (userId = USER_IDS.oliver!) => t.api('POST', `${userPath(userId)}/wallboxes/claim-tokens`);

  it('mints a one-time token (201) that lives claimTokenTtlS seconds', async () => {
    const first = await mint();
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ token: expect.any(String), wss_url: expect.any(String), expires_at: iso(START + 600_000) });
    expect(first.body.wss_url).toMatch(new RegExp(`^wss://[^/]+/ocpp/${first.body.token}$`));
    expect((await mint()).body.token).not.toBe(first.body.token);
    expect(t.sim.count('POST /org/{org_id}/users/{user_id}/wallboxes/claim-tokens')).toBe(2);
  });

  it('pairs once: a new wallbox for the user, served by the detail GET', async () => {
    const { token } = (await mint()).body;
    const paired = await t.admin('POST', `/_simulator/claim-tokens/${token}/pair`, { manufacturer: 'Ohme', model: 'ePod' });
    expect(paired.status).toBe(201);
    expect(paired.body).toMatchObject({
      owner: { id: USER_IDS.oliver, email: 'oliver.hughes@example.co.uk' },
      device_model: { manufacturer: 'Ohme', model: 'ePod' },
      price_zone: 'UK',
      created_at: iso(START),
      is_plugged_in: false,
      is_charging: false,
      boost_state: 'unavailable',
      boost_for_next_session: false,
      deleted_at: null,
      actions: [],
      action_needed: false,
    });
    const read = await t.api('GET', wallboxPath(USER_IDS.oliver!, paired.body.id));
    expect(read).toEqual({ status: 200, body: paired.body });

    expect(await t.admin('POST', `/_simulator/claim-tokens/${token}/pair`)).toEqual({ status: 409, body: { detail: expect.any(String) } });
    // The new wallbox takes part in everything else, e.g. a boost armed before the car arrives.
    expect((await t.api('POST', `${wallboxPath(USER_IDS.oliver!, paired.body.id)}/boost`)).status).toBe(204);
    expect(t.sim.plugIn(paired.body.id)).toMatchObject({ boost_state: 'ongoing' });
  });

  it('expires after claimTokenTtlS (410), measured on the simulator clock', async () => {
    const early = (await mint()).body.token;
    const late = (await mint()).body.token;
    t.advance(599_999);
    expect(t.sim.pairWallbox(early)).toMatchObject({ device_model: { manufacturer: null, model: null } });
    t.advance(1);
    expect(await t.admin('POST', `/_simulator/claim-tokens/${late}/pair`)).toEqual({ status: 410, body: { detail: 'Claim token expired' } });
  });

  it('refuses an unknown token (404), in the hook too', async () => {
    expect((await t.admin('POST', '/_simulator/claim-tokens/no-such-token/pair')).status).toBe(404);
    expect(hookError(() => t.sim.pairWallbox('no-such-token'))).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
  });

  it('checks the org and the user', async () => {
    expect((await mint('nope')).status).toBe(422);
    expect((await t.api('POST', `${userPath(USER_IDS.anna!, seedId('org:other'))}/wallboxes/claim-tokens`)).status).toBe(403);
    expect((await mint(seedId('user:nobody'))).status).toBe(404);
  });

  it('takes its lifetime from claimTokenTtlS', async () => {
    const short = await startClockedSimulator({ claimTokenTtlS: 60 });
    try {
      expect((await short.api('POST', `${userPath(USER_IDS.anna!)}/wallboxes/claim-tokens`)).body.expires_at).toBe(iso(START + 60_000));
    } finally {
      await short.sim.close();
    }
  });
});

describe('auth_session', () => {
  const session = (body?: unknown) => t.api('POST', `${path(WALLBOX_IDS.reauth)}/auth_session`, body);

  it('answers an authentication URL with a new session id each time', async () => {
    const first = await session({ success_url: 'https://partner.example/ok', cancel_url: 'https://partner.example/cancel' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      authentication_url: `https://connect.podero.com/auth?session_id=${first.body.session_id}`,
      device_id: WALLBOX_IDS.reauth,
      session_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });
    const second = await session();
    expect(second.status).toBe(200);
    expect(second.body.session_id).not.toBe(first.body.session_id);
    expect((await session({ success_url: 'x'.repeat(8000), cancel_url: null })).status).toBe(200);
  });

  it('refuses URLs that are not strings or are too long', async () => {
    const answer = await session({ success_url: 5, cancel_url: 'x'.repeat(8001) });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toEqual([
      { type: 'string_type', loc: ['body', 'success_url'], msg: expect.any(String) },
      { type: 'string_too_long', loc: ['body', 'cancel_url'], msg: expect.any(String) },
    ]);
  });
});

describe('the clock', () => {
  it('expires issued access tokens on the simulator clock', async () => {
    const issued = await fetch(t.sim.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('c:s').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
      signal: AbortSignal.timeout(5000),
    });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const read = () => t.api('GET', path(WALLBOX_IDS.full), undefined, { token });
    expect((await read()).status).toBe(200);
    t.advance(59_999);
    expect((await read()).status).toBe(200);
    t.advance(1);
    expect((await read()).status).toBe(401);
  });
});
