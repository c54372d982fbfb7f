// Every mutation over real HTTP against the simulator's stateful write endpoints: what is sent
// upstream, what comes back, validation before any call, rejections as typed results, upstream errors
// with their codes, never a retry after upstream may have acted, and read-after-write in one operation.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { BUILDING_IDS, USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { apiCalls, WALLBOX_GET, startGateway, startStack } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const JONAS = USER_IDS.jonas!;
const PUT = 'PUT /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';
const BOOST = 'POST /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}/boost';
const UNBOOST = 'DELETE /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}/boost';
const CLAIM = 'POST /org/{org_id}/users/{user_id}/wallboxes/claim-tokens';
const AUTH_SESSION = 'POST /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}/auth_session';
const RESOLVE = 'POST /cues/{cue_id}/resolve';
const STATE = 'POST /cues/{cue_id}/state';

const { sim, gateway, close } = await startStack({
  // A static token: each test starts from a fresh simulator (sim.reset() also revokes issued tokens),
  // and counts should show the calls a mutation makes, not token renewals.
  timeoutMs: 300,
  auth: { mode: 'static-token', token: 'test-static-token-51d2' },
});
afterAll(close);

beforeEach(() => sim.reset());
const UPDATE = `mutation ($input: UpdateWallboxInput!) {
  updateWallbox(input: $input) { id chargeTargetMin chargeTargetMax comment buildingId chargeDeadlineAt pausePowerUntil isPausePowerActive priceZone updatedAt }
}`;

function codes(body: { errors?: { extensions: Record<string, unknown> }[] }): unknown[] {
  return (body.errors ?? []).map((e) => e.extensions.code);
}

