// Pending actions over real HTTP: how a wallbox renders its cues, resolving one with its one-hour,
// single-use secret, and reporting the outcome with the secret that started the attempt.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WALLBOX_IDS, seedId, type Json } from '../../src/simulator/seed.js';
import { startClockedSimulator, wallboxPath, type Answer, type TestSimulator } from './client.js';

let t: TestSimulator;
beforeAll(async () => {
  t = await startClockedSimulator();
});
beforeEach(() => t.reset());
afterAll(() => t?.sim.close());

const HOUR = 60 * 60 * 1000;
const REAUTH_CUE = seedId('cue:jonas-driveway');
const LUKAS_REAUTH_CUE = seedId('cue:lukas-garage');
const LUKAS_TERMS_CUE = seedId('cue:lukas-terms');
const RETURN = { successUrl: 'https://partner.example/done', cancelUrl: 'https://partner.example/cancel' };

interface Action {
  code: string;
  resolution_link: { url: string; required_parameters: string[] } | null;
}

const ownerOf = (wallboxId: string) => t.sim.seed.wallboxes.find((w) => w.record.id === wallboxId)!.userId;
const get = async (wallboxId: string) => (await t.api('GET', wallboxPath(ownerOf(wallboxId), wallboxId))).body as Json & { actions: Action[] };

/** The secret the wallbox's link for `cueId` offers now. */
async function secretOf(wallboxId: string, cueId: string): Promise<string> {
  const action = (await get(wallboxId)).actions.find((a) => a.resolution_link?.url.includes(cueId));
  return new URL(action!.resolution_link!.url).searchParams.get('secret')!;
}

const resolve = (cueId: string, secret: string, body: unknown = RETURN, token?: string | null) =>
  t.api('POST', `/cues/${cueId}/resolve?secret=${encodeURIComponent(secret)}`, body, token === undefined ? {} : { token });
/** Reports an outcome the way Podero's Connect UI does: the secret, no bearer token. */
const report = (cueId: string, secret: string, state: unknown, token: string | null = null): Promise<Answer> =>
  t.api('POST', `/cues/${cueId}/state?secret=${encodeURIComponent(secret)}`, { state, payload: {}, location: {}, client_info: {} }, { token });

describe('rendering', () => {
  it('renders seeded actions with a link as cues of this simulator, with a fresh secret each', async () => {
    const reauth = await get(WALLBOX_IDS.reauth);
    expect(reauth.action_needed).toBe(true);
    expect(reauth.actions).toEqual([
      { code: 'reauthenticate', resolution_link: { url: expect.stringMatching(new RegExp(`^${t.sim.apiUrl.href}/cues/${REAUTH_CUE}/resolve\\?secret=[\\w-]{20,}$`)), required_parameters: ['successUrl', 'cancelUrl'] } },
    ]);
    const two = await get(WALLBOX_IDS.twoActions);
    expect(two.actions.map((a) => [a.code, a.resolution_link!.url.split('?')[0], a.resolution_link!.required_parameters])).toEqual([
      ['reauthenticate', `${t.sim.apiUrl.href}/cues/${LUKAS_REAUTH_CUE}/resolve`, ['successUrl', 'cancelUrl']],
      ['accept_terms', `${t.sim.apiUrl.href}/cues/${LUKAS_TERMS_CUE}/resolve`, ['successUrl', 'cancelUrl', 'language']],
    ]);
    expect(await secretOf(WALLBOX_IDS.twoActions, LUKAS_REAUTH_CUE)).not.toBe(await secretOf(WALLBOX_IDS.twoActions, LUKAS_TERMS_CUE));
  });

  it('keeps an action without a link as it was seeded', async () => {
    const newer = await get(WALLBOX_IDS.newerUpstream);
    expect(newer).toMatchObject({ action_needed: true, actions: [{ code: 'update_firmware', resolution_link: null, firmware_version: '6.4.0' }] });
    expect((await get(WALLBOX_IDS.full)).actions).toEqual([]);
  });

  it('shows the same secret in two renderings with nothing in between, until it expires', async () => {
    const first = await get(WALLBOX_IDS.reauth);
    expect(await get(WALLBOX_IDS.reauth)).toEqual(first);
    t.advance(HOUR - 1);
    expect(await get(WALLBOX_IDS.reauth)).toEqual(first);
    t.advance(1);
    expect((await get(WALLBOX_IDS.reauth)).actions[0]!.resolution_link!.url).not.toBe(first.actions[0]!.resolution_link!.url);
  });
});

