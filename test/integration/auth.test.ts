// The three credential modes against the simulator's real token endpoint and bearer checks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { TOKEN_POST, WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

const QUERY = `{ wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`;

describe('client credentials', () => {
  let sim: Simulator;
  let gateway: RunningGateway;
  // One clock for the simulator and the gateway: tests move it instead of waiting for tokens to expire.
  let time = Date.now();
  const now = () => time;

  beforeAll(async () => {
    sim = await startTestSimulator({ tokenExpiresInS: 3600, now });
  });
  afterEach(async () => {
    await gateway?.close();
    sim.reset();
  });
  afterAll(() => sim?.close());

  it('makes one token request for 50 concurrent operations', async () => {
    gateway = await startGateway(sim, { now });
    const results = await Promise.all(Array.from({ length: 50 }, () => gateway.graphql(QUERY)));
    for (const { body } of results) expect(body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
    expect(sim.count(TOKEN_POST)).toBe(1);
    expect(sim.count(WALLBOX_GET)).toBe(50);
  });

  it('reuses the token until shortly before it expires, then fetches one new token', async () => {
    gateway = await startGateway(sim, { now });
    await gateway.graphql(QUERY);
    time += 3_500_000; // 58 min 20 s: still more than a minute left
    await gateway.graphql(QUERY);
    expect(sim.count(TOKEN_POST)).toBe(1);
    // The simulator's tokens live an hour; the gateway renews one minute early.
    time += 50_000;
    const results = await Promise.all(Array.from({ length: 10 }, () => gateway.graphql(QUERY)));
    for (const { body } of results) expect(body.errors).toBeUndefined();
    expect(sim.count(TOKEN_POST)).toBe(2);
    expect(sim.count('unmatched')).toBe(0);
  });

  it('renews the token once and retries once when upstream answers 401', async () => {
    gateway = await startGateway(sim, { now });
    await gateway.graphql(QUERY);
    const [stale] = sim.issuedTokens();
    sim.resetCounts();
    sim.revokeTokens(); // upstream no longer accepts the cached token
    const results = await Promise.all(Array.from({ length: 20 }, () => gateway.graphql(QUERY)));
    for (const { body } of results) expect(body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
    expect(sim.count(TOKEN_POST)).toBe(1); // one renewal, however many calls hit the 401
    const [fresh] = sim.issuedTokens().slice(1);
    const sent = sim.received(WALLBOX_GET).map((r) => r.authorization);
    const rejected = sent.filter((a) => a === `Bearer ${stale}`).length;
    // Each operation succeeded exactly once with the new token; the ones that met a 401 first
    // (at least one) were retried once; calls that started after the renewal used the new token.
    expect(sent.filter((a) => a === `Bearer ${fresh}`)).toHaveLength(20);
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(sent).toHaveLength(20 + rejected);
  });

  it('gives up after one renewal when upstream keeps answering 401', async () => {
    gateway = await startGateway(sim, { now });
    sim.injectFault({ route: WALLBOX_GET, status: 401, body: { detail: 'Unauthorized' } });
    const { body } = await gateway.graphql(QUERY);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', upstream: { status: 401, detail: 'Unauthorized' } });
    expect(sim.count(WALLBOX_GET)).toBe(2);
    expect(sim.count(TOKEN_POST)).toBe(2); // the first token, and the one renewal
  });

  it('reports rejected client credentials as UNAUTHENTICATED without the secret', async () => {
    gateway = await startGateway(sim, {
      auth: { mode: 'client-credentials', clientId: 'test-client', clientSecret: 'wrong-secret-e91b', tokenUrl: sim.tokenUrl },
    });
    const { body, text } = await gateway.graphql(QUERY);
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(sim.count(WALLBOX_GET)).toBe(0);
    expect(text).not.toContain('wrong-secret-e91b');
    expect(gateway.logs.join('\n')).not.toContain('wrong-secret-e91b');
  });
});

describe('static token', () => {
  it('sends the configured token, and maps its rejection to UNAUTHENTICATED', async () => {
    const sim = await startTestSimulator();
    const good = await startGateway(sim, { auth: { mode: 'static-token', token: 'test-static-token-51d2' } });
    const bad = await startGateway(sim, { auth: { mode: 'static-token', token: 'expired-token' } });
    try {
      expect((await good.graphql(QUERY)).body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
      const { status, body } = await bad.graphql(QUERY);
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: { status: 401 } });
      expect(sim.count(WALLBOX_GET)).toBe(2); // a static token cannot be renewed: no retry
      expect(sim.count(TOKEN_POST)).toBe(0);
    } finally {
      await good.close();
      await bad.close();
      await sim.close();
    }
  });
});

describe('pass-through', () => {
  let sim: Simulator;
  let gateway: RunningGateway;
  beforeAll(async () => {
    sim = await startTestSimulator({ staticTokens: ['caller-a-token', 'caller-b-token'] });
    gateway = await startGateway(sim, { auth: { mode: 'pass-through' } });
  });
  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
  });

  it("forwards each caller's own Authorization header, and never mixes them", async () => {
    sim.resetCounts();
    const [a, b, none] = await Promise.all([
      gateway.graphql(QUERY, undefined, { authorization: 'Bearer caller-a-token' }),
      gateway.graphql(QUERY, undefined, { authorization: 'Bearer caller-b-token' }),
      gateway.graphql(QUERY, undefined, { authorization: 'Bearer someone-else' }),
    ]);
    expect(a.body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
    expect(b.body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
    expect(none.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: { status: 401 } });
    expect(sim.count(TOKEN_POST)).toBe(0);
    // Exactly the three callers' headers went upstream, each once.
    expect(sim.received(WALLBOX_GET).map((r) => r.authorization).sort()).toEqual([
      'Bearer caller-a-token',
      'Bearer caller-b-token',
      'Bearer someone-else',
    ]);
  });

  it('answers a caller without an Authorization header with UNAUTHENTICATED and no upstream call', async () => {
    sim.resetCounts();
    const { status, body } = await gateway.graphql(QUERY);
    expect(status).toBe(200);
    expect(body.data).toEqual({ wallbox: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['wallbox'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(sim.totalRequests()).toBe(0);
  });
});