describe('updateWallbox', () => {
  it('sends only the settings given (an explicit null as null), and answers the updated wallbox', async () => {
    const { body } = await gateway.graphql(UPDATE, {
      input: { userId: ANNA, id: WALLBOX_IDS.full, chargeTargetMin: 40, chargeTargetMax: 95, comment: 'Guest charger', buildingId: null, chargeDeadlineAt: '2026-12-01T06:30:00+01:00' },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.updateWallbox).toMatchObject({
      id: WALLBOX_IDS.full,
      chargeTargetMin: 40,
      chargeTargetMax: 95,
      comment: 'Guest charger',
      buildingId: null,
      chargeDeadlineAt: '2026-12-01T05:30:00.000Z',
    });
    const [put] = sim.received(PUT);
    expect(put!.body).toEqual({
      charge_target_min: 40,
      charge_target_max: 95,
      comment: 'Guest charger',
      building_id: null,
      charge_deadline_at: '2026-12-01T05:30:00.000Z',
    });
    // What the next read returns: the change is upstream, not only in the answer.
    const after = await gateway.graphql(`{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { chargeTargetMax comment buildingId } }`);
    expect(after.body.data.wallbox).toEqual({ chargeTargetMax: 95, comment: 'Guest charger', buildingId: null });
  });

  it('maps every setting to its upstream name', async () => {
    const input = {
      userId: ANNA,
      id: WALLBOX_IDS.annaHourly,
      chargeTargetMin: 10,
      chargeTargetMax: 100,
      chargePowerMaxW: 3700,
      minimumChargeLimit: 25,
      chargeDeadlineAt: '2026-12-24T07:00:00Z',
      isChargePolicyEnabled: true,
      isOverChargeAllowed: false,
      pausePowerUntil: null,
      isSmartOptimizationActive: true,
      isTradingEnabled: true,
      isInverterForcedModeEnabled: true,
      priceZone: 'AT_HOURLY',
      comment: null,
      externalDeviceId: 'CRM-77',
      buildingId: BUILDING_IDS.annaHolidayHome,
    };
    const { body } = await gateway.graphql(UPDATE, { input });
    expect(body.errors).toBeUndefined();
    expect(sim.received(PUT)[0]!.body).toEqual({
      charge_target_min: 10,
      charge_target_max: 100,
      charge_power_max_w: 3700,
      minimum_charge_limit: 25,
      charge_deadline_at: '2026-12-24T07:00:00.000Z',
      is_charge_policy_enabled: true,
      is_over_charge_allowed: false,
      pause_power_until: null,
      is_smart_optimization_active: true,
      is_trading_enabled: true,
      is_inverter_forced_mode_enabled: true,
      price_zone: 'AT_HOURLY',
      comment: null,
      external_device_id: 'CRM-77',
      building_id: BUILDING_IDS.annaHolidayHome,
    });
    expect(sim.wallboxRecord(WALLBOX_IDS.annaHourly)).toMatchObject({ charge_power_max_w: 3700, building: BUILDING_IDS.annaHolidayHome });
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['a percentage above 100', { chargeTargetMax: 101 }, ['chargeTargetMax']],
    ['a negative percentage', { minimumChargeLimit: -1 }, ['minimumChargeLimit']],
    ['min above max', { chargeTargetMin: 90, chargeTargetMax: 80 }, ['chargeTargetMin']],
    ['a comment over 300 characters', { comment: 'x'.repeat(301) }, ['comment']],
    ['an external device id over 255 characters', { externalDeviceId: 'x'.repeat(256) }, ['externalDeviceId']],
    ['null for a non-null setting', { chargePowerMaxW: null, isTradingEnabled: null, priceZone: null }, ['chargePowerMaxW', 'isTradingEnabled', 'priceZone']],
    ['zero charge power', { chargePowerMaxW: 0 }, ['chargePowerMaxW']],
    ['no setting at all', {}, ['input']],
  ];

  it.each(invalid)('rejects %s with BAD_USER_INPUT naming the field, without an upstream call', async (_label, settings, fields) => {
    const { body } = await gateway.graphql(UPDATE, { input: { userId: ANNA, id: WALLBOX_IDS.full, ...settings } });
    expect(body.data).toEqual({ updateWallbox: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect((body.errors![0]!.extensions.fields as { field: string }[]).map((f) => f.field)).toEqual(fields);
    for (const field of fields) expect(body.errors![0]!.message).toContain(field);
    expect(apiCalls(sim)).toBe(0);
  });

  it('rejects malformed values of the input types (a bad date-time, id or enum) with BAD_USER_INPUT, without an upstream call', async () => {
    for (const bad of [{ chargeDeadlineAt: 'next Tuesday' }, { buildingId: 'b-1' }, { priceZone: 'FR' }, { chargeTargetMin: 'fifty' }]) {
      const { body } = await gateway.graphql(UPDATE, { input: { userId: ANNA, id: WALLBOX_IDS.full, ...bad } });
      expect(codes(body), JSON.stringify(bad)).toEqual(['BAD_USER_INPUT']);
    }
    expect(apiCalls(sim)).toBe(0);
  });

  it("passes upstream's field-level validation messages on, named by input field", async () => {
    // Only the minimum is given: upstream compares it with the stored maximum (80) and refuses.
    const { body } = await gateway.graphql(UPDATE, { input: { userId: ANNA, id: WALLBOX_IDS.full, chargeTargetMin: 85 } });
    expect(body.data).toEqual({ updateWallbox: null });
    const [error] = body.errors!;
    expect(error!.extensions).toMatchObject({
      code: 'UPSTREAM_ERROR',
      upstream: { status: 422, detail: [expect.objectContaining({ loc: ['body', 'charge_target_min'] })] },
      fields: [{ field: 'chargeTargetMin', message: expect.any(String) }],
    });
    expect(error!.message).toMatch(/answered 422 .*chargeTargetMin: /);
    expect(sim.count(PUT)).toBe(1);
  });

  it('answers an unknown wallbox with NOT_FOUND, and another organization with FORBIDDEN', async () => {
    const unknown = await gateway.graphql(UPDATE, { input: { userId: ANNA, id: WALLBOX_IDS.oliver, comment: 'x' } });
    expect(codes(unknown.body)).toEqual(['NOT_FOUND']);
    const foreign = await gateway.graphql(UPDATE, { input: { orgId: '00000000-0000-4000-8000-000000000000', userId: ANNA, id: WALLBOX_IDS.full, comment: 'x' } });
    expect(codes(foreign.body)).toEqual(['FORBIDDEN']);
  });
});

describe('pause and resume', () => {
  it('pauses power until a future time, and resumes it', async () => {
    const until = new Date(Date.now() + 3 * 3600_000).toISOString();
    const paused = await gateway.graphql(
      `mutation { pauseWallboxPower(userId: "${ANNA}", id: "${WALLBOX_IDS.full}", until: "${until}") { pausePowerUntil isPausePowerActive } }`,
    );
    expect(paused.body.data.pauseWallboxPower).toEqual({ pausePowerUntil: until, isPausePowerActive: true });
    expect(sim.received(PUT)[0]!.body).toEqual({ pause_power_until: until });

    const resumed = await gateway.graphql(`mutation { resumeWallboxPower(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { pausePowerUntil isPausePowerActive } }`);
    expect(resumed.body.data.resumeWallboxPower).toEqual({ pausePowerUntil: null, isPausePowerActive: false });
    expect(sim.received(PUT)[1]!.body).toEqual({ pause_power_until: null });
  });

  it('refuses a pause that ends in the past, without an upstream call', async () => {
    const { body } = await gateway.graphql(`mutation { pauseWallboxPower(userId: "${ANNA}", id: "${WALLBOX_IDS.full}", until: "2020-01-01T00:00:00Z") { id } }`);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'until' }] });
    expect(apiCalls(sim)).toBe(0);
  });
});

