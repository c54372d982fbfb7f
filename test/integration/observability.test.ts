// What an operator sees of a running gateway: Prometheus metrics (process, GraphQL, upstream), one
// access-log line per request, and the health and readiness endpoints. (Traces: tracing.test.ts.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const ROUTE = '/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let sim: Simulator;
let gateway: RunningGateway;

beforeAll(async () => {
  sim = await startTestSimulator();
  gateway = await startGateway(sim, { random: () => 0 });
});
afterEach(() => {
  sim.clearFaults();
  sim.resetCounts();
});
afterAll(async () => {
  await gateway.close();
  await sim.close();
});

async function scrape(on: RunningGateway = gateway): Promise<string> {
  const response = await fetch(new URL('/metrics', on.url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of one sample line, e.g. `name{a="b"} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts upstream calls by method, route template and status, their durations, retries and token fetches', async () => {
    sim.injectFault({ route: WALLBOX_GET, status: 503, times: 1 });
    await gateway.graphql(`query Status { wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } }`);
    const text = await scrape();
    expect(sample(text, `podero_upstream_requests_total{method="GET",route="${ROUTE}",status="503"}`)).toBe(1);
    expect(sample(text, `podero_upstream_requests_total{method="GET",route="${ROUTE}",status="200"}`)).toBeGreaterThanOrEqual(1);
    expect(sample(text, `podero_upstream_retries_total{method="GET",route="${ROUTE}",reason="UPSTREAM_UNAVAILABLE"}`)).toBe(1);
    expect(sample(text, `podero_upstream_request_duration_seconds_count{method="GET",route="${ROUTE}"}`)).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'podero_token_refreshes_total')).toBe(1);
    expect(sample(text, 'podero_circuit_breaker_state')).toBe(0);
  });

  it('times GraphQL requests and counts their errors by operation name, type and code', async () => {
    await gateway.graphql(`query Status { wallbox(userId: "${ANNA}", id: "00000000-0000-4000-8000-000000000001") { id } }`);
    await gateway.graphql(`mutation Pause { pauseWallboxPower(userId: "${ANNA}", id: "${WALLBOX_IDS.annaHourly}", until: "2099-01-01T00:00:00Z") { id } }`);
    const text = await scrape();
    expect(sample(text, 'graphql_envelop_request_duration_seconds_count{operation_name="Status",operation_type="query"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'graphql_envelop_phase_execute_seconds_count{operation_name="Pause",operation_type="mutation"}')).toBe(1);
    expect(sample(text, 'graphql_yoga_http_duration_seconds_count{method="POST",status_code="200",operation_name="Pause",operation_type="mutation"}')).toBe(1);
    expect(sample(text, 'graphql_envelop_error_result_total{operation_name="Status",operation_type="query",phase="execute",code="NOT_FOUND"}')).toBe(1);
  });

  it('counts a request refused before its document was read under phase "request": a 401, and a 503 while the identity provider is down', async () => {
    const idp = await IdentityProvider.start();
    const guarded = await startGateway(sim, { callerAuth: idp.auth() });
    try {
      expect((await guarded.graphql('{ __typename }')).status).toBe(401);
      idp.failWith = 503;
      const token = await idp.token();
      expect((await guarded.graphql('{ __typename }', undefined, { authorization: `Bearer ${token}` })).status).toBe(503);
      const text = await scrape(guarded);
      expect(sample(text, 'graphql_envelop_error_result_total{operation_name="anonymous",operation_type="unknown",phase="request",code="UNAUTHENTICATED"}')).toBe(1);
      expect(sample(text, 'graphql_envelop_error_result_total{operation_name="anonymous",operation_type="unknown",phase="request",code="AUTHENTICATION_UNAVAILABLE"}')).toBe(1);
    } finally {
      await guarded.close();
      await idp.close();
    }
  });

  it('has the process metrics, and no id, token or user in any label', async () => {
    const text = await scrape();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) expect(text).toContain(name);
    expect(text).not.toMatch(UUID);
    for (const token of sim.issuedTokens()) expect(text).not.toContain(token);
  });

  it('keeps operation names to a bounded set: after 100 distinct ones, `other`', async () => {
    const fresh = await startGateway(sim, {});
    try {
      for (let i = 0; i < 150; i++) await fresh.graphql(`query Op${i} { __typename }`);
      const names = new Set([...(await scrape(fresh)).matchAll(/graphql_envelop_request_duration_seconds_count\{operation_name="([^"]+)"/g)].map((m) => m[1]));
      expect(names.size).toBe(101);
      expect(names.has('other')).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('shows the circuit breaker open (2)', async () => {
    const breaking = await startGateway(sim, { random: () => 0, breakerCooldownMs: 60_000 });
    try {
      sim.injectFault({ route: WALLBOX_GET, status: 503 });
      await Promise.all(Array.from({ length: 12 }, () => breaking.graphql(`{ wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } }`)));
      expect(sample(await scrape(breaking), 'podero_circuit_breaker_state')).toBe(2);
    } finally {
      await breaking.close();
    }
  });
});

describe('the access log', () => {
  it('writes one line per request at info: operation, type, status, duration, upstream calls, error codes, caller; never variables', async () => {
    const start = gateway.logs.length;
    await gateway.graphql(`query Status($id: UUID!) { wallbox(userId: "${ANNA}", id: $id) { id } }`, { id: WALLBOX_IDS.full });
    await gateway.graphql('query Missing($id: UUID!) { wallbox(userId: "' + ANNA + '", id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000009' });
    await gateway.graphql('{ broken');
    const lines = gateway.logs
      .slice(start)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 30, method: 'POST', path: '/graphql', status: 200, operation: 'Status', type: 'query', upstreamCalls: 1, caller: 'organization', ms: expect.any(Number) });
    expect(lines[1]).toMatchObject({ operation: 'Missing', upstreamCalls: 1, errors: ['NOT_FOUND'] });
    expect(lines[2]).toMatchObject({ status: 200, errors: ['GRAPHQL_PARSE_FAILED'] });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(WALLBOX_IDS.full);
    expect(text).not.toContain('00000000-0000-4000-8000-000000000009');
  });
});

describe('health and readiness', () => {
  it('/health is 200 while the process lives; /ready follows the lifecycle: starting, ready, draining', async () => {
    const get = async (path: string) => {
      const response = await fetch(new URL(path, gateway.url));
      return [response.status, await response.json(), response.headers.get('content-type')] as const;
    };
    expect(await get('/health')).toEqual([200, { status: 'ok' }, 'application/json']);
    expect(await get('/ready')).toEqual([200, { status: 'ready' }, 'application/json']);
    gateway.lifecycle.phase = 'starting';
    expect((await get('/ready')).slice(0, 2)).toEqual([503, { status: 'starting' }]);
    gateway.lifecycle.phase = 'draining';
    expect((await get('/ready')).slice(0, 2)).toEqual([503, { status: 'draining' }]);
    expect((await get('/health')).slice(0, 2)).toEqual([200, { status: 'ok' }]);
    // Still serving while draining, and asking clients to go elsewhere next time.
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    gateway.lifecycle.phase = 'ready';
  });
});