describe('resolve', () => {
  it('starts the action: a redirect to the Connect UI, the cue in progress, the secret spent', async () => {
    const secret = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    const started = await resolve(REAUTH_CUE, secret, { ...RETURN, language: 'sv', location: {}, clientInfo: { userAgent: 'test' } });
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ redirect_url: expect.stringMatching(new RegExp(`^https://connect\\.podero\\.com/resolve/${REAUTH_CUE}\\?`)) });
    const redirect = new URL(started.body.redirect_url);
    expect(Object.fromEntries(redirect.searchParams)).toEqual({ success_url: RETURN.successUrl, cancel_url: RETURN.cancelUrl, language: 'sv' });
    expect(t.sim.count('POST /cues/{cue_id}/resolve')).toBe(1);

    expect(await resolve(REAUTH_CUE, secret)).toEqual({ status: 403, body: { detail: 'The secret is invalid or has expired.' } });
    // Still pending from the partner's view until the outcome is reported, with a fresh link.
    const fresh = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    expect(fresh).not.toBe(secret);
    expect((await get(WALLBOX_IDS.reauth)).action_needed).toBe(true);
  });

  it('refuses a wrong secret (403) and an unknown cue (404)', async () => {
    expect((await resolve(REAUTH_CUE, 'guessed')).status).toBe(403);
    expect(await resolve(seedId('cue:nobody'), 'guessed')).toEqual({ status: 404, body: { detail: 'Not Found' } });
  });

  it('refuses a secret after one hour from its issue', async () => {
    const secret = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    t.advance(HOUR);
    expect((await resolve(REAUTH_CUE, secret)).status).toBe(403);
    expect((await resolve(REAUTH_CUE, await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE))).status).toBe(200);
  });

  it('lets the user start over with a fresh secret; only the newest attempt can report', async () => {
    const first = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    await resolve(REAUTH_CUE, first);
    const second = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    expect((await resolve(REAUTH_CUE, second)).status).toBe(200);
    expect((await report(REAUTH_CUE, first, 'success')).status).toBe(403);
    expect((await report(REAUTH_CUE, second, 'success')).status).toBe(200);
  });

  it('needs a bearer token', async () => {
    expect((await resolve(REAUTH_CUE, await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE), RETURN, null)).status).toBe(401);
  });

  it('validates the query and the camelCase body (422)', async () => {
    const missing = await t.api('POST', `/cues/${REAUTH_CUE}/resolve`, { language: 5 });
    expect(missing.status).toBe(422);
    expect(missing.body.detail.map((d: { type: string; loc: string[] }) => [d.type, d.loc])).toEqual([
      ['missing', ['query', 'secret']],
      ['missing', ['body', 'successUrl']],
      ['missing', ['body', 'cancelUrl']],
      ['string_type', ['body', 'language']],
    ]);
    expect((await resolve(REAUTH_CUE, 'x', { success_url: 'a', cancel_url: 'b' })).body.detail.map((d: { loc: string[] }) => d.loc)).toEqual([
      ['body', 'successUrl'],
      ['body', 'cancelUrl'],
    ]);
    expect((await resolve('not-a-uuid', 'x')).body.detail[0].loc).toEqual(['path', 'cue_id']);
  });
});