describe('boost', () => {
  const BOOST_MUTATION = (userId: string, id: string) => `mutation {
    boostWallbox(userId: "${userId}", id: "${id}") {
      __typename
      ... on BoostStarted { wallbox { id boostState isCharging } }
      ... on BoostArmed { wallbox { id boostState boostForNextSession } }
      ... on BoostRejected { state reason }
    }
  }`;

  it('starts on a plugged-in, idle wallbox', async () => {
    const { body } = await gateway.graphql(BOOST_MUTATION(ANNA, WALLBOX_IDS.annaCarport));
    expect(body.errors).toBeUndefined();
    expect(body.data.boostWallbox).toEqual({ __typename: 'BoostStarted', wallbox: { id: WALLBOX_IDS.annaCarport, boostState: 'ONGOING', isCharging: true } });
    expect(sim.count(BOOST)).toBe(1);
    expect(sim.count(WALLBOX_GET)).toBe(2); // the state before (plugged in?) and the wallbox after
  });

  it('arms for the next session when nothing is plugged in', async () => {
    const { body } = await gateway.graphql(BOOST_MUTATION(ANNA, WALLBOX_IDS.annaHourly));
    expect(body.data.boostWallbox).toEqual({
      __typename: 'BoostArmed',
      wallbox: { id: WALLBOX_IDS.annaHourly, boostState: 'UNAVAILABLE', boostForNextSession: true },
    });
  });

  it('turns a 409 into a typed rejection: already charging, fully charged', async () => {
    const charging = await gateway.graphql(BOOST_MUTATION(ANNA, WALLBOX_IDS.full));
    expect(charging.body).toEqual({ data: { boostWallbox: { __typename: 'BoostRejected', state: 'UNAVAILABLE', reason: 'ALREADY_CHARGING' } } });
    const full = await gateway.graphql(BOOST_MUTATION(USER_IDS.giulia!, WALLBOX_IDS.giuliaPaused));
    expect(full.body).toEqual({ data: { boostWallbox: { __typename: 'BoostRejected', state: 'UNAVAILABLE', reason: 'FULLY_CHARGED' } } });
  });

  it('serves a 409 with values it does not know as UNKNOWN / null, never as a failure', async () => {
    sim.injectFault({ route: BOOST, status: 409, body: { state: 'cooling_down', reason: 'grid_limit' }, times: 1 });
    const unknown = await gateway.graphql(BOOST_MUTATION(ANNA, WALLBOX_IDS.annaCarport));
    expect(unknown.body).toEqual({ data: { boostWallbox: { __typename: 'BoostRejected', state: 'UNKNOWN', reason: null } } });
    sim.injectFault({ route: BOOST, status: 409, body: { state: 'available', reason: 'internal_error' }, times: 1 });
    const internal = await gateway.graphql(BOOST_MUTATION(ANNA, WALLBOX_IDS.annaCarport));
    expect(internal.body.data.boostWallbox).toEqual({ __typename: 'BoostRejected', state: 'AVAILABLE', reason: 'INTERNAL_ERROR' });
  });

  it('cancels a boost (idempotently) and answers the wallbox as it is afterwards', async () => {
    await gateway.graphql(BOOST_MUTATION(ANNA, WALLBOX_IDS.annaCarport));
    const cancel = `mutation { cancelWallboxBoost(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { boostState isCharging boostForNextSession } }`;
    for (let i = 0; i < 2; i++) {
      const { body } = await gateway.graphql(cancel);
      expect(body).toEqual({ data: { cancelWallboxBoost: { boostState: 'AVAILABLE', isCharging: false, boostForNextSession: false } } });
    }
    expect(sim.count(UNBOOST)).toBe(2);
  });

  it('keeps the outcome when the read after the boost fails: BoostStarted with a null wallbox and the error', async () => {
    // The settings change fills the request's loader, so the boost's "before" read needs no GET; the
    // one GET, the read after the boost, fails (a 500: not retried).
    sim.injectFault({ route: WALLBOX_GET, status: 500, body: { detail: 'maintenance' }, times: 1 });
    const { body } = await gateway.graphql(`mutation {
      pre: updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}", comment: "before boost" }) { id }
      boostWallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { __typename ... on BoostStarted { wallbox { id } } }
    }`);
    expect(body.data.boostWallbox).toEqual({ __typename: 'BoostStarted', wallbox: null });
    expect(body.errors?.map((e): unknown[] => [e.path?.join('.'), e.extensions.code])).toEqual([['boostWallbox.wallbox', 'UPSTREAM_ERROR']]);
    expect(sim.count(BOOST)).toBe(1);
    expect(sim.count(WALLBOX_GET)).toBe(1);
  });
});

