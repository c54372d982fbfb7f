// The benchmark's peers must stay comparable: the upstream process answers the bench wallboxes, and
// every baseline (the floor without GraphQL too) answers the benchmark query with exactly the gateway's JSON. A broken baseline fails
// here, not after a five-minute `npm run bench`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVERS, checkAnswers, killAll, postQuery, startServer, startUpstream, stop, type RunningServer, type Upstream } from '../../bench/processes.js';
import { BENCH_TOKEN, CHECK_VARIABLES, OPERATION_NAME, QUERY, requestVariables, wallboxPath } from '../../bench/workload.js';
import { USER_IDS } from '../../src/simulator/seed.js';

let upstream: Upstream;
let running: RunningServer[];

beforeAll(async () => {
  upstream = await startUpstream();
  running = await Promise.all(SERVERS.map((server) => startServer(server, upstream)));
}, 60_000);

afterAll(async () => {
  await Promise.all([...(running ?? []).map((r) => stop(r.child)), upstream && stop(upstream.child)]);
  killAll();
});

describe('benchmark peers', () => {
  it('answer every check variable set with the same JSON as the gateway', async () => {
    const [gateway, ...baselines] = await Promise.all(running.map((r) => checkAnswers(r.url)));
    expect(gateway).toHaveLength(CHECK_VARIABLES.length);
    for (const answers of baselines) expect(answers).toEqual(gateway);
  });

  it('write the gateway\'s response body byte for byte: the floor, and mercurius interpreting and compiling the operation', async () => {
    const bodies = async (url: string, query = (_k: number) => QUERY) => {
      const texts: string[] = [];
      for (const [k, variables] of CHECK_VARIABLES.entries()) {
        const body = JSON.stringify({ query: query(k), operationName: OPERATION_NAME, variables });
        texts.push(await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body })).text());
      }
      return texts;
    };
    const url = (name: string) => running.find((r) => r.server.name === name)!.url;
    const gateway = await bodies(url('gateway'));
    expect(gateway[0]).toMatch(/^\{"data":\{"first":\{/);
    expect(await bodies(url('floor'))).toEqual(gateway);
    // mercurius with `jit: 1` keys its cache by the query text: a text's first request runs graphql-js's
    // execute, later ones graphql-jit's compiled code. A text of its own per set (trailing spaces) is new
    // to it, so the first pass is interpreted; the benchmark's text has been used since start-up: compiled.
    expect(await bodies(url('mercurius-jit'), (k) => QUERY + ' '.repeat(k + 1))).toEqual(gateway);
    expect(await bodies(url('mercurius-jit'))).toEqual(gateway);
  });

  it('make the upstream calls bench/README.md says: 2 for the gateway, RESTDataSource and the floor, 3 for plain yoga and mercurius', async () => {
    // Every route the upstream counted, admin routes aside.
    const upstreamCalls = async () => {
      const counts = (await (await fetch(new URL('/_simulator/counts', upstream.url))).json()) as Record<string, number>;
      return Object.entries(counts).filter(([route]) => !route.includes('/_simulator/')).reduce((sum, [, n]) => sum + n, 0);
    };
    const calls: Record<string, number> = {};
    for (const [k, { server, url }] of running.entries()) {
      const before = await upstreamCalls();
      expect((await postQuery(url, requestVariables(1_000_000 + k))).ok).toBe(true);
      calls[server.name] = (await upstreamCalls()) - before;
    }
    expect(calls).toEqual({ gateway: 2, 'plain-yoga': 3, 'apollo-rest': 2, 'mercurius-jit': 3, floor: 2 });
  });

  it('cover every seeded wallbox kind in the checks, with ids the load never uses', () => {
    const checkIds = CHECK_VARIABLES.flatMap((v) => [v.first, v.second]);
    expect(new Set(CHECK_VARIABLES.map((v) => v.first)).size).toBe(CHECK_VARIABLES.length);
    const loadIds = [0, 1, 2, 99_999].flatMap((n) => [requestVariables(n).first, requestVariables(n).second]);
    expect(new Set(loadIds).size).toBe(loadIds.length);
    expect(loadIds.filter((id) => checkIds.includes(id))).toEqual([]);
  });
});

describe('the benchmark upstream', () => {
  const get = (path: string) => fetch(new URL(path, upstream.url), { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });

  it('answers any wallbox of a bench user, the same way every time', async () => {
    const path = wallboxPath(new URL(upstream.apiUrl).pathname, upstream.orgId, 12_345);
    const [a, b] = await Promise.all([get(path), get(path)]);
    expect(a.status).toBe(200);
    const body = (await a.json()) as { id: string; owner: { id: string } };
    expect(body.id).toBe(requestVariables(12_345).first);
    expect(body.owner.id).toBe(requestVariables(12_345).userId);
    expect(await b.json()).toEqual(body);
  });

  it('still answers 404 for an unknown wallbox of a seeded (non-bench) user', async () => {
    const response = await get(`${new URL(upstream.apiUrl).pathname}/org/${upstream.orgId}/users/${USER_IDS.anna}/wallboxes/${requestVariables(1).first}`);
    expect(response.status).toBe(404);
  });
});
