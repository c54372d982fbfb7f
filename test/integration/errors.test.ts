// Every error code the gateway promises, provoked for real: bad input (with no upstream call), each
// upstream failure injected into the simulator, and the gateway's own limits.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { USER_IDS, WALLBOX_IDS, createSeed } from '../../src/simulator/seed.js';
import { apiCalls, WALLBOX_GET, startGateway, startStack, type GraphQLResponse, type RunningGateway } from '../helpers/stack.js';
import { freePort } from '../helpers/ports.js';

const ANNA = USER_IDS.anna!;
const QUERY = `query ($userId: UUID!, $id: UUID!) { wallbox(userId: $userId, id: $id) { id chargeRateW } }`;

const { sim, gateway, close } = await startStack({ timeoutMs: 300 });
const responses: GraphQLResponse[] = [];

async function ask(query: string, variables?: Record<string, unknown>, on: RunningGateway = gateway): Promise<GraphQLResponse> {
  const response = await on.graphql(query, variables);
  responses.push(response);
  return response;
}

afterEach(() => {
  sim.clearFaults();
  sim.resetCounts();
});
afterAll(async () => {
  // The promise: every error carries a code, and the HTTP status never mirrors upstream's.
  for (const { body } of responses) for (const error of body.errors ?? []) expect(error.extensions.code, error.message).toEqual(expect.any(String));
  await close();
});