describe('never retried', () => {
  const cases: [string, Parameters<Simulator['injectFault']>[0], string][] = [
    ['a 500', { status: 500, body: { detail: 'oops' } }, 'UPSTREAM_ERROR'],
    ['a timeout', { delayMs: 1000, drop: true }, 'UPSTREAM_TIMEOUT'],
    ['a dropped connection', { drop: true }, 'UPSTREAM_UNAVAILABLE'],
  ];

  it.each(cases)('sends a write once when upstream fails with %s (%s)', async (_label, fault, code) => {
    sim.injectFault({ route: PUT, ...fault });
    const { body } = await gateway.graphql(UPDATE, { input: { userId: ANNA, id: WALLBOX_IDS.full, comment: 'once' } });
    expect(codes(body)).toEqual([code]);
    expect(sim.count(PUT)).toBe(1);

    sim.clearFaults();
    sim.injectFault({ route: BOOST, ...fault });
    const boosted = await gateway.graphql(`mutation { boostWallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { __typename } }`);
    expect(codes(boosted.body)).toEqual([code]);
    expect(sim.count(BOOST)).toBe(1);
  });

  it('renews the token and sends a write once more after a 401 (upstream executed nothing)', async () => {
    const credentialed = await startGateway(sim);
    try {
      await credentialed.graphql(`{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } }`); // caches a token
      sim.revokeTokens();
      sim.resetCounts();
      const { body } = await credentialed.graphql(UPDATE, { input: { userId: ANNA, id: WALLBOX_IDS.full, comment: 'after renewal' } });
      expect(body.errors).toBeUndefined();
      expect(sim.received(PUT).map((r) => r.authorization)).toEqual([expect.stringMatching(/^Bearer /), expect.stringMatching(/^Bearer /)]);
      expect(sim.count('POST /oauth2/token/')).toBe(1);
      expect(sim.wallboxRecord(WALLBOX_IDS.full)?.comment).toBe('after renewal');
    } finally {
      await credentialed.close();
    }
  });
});

