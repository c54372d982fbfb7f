// The fast path (src/fast-path.ts) answers the requests it takes exactly as yoga's path does. Each
// case sends an operation until the fast path answers it, then sends the same request once more on the
// fast path and once forced onto yoga's (an Accept header the fast path does not list, which yoga reads
// as the same media type), and compares status, Content-Type, Content-Encoding and the body byte for
// byte, and the upstream calls each made at the simulator. Which path took each request is read from the
// fast path's own counter (podero_fast_path_requests_total), request by request.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import type { Simulator } from '../../src/simulator/server.js';
import { trace } from '@opentelemetry/api';
import { WALLBOX_GET, apiCalls, startStack, type GatewayOptions, type RunningGateway } from '../helpers/stack.js';

let sim: Simulator;
let gateway: RunningGateway;
let close: () => Promise<void>;
let another: (options?: GatewayOptions) => Promise<RunningGateway>;

/** A user with two wallboxes that are not deleted, as the benchmark's dashboard shows them. */
let userId: string;
let first: string;
let second: string;

beforeAll(async () => {
  // A low compression threshold, so that the benchmark's answer is compressed for clients that accept it.
  ({ sim, gateway, close, another } = await startStack({ compression: { minBytes: 200 } }));
  const live = sim.seed.wallboxes.filter((w) => !w.record.deleted_at);
  const owner = live.find((w) => live.filter((o) => o.userId === w.userId).length >= 2)!;
  [first, second] = live.filter((w) => w.userId === owner.userId).map((w) => String(w.record.id)) as [string, string];
  userId = owner.userId;
});
afterAll(async () => {
  await close?.();
});

const BENCH_QUERY = readFileSync(new URL('../../bench/query.graphql', import.meta.url), 'utf8');
const YOGA_ACCEPT = 'application/json;q=1';

interface Answer {
  status: number;
  type: string | undefined;
  encoding: string | undefined;
  vary: string | undefined;
  body: Buffer;
  upstreamCalls: number;
  /** Which path answered, from the fast path's own counter: `fast`, `handed over` (read, then yoga's), or `yoga` (never read). */
  path: 'fast' | 'handed over' | 'yoga';
}

async function fastPathCounts(): Promise<{ answered: number; toYoga: number }> {
  const { values } = await gateway.metrics.registry.getSingleMetric('podero_fast_path_requests_total')!.get();
  const count = (outcome: string) => values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { answered: count('answered'), toYoga: count('to_yoga') };
}

