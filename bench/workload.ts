// What every server under test is asked, and what the upstream answers. The operation is query.graphql;
// request n of a run gets variables no other request uses (a bench user and two wallboxes named only by
// request n), so neither a response cache nor an upstream read cache can serve one request from another.
// The upstream (bench/upstream.ts) answers any wallbox of a bench user with a record synthesized from
// a seeded one, picked by the wallbox id, so the same id is always the same wallbox.
import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';
import { createSeed, seedId, type Json } from '../src/simulator/seed.js';
import type { LoadTarget } from './load.js';

/** The operation as a client sends it: printed from its AST (comments and layout stripped), as Apollo Client does. */
export const QUERY = print(parse(readFileSync(new URL('query.graphql', import.meta.url), 'utf8')));
export const OPERATION_NAME = 'Dashboard';

/** The static bearer token bench/upstream.ts accepts; every server under test is configured with it. */
export const BENCH_TOKEN = 'bench-static-token';

const SEED = createSeed();
const BENCH_USER_COUNT = 1000;

/** The users the requests are spread over, as upstream records. */
export const BENCH_USERS: readonly Json[] = Array.from({ length: BENCH_USER_COUNT }, (_, k) => ({
  ...SEED.users[k % SEED.users.length]!.record,
  id: seedId(`bench:user:${k}`),
  external_user_id: `BENCH-${k}`,
  email: `bench.user${k}@example.com`,
  first_name: 'Bench',
  last_name: `User ${k}`,
}));

// Every live seeded wallbox is a template, so the synthesized ones cover what the seed covers: every
// field set, every nullable null, unknown enum values, known and unknown actions.
const TEMPLATES = SEED.wallboxes.map((w) => w.record).filter((record) => !record.deleted_at);

function templateOf(wallboxId: string): number {
  return Number.parseInt(wallboxId.slice(0, 8), 16) % TEMPLATES.length;
}

/** The wallbox `wallboxId` of a bench user, as the upstream's detail GET answers it. */
export function synthesizedWallbox(wallboxId: string, owner: Json): Json {
  const template = TEMPLATES[templateOf(wallboxId)]!;
  return {
    ...template,
    id: wallboxId,
    owner: { id: owner.id, email: owner.email, first_name: owner.first_name, last_name: owner.last_name, external_id: owner.external_user_id },
    external_device_id: template.external_device_id === null ? null : `BENCH-WB-${wallboxId.slice(0, 8)}`,
    embeddable_url: template.embeddable_url === null ? null : `https://connect.podero.com/embed/wallboxes/${wallboxId}`,
  };
}

export interface DashboardVariables {
  userId: string;
  first: string;
  second: string;
}

function userId(n: number): string {
  return String(BENCH_USERS[n % BENCH_USER_COUNT]!.id);
}

/** Request n of the load: wallboxes 2n and 2n+1, which no other request names. */
export function requestVariables(n: number): DashboardVariables {
  return { userId: userId(n), first: seedId(`bench:wallbox:${2 * n}`), second: seedId(`bench:wallbox:${2 * n + 1}`) };
}

/**
 * The correctness checks every server must answer with the same JSON: each template once as the first
 * wallbox (cards and detail panel) and once as the second (card only). Their ids are their own, never
 * used by the load.
 */
export const CHECK_VARIABLES: readonly DashboardVariables[] = (() => {
  const byTemplate: string[] = [];
  for (let i = 0; byTemplate.filter(Boolean).length < TEMPLATES.length; i++) {
    const id = seedId(`bench:check-wallbox:${i}`);
    byTemplate[templateOf(id)] ??= id;
  }
  return byTemplate.map((first, t) => ({ userId: userId(t), first, second: byTemplate[(t + 1) % byTemplate.length]! }));
})();

export function graphqlBody(variables: DashboardVariables): string {
  return JSON.stringify({ query: QUERY, operationName: OPERATION_NAME, variables });
}

/** Request n of the direct-REST measurement: the upstream GET of load request n's first wallbox. */
export function wallboxPath(apiPath: string, orgId: string, n: number): string {
  const { userId, first } = requestVariables(n);
  return `${apiPath}/org/${orgId}/users/${userId}/wallboxes/${first}`;
}

/**
 * The load every harness sends a GraphQL server at `url` (its endpoint): request n is the benchmark
 * query for request n's wallboxes, or `query`, the same fixed operation every time. A success is an
 * answer with data and no errors.
 */
export function graphqlTarget(url: string, { query, headers = {} }: { query?: string | undefined; headers?: Record<string, string> } = {}): LoadTarget {
  const { origin, pathname } = new URL(url);
  const fixed = query === undefined ? undefined : JSON.stringify({ query });
  return {
    origin,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    request: (n) => ({ path: pathname, body: fixed ?? graphqlBody(requestVariables(n)) }),
    verifyBody: fixed ? (body) => body.startsWith('{"data":{') && !body.includes('"errors":[') : (body) => body.startsWith('{"data":{"first":{') && !body.includes('"errors"'),
  };
}