describe('read after write in one operation', () => {
  it('serves later fields from the written state, never a stale copy', async () => {
    const { body } = await gateway.graphql(`mutation {
      settings: updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}", chargeTargetMax: 95 }) { chargeTargetMax }
      boost: boostWallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { ... on BoostStarted { wallbox { chargeTargetMax boostState isCharging } } }
      cancel: cancelWallboxBoost(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { chargeTargetMax boostState isCharging }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      settings: { chargeTargetMax: 95 },
      boost: { wallbox: { chargeTargetMax: 95, boostState: 'ONGOING', isCharging: true } },
      cancel: { chargeTargetMax: 95, boostState: 'AVAILABLE', isCharging: false },
    });
    // The boost read its "before" state from the PUT's answer (no GET); each later read is fresh.
    expect(sim.count(PUT)).toBe(1);
    expect(sim.count(BOOST)).toBe(1);
    expect(sim.count(UNBOOST)).toBe(1);
    expect(sim.count(WALLBOX_GET)).toBe(2);
  });
});

describe('claim tokens and re-authentication', () => {
  it('mints a claim token that pairs a charger once', async () => {
    const { body } = await gateway.graphql(`mutation { createWallboxClaimToken(userId: "${ANNA}") { token wssUrl expiresAt } }`);
    expect(body.errors).toBeUndefined();
    const { token, wssUrl, expiresAt } = body.data.createWallboxClaimToken as { token: string; wssUrl: string; expiresAt: string };
    expect(wssUrl).toContain(token);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect(sim.count(CLAIM)).toBe(1);
    const paired = sim.pairWallbox(token, { manufacturer: 'Zaptec', model: 'Go 2' });
    const owned = await gateway.graphql(`{ wallbox(userId: "${ANNA}", id: "${String(paired.id)}") { deviceModel { manufacturer model } owner { id } } }`);
    expect(owned.body.data.wallbox).toEqual({ deviceModel: { manufacturer: 'Zaptec', model: 'Go 2' }, owner: { id: ANNA } });
    expect(() => sim.pairWallbox(token)).toThrow();
    // The token is the caller's to hand on, never something the gateway logs.
    expect(gateway.logs.join('\n')).not.toContain(token);
  });

  it('starts a re-authentication session', async () => {
    const { body } = await gateway.graphql(
      `mutation { reauthenticateWallbox(userId: "${JONAS}", id: "${WALLBOX_IDS.reauth}", successUrl: "https://app.example/ok", cancelUrl: "https://app.example/cancel") { authenticationUrl sessionId deviceId } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.reauthenticateWallbox).toEqual({ authenticationUrl: expect.stringMatching(/^https:\/\//), sessionId: expect.any(String), deviceId: WALLBOX_IDS.reauth });
    expect(sim.received(AUTH_SESSION)[0]!.body).toEqual({ success_url: 'https://app.example/ok', cancel_url: 'https://app.example/cancel' });
  });

  it('refuses return URLs that are not absolute http(s) URLs, without an upstream call', async () => {
    const { body } = await gateway.graphql(
      `mutation { reauthenticateWallbox(userId: "${JONAS}", id: "${WALLBOX_IDS.reauth}", successUrl: "javascript:alert(1)", cancelUrl: "/relative") { sessionId } }`,
    );
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'successUrl' }, { field: 'cancelUrl' }] });
    expect(apiCalls(sim)).toBe(0);
  });
});