async function send(body: string, headers: Record<string, string>): Promise<Answer> {
  sim.resetCounts();
  const before = await fastPathCounts();
  const response = await request(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const header = (name: string) => response.headers[name] as string | undefined;
  const after = await fastPathCounts();
  const path = after.answered > before.answered ? 'fast' : after.toYoga > before.toYoga ? 'handed over' : 'yoga';
  return { status: response.statusCode, type: header('content-type'), encoding: header('content-encoding'), vary: header('vary'), body: bytes, upstreamCalls: apiCalls(sim), path };
}

/** Sends the request until the fast path answers it (its document compiled). */
async function heat(body: string, headers: Record<string, string> = {}): Promise<void> {
  let path = 'yoga';
  for (let i = 0; i < 20 && path !== 'fast'; i++) ({ path } = await send(body, headers));
  expect(path, 'the fast path answers it').toBe('fast');
}

/** The same request on the fast path and on yoga's; both answers. */
async function bothPaths(body: string, headers: Record<string, string> = {}): Promise<[Answer, Answer]> {
  const fast = await send(body, headers);
  const yoga = await send(body, { ...headers, accept: YOGA_ACCEPT });
  return [fast, yoga];
}

/** The same answer, byte for byte, and the same upstream calls; `yoga` went by yoga's path alone. */
function expectSame(fast: Answer, yoga: Answer): void {
  expect(yoga.path).toBe('yoga');
  expect({ ...fast, path: undefined, body: fast.body.toString('base64') }).toEqual({ ...yoga, path: undefined, body: yoga.body.toString('base64') });
}

const dashboard = (a: string, b: string) => JSON.stringify({ query: BENCH_QUERY, variables: { userId, first: a, second: b }, operationName: 'Dashboard' });

describe('the fast path answers as yoga does', () => {
  it('the benchmark query: the same bytes, the same upstream calls', async () => {
    await heat(dashboard(first, second));
    const [fast, yoga] = await bothPaths(dashboard(first, second));
    expect(fast.path).toBe('fast');
    expect(fast.status).toBe(200);
    expect(JSON.parse(fast.body.toString()).data.first.id).toBe(first);
    expect(fast.upstreamCalls).toBe(2);
    expectSame(fast, yoga);
  });

  it('for every Accept it takes, and compressed for a client that accepts brotli or gzip', async () => {
    const cases: Record<string, string>[] = [
      { accept: 'application/graphql-response+json,application/json;q=0.9' },
      { accept: 'application/graphql-response+json, application/json;q=0.9' },
      { accept: 'application/graphql-response+json' },
      { accept: '*/*' },
      { accept: 'application/json' },
      { 'accept-encoding': 'br' },
      { 'accept-encoding': 'gzip, deflate' },
    ];
    await heat(dashboard(first, second));
    for (const headers of cases) {
      const fast = await send(dashboard(first, second), headers);
      expect(fast.path, JSON.stringify(headers)).toBe('fast');
      const yoga = await send(dashboard(first, second), { ...headers, accept: headers.accept ? `${headers.accept};q=1` : YOGA_ACCEPT });
      expectSame(fast, yoga);
    }
  });

  it('an answer with errors is yoga’s, from the reads the fast path made: no upstream call twice', async () => {
    const missing = 'f1e2d3c4-b5a6-4789-9abc-def012345678';
    await heat(dashboard(first, second));
    const [fast, yoga] = await bothPaths(dashboard(first, missing));
    expect(fast.path).toBe('handed over');
    expect(JSON.parse(fast.body.toString()).errors[0].extensions.code).toBe('NOT_FOUND');
    expect(fast.upstreamCalls).toBe(2);
    expectSame(fast, yoga);
    // Both logged once, alike: the caller, the calls the fast path made before it handed the request on, the code.
    const lines = gateway.logs.filter((line) => line.includes('"msg":"request"') && line.includes('"errors":["NOT_FOUND"]')).slice(-2);
    const [fastLine, yogaLine] = lines.map((line) => {
      const { time: _time, ms: _ms, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
    expect(fastLine).toMatchObject({ caller: 'organization', status: 200, operation: 'Dashboard', upstreamCalls: 2, errors: ['NOT_FOUND'] });
    expect(yogaLine).toEqual(fastLine);
  });

  it('variables that do not coerce: BAD_USER_INPUT, and no upstream call', async () => {
    await heat(dashboard(first, second));
    const [fast, yoga] = await bothPaths(JSON.stringify({ query: BENCH_QUERY, variables: { userId, first: 'not-a-uuid', second } }));
    expect(fast.path).toBe('handed over');
    expect(JSON.parse(fast.body.toString()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(fast.upstreamCalls).toBe(0);
    expectSame(fast, yoga);
  });

  it('bodies it does not take are yoga’s: unknown parameters, extensions, bad JSON, too deep variables', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { deep };
    for (const body of [
      JSON.stringify({ query: BENCH_QUERY, variables: { userId, first, second }, unknown: 1 }),
      JSON.stringify({ query: BENCH_QUERY, variables: { userId, first, second }, extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } }),
      JSON.stringify({ query: BENCH_QUERY, variables: { userId, first, second, deep } }),
      '{"query": ',
      '[]',
    ]) {
      const [fast, yoga] = await bothPaths(body);
      expect(fast.path, body.slice(-60)).toBe('handed over'); // read, and found to be yoga's
      expectSame(fast, yoga);
    }
  });

  it('requests it does not read are yoga’s alone: a body over 16 KB', async () => {
    await heat(dashboard(first, second));
    // The same operation, with a variable it does not declare (graphql-js ignores it) to pass 16 KB.
    const large = JSON.stringify({ query: BENCH_QUERY, variables: { userId, first, second, padding: 'x'.repeat(17 * 1024) }, operationName: 'Dashboard' });
    const [fast, yoga] = await bothPaths(large);
    expect(fast.path).toBe('yoga');
    expect(fast.status).toBe(200);
    expectSame(fast, yoga);
  });

  it('with tracing on there is no fast path: its spans are yoga’s', async () => {
    const traced = await another({ tracer: trace.getTracer('fast-path-test') });
    const body = dashboard(first, second);
    for (let i = 0; i < 4; i++) expect((await request(traced.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).statusCode).toBe(200);
    const { values } = await traced.metrics.registry.getSingleMetric('podero_fast_path_requests_total')!.get();
    expect(values.reduce((sum, v) => sum + v.value, 0)).toBe(0);
  });

  it('a caller who goes away ends the request’s upstream calls, retries included', async () => {
    // The first attempt is answered 503 with Retry-After: 1. Once the caller has gone, the wait for the
    // retry ends at once; without that the request would wait a second and retry before it ended.
    await heat(dashboard(first, second));
    const read = await fastPathCounts();
    sim.resetCounts();
    sim.injectFault({ route: WALLBOX_GET, status: 503, headers: { 'retry-after': '1' } });
    const ended = () => gateway.logs.filter((line) => line.includes('"msg":"request"') && line.includes('"operation":"Dashboard"')).length;
    const before = ended();
    const controller = new AbortController();
    const pending = fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: dashboard(first, second), signal: controller.signal }).catch(() => undefined);
    await vi.waitFor(() => expect(sim.count(WALLBOX_GET)).toBeGreaterThanOrEqual(1));
    controller.abort();
    await pending;
    await vi.waitFor(() => expect(ended()).toBe(before + 1), { timeout: 5000 });
    sim.clearFaults();
    expect(sim.count(WALLBOX_GET)).toBe(2); // one attempt for each wallbox, none retried
    // The fast path read it (and, with the calls ended in errors, handed what was left to yoga).
    const now = await fastPathCounts();
    expect(now.answered + now.toYoga).toBe(read.answered + read.toYoga + 1);
  });

  it('logs and counts a fast answer as yoga’s path does', async () => {
    const lines = () => gateway.logs.filter((line) => line.includes('"msg":"request"') && line.includes('"operation":"Dashboard"'));
    const metric = async () => {
      const text = await (await fetch(new URL('/metrics', gateway.url))).text();
      const line = text.split('\n').find((l) => l.startsWith('graphql_yoga_http_duration_seconds_count') && l.includes('operation_name="Dashboard"') && l.includes('status_code="200"'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    await heat(dashboard(first, second));
    const before = await metric();
    const [fast, yoga] = await bothPaths(dashboard(first, second));
    expect(fast.path).toBe('fast');
    expectSame(fast, yoga);
    expect(await metric()).toBe(before + 2);
    const [fastLine, yogaLine] = lines().slice(-2).map((line) => {
      const { time: _time, ms: _ms, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
    expect(fastLine).toEqual({ level: 30, caller: 'organization', method: 'POST', path: '/graphql', status: 200, operation: 'Dashboard', type: 'query', upstreamCalls: 2, msg: 'request' });
    expect(yogaLine).toEqual(fastLine);
  });
});