describe('bad input', () => {
  it('rejects a malformed UUID literal with BAD_USER_INPUT and makes no upstream call', async () => {
    const { body } = await ask(`{ wallbox(userId: "${ANNA}", id: "not-a-uuid") { id } }`);
    expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    expect(body.data).toBeUndefined();
    expect(apiCalls(sim)).toBe(0);
  });

  it('rejects a malformed UUID variable with BAD_USER_INPUT and makes no upstream call', async () => {
    for (const id of ['abc', `${WALLBOX_IDS.full}}`, '../../users', `${WALLBOX_IDS.full}?include_deleted=true`, 42]) {
      const { body } = await ask(QUERY, { userId: ANNA, id });
      expect(body.errors?.[0]?.extensions.code, String(id)).toBe('BAD_USER_INPUT');
    }
    expect(apiCalls(sim)).toBe(0);
  });

  it('accepts any spelling of a valid UUID as the same id (one upstream call)', async () => {
    const upper = WALLBOX_IDS.full.toUpperCase();
    const { body } = await ask(`{ a: wallbox(userId: "${ANNA}", id: "${upper}") { id } b: wallbox(userId: "${ANNA}", id: "{${WALLBOX_IDS.full}}") { id } c: wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ a: { id: WALLBOX_IDS.full }, b: { id: WALLBOX_IDS.full }, c: { id: WALLBOX_IDS.full } });
    // One call, for the one id. (On a machine too busy to answer within PODERO_TIMEOUT_MS that call
    // is retried, and its attempts are counted apart: each retry is one more GET of the same path.)
    const gets = sim.received(WALLBOX_GET);
    expect(new Set(gets.map((r) => r.path))).toEqual(new Set([gets[0]!.path]));
    expect(gets[0]!.path.endsWith(`/wallboxes/${WALLBOX_IDS.full}`)).toBe(true);
    expect(gets.length).toBe(1 + (await retries()));
  });

  it('answers a missing orgId with no configured default with BAD_USER_INPUT, before any call', async () => {
    const noDefault = await startGateway(sim, { orgId: undefined });
    try {
      const { body } = await ask(QUERY, { userId: ANNA, id: WALLBOX_IDS.full }, noDefault);
      expect(body.errors?.[0]).toMatchObject({ path: ['wallbox'], extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'orgId', message: expect.stringContaining('PODERO_ORG_ID') }] } });
      expect(body.data).toEqual({ wallbox: null });
      const withOrg = await ask(`query ($o: UUID, $u: UUID!, $id: UUID!) { wallbox(orgId: $o, userId: $u, id: $id) { id } }`, { o: sim.seed.orgId, u: ANNA, id: WALLBOX_IDS.full }, noDefault);
      expect(withOrg.body.data).toEqual({ wallbox: { id: WALLBOX_IDS.full } });
      expect(sim.count(WALLBOX_GET)).toBe(1);
    } finally {
      await noDefault.close();
    }
  });

  it('answers an invalid document with GRAPHQL_VALIDATION_FAILED and a broken one with GRAPHQL_PARSE_FAILED', async () => {
    expect((await ask(`{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { noSuchField } }`)).body.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await ask(`{ wallbox(userId: "${ANNA}" { id } }`)).body.errors?.[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(apiCalls(sim)).toBe(0);
  });

  it('answers a missing userId (optional for end users\' sake) with BAD_USER_INPUT naming it, before any call', async () => {
    const { body } = await ask(`{ wallbox(id: "${WALLBOX_IDS.full}") { id } }`);
    expect(body).toEqual({ data: { wallbox: null }, errors: [expect.objectContaining({ path: ['wallbox'], extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'userId', message: expect.stringContaining('is required') }] } })] });
    expect(apiCalls(sim)).toBe(0);
  });
});

describe('upstream failures', () => {
  const cases: [string, Parameters<Simulator['injectFault']>[0], string, number | undefined][] = [
    ['404', { status: 404, body: { detail: 'Not Found' } }, 'NOT_FOUND', 404],
    ['401', { status: 401, body: { detail: 'Unauthorized' } }, 'UNAUTHENTICATED', 401],
    ['403', { status: 403, body: { detail: 'You do not have permission to perform this action.' } }, 'FORBIDDEN', 403],
    ['500', { status: 500, body: { detail: 'Internal Server Error' } }, 'UPSTREAM_ERROR', 500],
    ['502 with an HTML body (after its retries)', { status: 502, body: '<html>Bad Gateway</html>' }, 'UPSTREAM_UNAVAILABLE', 502],
    ['a body that is not JSON', { rawBody: '{"connection_status": "ok", ' }, 'UPSTREAM_ERROR', 200],
    ['a JSON array instead of an object', { rawBody: '[]' }, 'UPSTREAM_ERROR', 200],
    ['a wallbox without its required created_at', { rawBody: JSON.stringify({ id: WALLBOX_IDS.full, connection_status: 'ok' }) }, 'UPSTREAM_ERROR', 200],
    [
      'a malformed value for a field with a default (not silently defaulted)',
      { rawBody: JSON.stringify({ ...sampleWallbox(), is_trading_enabled: 'yes' }) },
      'UPSTREAM_ERROR',
      200,
    ],
    ['no answer within the timeout', { delayMs: 1500 }, 'UPSTREAM_TIMEOUT', undefined],
    ['a dropped connection', { drop: true }, 'UPSTREAM_UNAVAILABLE', undefined],
  ];

  it.each(cases)('maps %s to %s, with null data and HTTP 200', async (_label, fault, code, upstreamStatus) => {
    sim.injectFault({ route: WALLBOX_GET, ...fault });
    const { status, body } = await ask(QUERY, { userId: ANNA, id: WALLBOX_IDS.full });
    expect(status).toBe(200);
    expect(body.data).toEqual({ wallbox: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['wallbox'], extensions: { code } });
    expect(body.errors![0]!.extensions.upstream?.status).toBe(upstreamStatus);
  });

  it('keeps upstream\'s error detail, and never echoes an unknown error body', async () => {
    sim.injectFault({ route: WALLBOX_GET, status: 500, body: { detail: 'database is restarting' }, times: 1 });
    const known = await ask(QUERY, { userId: ANNA, id: WALLBOX_IDS.full });
    expect(known.body.errors![0]!.extensions.upstream).toEqual({ status: 500, detail: 'database is restarting' });
    sim.injectFault({ route: WALLBOX_GET, status: 500, body: { stack: 'Traceback (most recent call last) ...' } });
    const unknown = await ask(QUERY, { userId: ANNA, id: WALLBOX_IDS.full });
    expect(unknown.body.errors![0]!.extensions.upstream).toEqual({ status: 500 });
    expect(unknown.text).not.toContain('Traceback');
  });

  it('maps a wallbox of another organization to FORBIDDEN (simulator: 403)', async () => {
    const { body } = await ask(`query ($o: UUID, $u: UUID!, $id: UUID!) { wallbox(orgId: $o, userId: $u, id: $id) { id } }`, {
      o: '00000000-0000-4000-8000-000000000000',
      u: ANNA,
      id: WALLBOX_IDS.full,
    });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', upstream: { status: 403, detail: expect.any(String) } });
  });

  it('serves a field with a default as its default when upstream leaves it out', async () => {
    const { is_trading_enabled: _left, charge_power_max_w: _out, ...record } = sampleWallbox();
    sim.injectFault({ route: WALLBOX_GET, rawBody: JSON.stringify(record), times: 1 });
    const { body } = await ask(`{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { isTradingEnabled chargePowerMaxW } }`);
    expect(body).toEqual({ data: { wallbox: { isTradingEnabled: false, chargePowerMaxW: 7000 } } });
  });

  it('treats a caller that goes away as a cancellation, not as an upstream failure', async () => {
    sim.injectFault({ route: WALLBOX_GET, delayMs: 250 });
    const logged = gateway.logs.length;
    const controller = new AbortController();
    const pending = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { userId: ANNA, id: WALLBOX_IDS.full } }),
      signal: controller.signal,
    }).catch(() => undefined);
    await vi.waitFor(() => expect(sim.count(WALLBOX_GET)).toBe(1)); // upstream is answering, slowly
    controller.abort();
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 400)); // past the delay and the 300 ms timeout
    expect(sim.count(WALLBOX_GET)).toBe(1);
    const failures = gateway.logs.slice(logged).filter((line) => line.includes('upstream call failed'));
    expect(failures).toEqual([]);
  });

  it('maps a refused connection to UPSTREAM_UNAVAILABLE', async () => {
    const closedPort = await freePort();
    const nowhere = await startGateway(sim, { apiUrl: new URL(`http://127.0.0.1:${closedPort}/api/partners/v2.0`), auth: { mode: 'static-token', token: 't' } });
    try {
      const { status, body } = await ask(QUERY, { userId: ANNA, id: WALLBOX_IDS.full }, nowhere);
      expect(status).toBe(200);
      expect(body.errors?.[0]).toMatchObject({ path: ['wallbox'], extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
      expect(body.errors?.[0]?.message).toContain('ECONNREFUSED');
    } finally {
      await nowhere.close();
    }
  });

  it('degrades to partial data: one failing wallbox does not fail the others', async () => {
    sim.injectFault({ route: WALLBOX_GET, pathIncludes: WALLBOX_IDS.annaCarport, status: 500 });
    const { body } = await ask(
      `{ ok: wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } bad: wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.annaCarport}") { id } missing: wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.oliver}") { id } }`,
    );
    expect(body.data).toEqual({ ok: { id: WALLBOX_IDS.full }, bad: null, missing: null });
    expect(body.errors?.map((e): unknown[] => [e.path?.[0], e.extensions.code]).sort()).toEqual([
      ['bad', 'UPSTREAM_ERROR'],
      ['missing', 'NOT_FOUND'], // Oliver's wallbox, asked for as Anna's
    ]);
  });
});

describe('limits', () => {
  it('stops an operation at its upstream call budget with TOO_MANY_UPSTREAM_CALLS', async () => {
    const small = await startGateway(sim, { maxCallsPerRequest: 3 });
    try {
      const ids = [WALLBOX_IDS.full, WALLBOX_IDS.annaCarport, WALLBOX_IDS.annaHourly, WALLBOX_IDS.reauth, WALLBOX_IDS.sparse];
      const { body } = await ask(`{ ${ids.map((id, i) => `w${i}: wallbox(userId: "${ANNA}", id: "${id}") { id }`).join(' ')} }`, undefined, small);
      const codes = (body.errors ?? []).map((e): unknown => e.extensions.code);
      expect(codes.filter((c) => c === 'TOO_MANY_UPSTREAM_CALLS')).toHaveLength(2);
      expect(sim.count(WALLBOX_GET)).toBe(3);
    } finally {
      await small.close();
    }
  });
});

/** The seeded fully populated wallbox, as upstream JSON. */
function sampleWallbox(): Record<string, unknown> {
  return createSeed().wallboxes.find((w) => w.record.id === WALLBOX_IDS.full)!.record;
}

/** Reads the gateway sent again after a retryable failure (its podero_upstream_retries_total). */
async function retries(): Promise<number> {
  const text = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
  return [...text.matchAll(/^podero_upstream_retries_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}