describe('actions', () => {
  const ACTIONS = `{ wallbox(userId: "${JONAS}", id: "${WALLBOX_IDS.reauth}") { isAuthenticated actionNeeded actions { code ... on ReauthenticateAction { resolutionLink { url } } } } }`;
  const START = `mutation ($input: StartActionInput!) { startAction(input: $input) { redirectUrl } }`;
  const REPORT = `mutation ($input: ReportActionOutcomeInput!) { reportActionOutcome(input: $input) { actionId } }`;
  const RETURN = { successUrl: 'https://app.example/done', cancelUrl: 'https://app.example/cancelled' };

  async function resolutionUrl(): Promise<string> {
    const { body } = await gateway.graphql(ACTIONS);
    return body.data.wallbox.actions[0].resolutionLink.url as string;
  }

  it('starts an action from its resolution URL, reports success, and the action is gone', async () => {
    const url = await resolutionUrl();
    const started = await gateway.graphql(START, { input: { resolutionUrl: url, ...RETURN, language: 'de' } });
    expect(started.body.errors).toBeUndefined();
    expect(started.body.data.startAction.redirectUrl).toMatch(/^https:\/\//);
    expect(sim.received(RESOLVE)[0]!.body).toEqual({ ...RETURN, language: 'de' });

    const reported = await gateway.graphql(REPORT, { input: { resolutionUrl: url, outcome: 'SUCCESS' } });
    expect(reported.body.errors).toBeUndefined();
    expect(reported.body.data.reportActionOutcome.actionId).toEqual(expect.any(String));
    expect(sim.received(STATE)[0]).toMatchObject({ body: { state: 'success', payload: {}, location: {}, client_info: {} }, authorization: undefined });

    const after = await gateway.graphql(ACTIONS);
    expect(after.body.data.wallbox).toEqual({ isAuthenticated: true, actionNeeded: false, actions: [] });
  });

  it('calls its own partner API, never the host written in the resolution URL', async () => {
    const url = new URL(await resolutionUrl());
    const foreign = `https://evil.example${url.pathname}${url.search}`;
    const { body } = await gateway.graphql(START, { input: { resolutionUrl: foreign, ...RETURN } });
    expect(body.errors).toBeUndefined();
    // The simulator (the configured API) received the call: nothing went to evil.example.
    expect(sim.received(RESOLVE)).toHaveLength(1);
    expect(sim.received(RESOLVE)[0]!.path).toBe(url.pathname);
  });

  it('accepts the cue id and secret instead of the URL', async () => {
    const url = new URL(await resolutionUrl());
    const cueId = /\/cues\/([^/]+)\/resolve/.exec(url.pathname)![1];
    const secret = url.searchParams.get('secret');
    const { body } = await gateway.graphql(START, { input: { cueId, secret, ...RETURN } });
    expect(body.errors).toBeUndefined();
    expect(sim.received(RESOLVE)[0]!.path).toContain(cueId);
  });

  it('explains a used secret (FORBIDDEN) and an action that is no longer active (NOT_FOUND)', async () => {
    const url = await resolutionUrl();
    await gateway.graphql(START, { input: { resolutionUrl: url, ...RETURN } });
    const again = await gateway.graphql(START, { input: { resolutionUrl: url, ...RETURN } });
    expect(codes(again.body)).toEqual(['FORBIDDEN']);
    expect(again.body.errors![0]!.message).toMatch(/single-use and expire one hour/);

    await gateway.graphql(REPORT, { input: { resolutionUrl: url, outcome: 'SUCCESS' } });
    const late = await gateway.graphql(REPORT, { input: { resolutionUrl: url, outcome: 'FAIL' } });
    expect(codes(late.body)).toEqual(['NOT_FOUND']);
    expect(late.body.errors![0]!.message).toMatch(/not active/);
  });

  it('keeps a failed action pending, with a fresh link to try again', async () => {
    const url = await resolutionUrl();
    await gateway.graphql(START, { input: { resolutionUrl: url, ...RETURN } });
    const failed = await gateway.graphql(REPORT, { input: { resolutionUrl: url, outcome: 'FAIL', payload: { reason: 'user cancelled' } } });
    expect(failed.body.errors).toBeUndefined();
    expect(sim.received(STATE)[0]!.body).toMatchObject({ state: 'fail', payload: { reason: 'user cancelled' } });
    const fresh = await resolutionUrl();
    expect(fresh).not.toBe(url);
    expect((await gateway.graphql(START, { input: { resolutionUrl: fresh, ...RETURN } })).body.errors).toBeUndefined();
  });

  it('rejects an input that names no cue, or two, or a URL that is not a resolution URL, without an upstream call', async () => {
    const url = await resolutionUrl();
    sim.resetCounts();
    for (const input of [
      { ...RETURN },
      { resolutionUrl: url, cueId: '3c90c3cc-0d44-4b50-8888-8dd25736052a', secret: 's', ...RETURN },
      { resolutionUrl: 'https://evil.example/steal?secret=x', ...RETURN },
      { cueId: '3c90c3cc-0d44-4b50-8888-8dd25736052a', ...RETURN },
      { resolutionUrl: url, successUrl: 'ftp://x', cancelUrl: RETURN.cancelUrl },
    ]) {
      const { body } = await gateway.graphql(START, { input });
      expect(codes(body), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
    }
    expect(apiCalls(sim)).toBe(0);
  });

  it('never logs a cue secret', async () => {
    const url = await resolutionUrl();
    const secret = new URL(url).searchParams.get('secret')!;
    await gateway.graphql(START, { input: { resolutionUrl: url, ...RETURN } });
    await gateway.graphql(START, { input: { resolutionUrl: url, ...RETURN } }); // 403: logged as a failure
    expect(gateway.logs.length).toBeGreaterThan(0);
    expect(gateway.logs.join('\n')).not.toContain(secret);
  });
});