describe('state', () => {
  it('success completes the action: it leaves `actions`, and reauthenticate re-authenticates the wallbox', async () => {
    const secret = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    await resolve(REAUTH_CUE, secret);
    t.advance(1000);
    expect(await report(REAUTH_CUE, secret, 'success')).toEqual({ status: 200, body: { action_id: REAUTH_CUE } });
    expect(await get(WALLBOX_IDS.reauth)).toMatchObject({
      actions: [],
      action_needed: false,
      is_authenticated: true,
      lifecycle_state: 'authenticated',
      lifecycle_error: null,
      updated_at: '2026-11-26T08:00:01Z',
    });
    expect(t.sim.count('POST /cues/{cue_id}/state')).toBe(1);

    expect(await report(REAUTH_CUE, secret, 'success')).toEqual({ status: 404, body: { detail: 'No active action' } });
    expect((await resolve(REAUTH_CUE, secret)).status).toBe(404);
  });

  it('success on another code removes only that action', async () => {
    const secret = await secretOf(WALLBOX_IDS.twoActions, LUKAS_TERMS_CUE);
    await resolve(LUKAS_TERMS_CUE, secret, { ...RETURN, language: 'de' });
    expect((await report(LUKAS_TERMS_CUE, secret, 'success')).status).toBe(200);
    const wallbox = await get(WALLBOX_IDS.twoActions);
    expect(wallbox.actions.map((a) => a.code)).toEqual(['reauthenticate']);
    expect(wallbox).toMatchObject({ action_needed: true, is_authenticated: false });
  });

  it('fail leaves the action pending (retryable) with a new secret', async () => {
    const secret = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    await resolve(REAUTH_CUE, secret);
    expect(await report(REAUTH_CUE, secret, 'fail')).toEqual({ status: 200, body: { action_id: REAUTH_CUE } });
    const wallbox = await get(WALLBOX_IDS.reauth);
    expect(wallbox).toMatchObject({ action_needed: true, is_authenticated: false, lifecycle_state: 'error' });
    const retry = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    expect(retry).not.toBe(secret);
    // Pending again: there is no active attempt to report on, and the old secret resolves nothing.
    expect((await report(REAUTH_CUE, secret, 'success')).status).toBe(404);
    expect((await resolve(REAUTH_CUE, secret)).status).toBe(403);
    expect((await resolve(REAUTH_CUE, retry)).status).toBe(200);
    expect((await report(REAUTH_CUE, retry, 'success')).status).toBe(200);
  });

  it('answers 404 for a cue that is not active: pending or unknown', async () => {
    const secret = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    expect(await report(REAUTH_CUE, secret, 'success')).toEqual({ status: 404, body: { detail: 'No active action' } });
    expect(await report(seedId('cue:nobody'), secret, 'success')).toEqual({ status: 404, body: { detail: 'No active action' } });
  });

  it('needs the secret that started the attempt, within its hour', async () => {
    const secret = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    await resolve(REAUTH_CUE, secret);
    expect(await report(REAUTH_CUE, 'guessed', 'success')).toEqual({ status: 403, body: { detail: 'The secret is invalid or has expired.' } });
    // The link rendered meanwhile carries a fresh secret: it may start over, not report.
    expect((await report(REAUTH_CUE, await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE), 'success')).status).toBe(403);
    t.advance(HOUR);
    expect((await report(REAUTH_CUE, secret, 'success')).status).toBe(403);
  });

  it('needs no bearer token, and ignores one that is sent', async () => {
    const secret = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    await resolve(REAUTH_CUE, secret);
    expect((await report(REAUTH_CUE, secret, 'fail', 'not-a-valid-token')).status).toBe(200);
    const retry = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
    await resolve(REAUTH_CUE, retry);
    expect((await report(REAUTH_CUE, retry, 'success', null)).status).toBe(200);
  });

  it('validates the state and the secret (422)', async () => {
    const answer = await report(REAUTH_CUE, 'x', 'maybe');
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toEqual([{ type: 'enum', loc: ['body', 'state'], msg: "Input should be 'success' or 'fail'" }]);
    const bare = await t.api('POST', `/cues/${REAUTH_CUE}/state`, { payload: [] }, { token: null });
    expect(bare.body.detail.map((d: { loc: string[] }) => d.loc)).toEqual([['query', 'secret'], ['body', 'state'], ['body', 'payload']]);
  });
});

it('reset brings the seeded cues back, pending', async () => {
  const secret = await secretOf(WALLBOX_IDS.reauth, REAUTH_CUE);
  await resolve(REAUTH_CUE, secret);
  await report(REAUTH_CUE, secret, 'success');
  t.reset();
  expect((await get(WALLBOX_IDS.reauth)).actions.map((a) => a.code)).toEqual(['reauthenticate']);
});
