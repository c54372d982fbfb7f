// The gateway as a frontend sees it: the Apollo Client 4 of examples/apollo-client (normalized cache,
// persisted-queries link, HttpLink) running the typed documents generated from its .graphql files,
// against the simulator and the gateway over real HTTP. Every HTTP request the client sends is
// recorded, and the upstream calls are counted at the simulator.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CombinedGraphQLErrors, type NormalizedCacheObject } from '@apollo/client';
import { createClient } from '../../examples/apollo-client/client.js';
import { MyWallboxDocument, WallboxChargingDocument, WallboxPairDocument, WallboxStatusDocument } from '../../examples/apollo-client/generated/graphql.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const WALLBOX = WALLBOX_IDS.full;
const VARIABLES = { userId: ANNA, id: WALLBOX };

interface Exchange {
  request: { operationName?: string; query?: string; variables?: Record<string, unknown>; extensions?: { persistedQuery?: { version: number; sha256Hash: string } } };
  status: number;
  response: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

let sim: Simulator;
// A fresh gateway per test: its APQ store starts empty, so every test sees the first-use miss.
let gateway: RunningGateway;
const exchanges: Exchange[] = [];

/** The example's client, with a fetch that records every request body and its answer. */
function client(getToken?: () => Promise<string | undefined>) {
  return createClient(gateway.url, {
    ...(getToken ? { getToken } : {}),
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const text = await response.clone().text();
      // HttpLink POSTs a JSON string body.
      exchanges.push({ request: JSON.parse(init?.body as string), status: response.status, response: JSON.parse(text) });
      return response;
    },
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

beforeAll(async () => {
  sim = await startTestSimulator();
});
beforeEach(async () => {
  sim.reset();
  exchanges.length = 0;
  gateway = await startGateway(sim);
});
afterEach(async () => {
  await gateway?.close();
  // The gateway's promise holds for Apollo's traffic too, APQ misses included: every error has a code.
  for (const { response } of exchanges) for (const error of response.errors ?? []) expect(error.extensions?.code, error.message).toEqual(expect.any(String));
});
afterAll(async () => {
  await sim?.close();
});

describe('normalized caching', () => {
  it('keeps one Wallbox:<id> entry for two different queries about the same wallbox, and one Owner:<id>', async () => {
    const apollo = client();
    const status = await apollo.query({ query: WallboxStatusDocument, variables: VARIABLES });
    expect(status.data?.wallbox).toMatchObject({ __typename: 'Wallbox', id: WALLBOX, connectionStatus: 'OK', isCharging: true });

    // What a UI showing WallboxStatus sees from now on: it reads the cache only, never the network.
    // (Collected, and unsubscribed only at the end: unsubscribing synchronously inside `next`, as
    // rxjs's firstValueFrom does, throws in Apollo Client 4 — apollographql/apollo-client#13137.)
    const seen: (boolean | null | undefined)[] = [];
    const watching = apollo
      .watchQuery({ query: WallboxStatusDocument, variables: VARIABLES, fetchPolicy: 'cache-only' })
      .subscribe((result) => seen.push(result.data?.wallbox?.isCharging));

    // Meanwhile the car stopped charging; the next upstream answer says so.
    sim.injectFault({ route: WALLBOX_GET, pathIncludes: WALLBOX, times: 1, status: 200, body: { ...sim.wallboxRecord(WALLBOX), is_charging: false, charge_rate_w: 0 } });
    const charging = await apollo.query({ query: WallboxChargingDocument, variables: VARIABLES });
    expect(charging.data?.wallbox).toMatchObject({ id: WALLBOX, isCharging: false, chargeRateW: 0, owner: { __typename: 'Owner', id: ANNA, firstName: 'Anna' } });

    // One entry holds the union of both selections; the owner is an entry of its own, referenced.
    const cache = apollo.cache.extract() as NormalizedCacheObject;
    expect(Object.keys(cache).filter((key) => key.startsWith('Wallbox:'))).toEqual([`Wallbox:${WALLBOX}`]);
    expect(cache[`Wallbox:${WALLBOX}`]).toEqual({
      __typename: 'Wallbox',
      id: WALLBOX,
      // WallboxStatus
      connectionStatus: 'OK',
      monitoringStatus: 'OK',
      steeringStatus: 'OK',
      actionNeeded: false,
      // both: the newer answer wins
      isCharging: false,
      // WallboxCharging
      isPluggedIn: true,
      chargeRateW: 0,
      chargeTimeRemaining: 138,
      chargeTargetMin: 50,
      chargeTargetMax: 80,
      owner: { __ref: `Owner:${ANNA}` },
    });
    expect(cache[`Owner:${ANNA}`]).toEqual({ __typename: 'Owner', id: ANNA, firstName: 'Anna' });
    const rootWallboxFields = Object.entries(cache.ROOT_QUERY ?? {}).filter(([field]) => field.startsWith('wallbox('));
    expect(rootWallboxFields).toEqual([[expect.any(String), { __ref: `Wallbox:${WALLBOX}` }]]);

    // The first query's cached result shows the second query's value, pushed to its watcher too.
    expect(apollo.readQuery({ query: WallboxStatusDocument, variables: VARIABLES })?.wallbox?.isCharging).toBe(false);
    await vi.waitFor(() => expect(seen.at(-1)).toBe(false), { timeout: 5000 });
    expect(seen[0]).toBe(true);
    watching.unsubscribe();

    // Asked again (cache-first), WallboxStatus is answered from the cache: no request, no upstream call.
    const requestsBefore = exchanges.length;
    const again = await apollo.query({ query: WallboxStatusDocument, variables: VARIABLES });
    expect(again.data?.wallbox?.isCharging).toBe(false);
    expect(exchanges.length).toBe(requestsBefore);
    expect(sim.count(WALLBOX_GET)).toBe(2);
    apollo.stop();
  });
});

describe('automatic persisted queries', () => {
  it('sends only the hash, retries with the query on PersistedQueryNotFound, and sends only the hash from then on', async () => {
    const apollo = client();
    const first = await apollo.query({ query: WallboxStatusDocument, variables: VARIABLES });
    expect(first.error).toBeUndefined();
    expect(first.data?.wallbox?.id).toBe(WALLBOX);

    // 1st send: the hash alone; the gateway does not know it yet.
    expect(exchanges).toHaveLength(2);
    const [miss, retry] = exchanges as [Exchange, Exchange];
    const hash = miss.request.extensions?.persistedQuery?.sha256Hash;
    // (Apollo Client 4 also sends extensions.clientLibrary: its name and version.)
    expect(miss.request).toEqual({
      operationName: 'WallboxStatus',
      variables: VARIABLES,
      extensions: { persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) }, clientLibrary: { name: '@apollo/client', version: expect.any(String) } },
    });
    expect(miss.status).toBe(404);
    expect(miss.response).toEqual({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    // ... so Apollo resends it with the query, whose hash it is; the gateway stores it and answers.
    expect(retry.request).toEqual({ ...miss.request, query: expect.stringContaining('query WallboxStatus') });
    expect(sha256(retry.request.query!)).toBe(hash);
    expect(retry.status).toBe(200);
    expect(retry.response.errors).toBeUndefined();
    // The miss cost no upstream call.
    expect(sim.count(WALLBOX_GET)).toBe(1);

    // 2nd send of the operation (past the cache): the hash alone, and it is enough.
    const second = await apollo.query({ query: WallboxStatusDocument, variables: VARIABLES, fetchPolicy: 'network-only' });
    expect(second.data?.wallbox?.id).toBe(WALLBOX);
    expect(exchanges).toHaveLength(3);
    expect(exchanges[2]!.request).toEqual(miss.request);
    expect(exchanges[2]!.request).not.toHaveProperty('query');
    expect(exchanges[2]!.status).toBe(200);
    expect(exchanges[2]!.response.errors).toBeUndefined();
    expect(sim.count(WALLBOX_GET)).toBe(2);

    // Another browser (a fresh client and cache) profits from the stored query at once.
    const other = client();
    const third = await other.query({ query: WallboxStatusDocument, variables: VARIABLES });
    expect(third.data?.wallbox?.id).toBe(WALLBOX);
    expect(exchanges).toHaveLength(4);
    expect(exchanges[3]!.request).not.toHaveProperty('query');
    expect(exchanges[3]!.request.extensions?.persistedQuery?.sha256Hash).toBe(hash);
    expect(sim.count(WALLBOX_GET)).toBe(3);
    apollo.stop();
    other.stop();
  });
});

describe('errors, as Apollo Client 4 hands them over', () => {
  const known = WALLBOX_IDS.annaCarport;

  it('keeps the other wallbox when one is unknown (errorPolicy all): CombinedGraphQLErrors with NOT_FOUND', async () => {
    const unknown = randomUUID();
    const apollo = client();
    const variables = { userId: ANNA, first: known, second: unknown };
    const result = await apollo.query({ query: WallboxPairDocument, variables, errorPolicy: 'all' });

    expect(result.data).toEqual({ first: { __typename: 'Wallbox', id: known, connectionStatus: 'OK', isCharging: false }, second: null });
    expect(CombinedGraphQLErrors.is(result.error)).toBe(true);
    const error = result.error as CombinedGraphQLErrors;
    expect(error.errors).toEqual([
      expect.objectContaining({ path: ['second'], extensions: { code: 'NOT_FOUND', upstream: expect.objectContaining({ status: 404 }) } }),
    ]);
    // The partial data is kept in the cache too.
    expect((apollo.cache.extract() as NormalizedCacheObject)[`Wallbox:${known}`]).toMatchObject({ id: known });
    expect(sim.count(WALLBOX_GET)).toBe(2);

    // With the default errorPolicy ('none') the same answer rejects the query.
    const rejected = await apollo.query({ query: WallboxPairDocument, variables, fetchPolicy: 'network-only' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(CombinedGraphQLErrors.is(rejected)).toBe(true);
    expect((rejected as CombinedGraphQLErrors).errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    apollo.stop();
  });

  it('carries an injected upstream failure the same way: UPSTREAM_ERROR on one field, data for the other', async () => {
    sim.injectFault({ route: WALLBOX_GET, pathIncludes: WALLBOX, status: 500, body: { detail: 'database is on fire' } });
    const apollo = client();
    const result = await apollo.query({ query: WallboxPairDocument, variables: { userId: ANNA, first: known, second: WALLBOX }, errorPolicy: 'all' });

    expect(result.data?.first).toMatchObject({ id: known });
    expect(result.data?.second).toBeNull();
    expect(CombinedGraphQLErrors.is(result.error)).toBe(true);
    expect((result.error as CombinedGraphQLErrors).errors).toEqual([
      expect.objectContaining({ path: ['second'], extensions: { code: 'UPSTREAM_ERROR', upstream: { status: 500, detail: 'database is on fire' } } }),
    ]);
    apollo.stop();
  });

  it('rejects a malformed UUID variable with CombinedGraphQLErrors BAD_USER_INPUT, no data, no upstream call', async () => {
    const apollo = client();
    const rejected = await apollo.query({ query: WallboxStatusDocument, variables: { userId: ANNA, id: 'not-a-uuid' } }).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Not a ServerError although the HTTP status is 400: the gateway answers application/graphql-response+json,
    // which Apollo parses as a GraphQL result whatever the status.
    expect(CombinedGraphQLErrors.is(rejected)).toBe(true);
    const error = rejected as CombinedGraphQLErrors;
    expect(error.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(error.errors[0]!.message).toContain('not-a-uuid');
    expect(error.data).toBeUndefined();
    expect(exchanges.at(-1)!.status).toBe(400);
    expect(sim.count(WALLBOX_GET)).toBe(0);
    apollo.stop();
  });
});

describe('signed in: the auth link sends the user\'s token', () => {
  let idp: IdentityProvider;
  beforeAll(async () => {
    idp = await IdentityProvider.start();
  });
  afterAll(() => idp.close());

  it('reads the user\'s own wallbox knowing only its id, and refuses without a token', async () => {
    await gateway.close();
    gateway = await startGateway(sim, { callerAuth: idp.auth() });
    let token: string | undefined = await idp.token({ claims: { podero_user_id: ANNA } });
    const apollo = client(() => Promise.resolve(token));
    const mine = await apollo.query({ query: MyWallboxDocument, variables: { id: WALLBOX } });
    expect(mine.data?.me).toMatchObject({ __typename: 'Owner', id: ANNA, firstName: 'Anna', wallbox: { __typename: 'Wallbox', id: WALLBOX, isCharging: true } });

    token = undefined; // signed out
    const refused = await apollo.query({ query: MyWallboxDocument, variables: { id: WALLBOX }, fetchPolicy: 'network-only' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(CombinedGraphQLErrors.is(refused)).toBe(true);
    expect((refused as CombinedGraphQLErrors).errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(exchanges.at(-1)!.status).toBe(401);
    apollo.stop();
  });
});
