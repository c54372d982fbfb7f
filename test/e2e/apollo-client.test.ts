// The gateway as a frontend sees it: the Apollo Client 4 of examples/apollo-client (normalized cache,
// persisted-queries link with its manifest's ids, HttpLink, and GraphQLWsLink for its WebSocket variant)
// running the typed documents generated from its .graphql files, against the simulator and the gateway
// over real HTTP. The gateway runs the example's manifest as an allow-list (PERSISTED_DOCUMENTS_ONLY),
// as a deployment of the app would; the APQ tests use one without it. Every HTTP request the client
// sends is recorded, and the upstream calls are counted at the simulator.
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CombinedGraphQLErrors, gql, type ApolloClient, type ErrorLike, type NormalizedCacheObject } from '@apollo/client';
import { isAbstractType, type GraphQLAbstractType } from 'graphql';
import { POSSIBLE_TYPES, createClient, type ClientOptions } from '../../examples/apollo-client/client.js';
import {
  ChargeNowDocument,
  MyWallboxDocument,
  WallboxChargingDocument,
  WallboxLiveDocument,
  WallboxPairDocument,
  WallboxStatusDocument,
  type WallboxLiveSubscription,
} from '../../examples/apollo-client/generated/graphql.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { schema } from '../../src/schema/index.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { WALLBOX_GET, startGateway, startTestSimulator, type GatewayOptions, type RunningGateway } from '../helpers/stack.js';

// Node 20 has no global WebSocket; the example's 'ws' variant needs one (see ClientOptions.subscriptions).
globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;

const ANNA = USER_IDS.anna!;
const WALLBOX = WALLBOX_IDS.full;
const VARIABLES = { userId: ANNA, id: WALLBOX };

/** The example's manifest (`npm run manifest`), as the app's deployment gives it to the gateway. */
const MANIFEST_CONFIG = fileURLToPath(new URL('../../examples/apollo-client/persisted-query-manifest.config.json', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../../examples/apollo-client/persisted-query-manifest.json', import.meta.url));
const ALLOW_LIST: GatewayOptions = { persistedDocuments: { file: MANIFEST, only: true, staffExempt: false } };

interface Exchange {
  request: { operationName?: string; query?: string; variables?: Record<string, unknown>; extensions?: { persistedQuery?: { version: number; sha256Hash: string } } };
  status: number;
  /** The response's media type without parameters. */
  contentType: string | undefined;
  /** The JSON answer; a multipart stream (a subscription) is recorded as it starts, with no body. */
  response: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

let sim: Simulator;
// A fresh gateway per test, with the allow-list (and an APQ store that starts empty for the APQ tests).
let gateway: RunningGateway;
const exchanges: Exchange[] = [];

/** The example's client, with a fetch that records every request body and its answer. */
function client(getToken?: () => Promise<string | undefined>, options: Pick<ClientOptions, 'subscriptions'> = {}) {
  return createClient(gateway.url, {
    ...(getToken ? { getToken } : {}),
    ...options,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const contentType = response.headers.get('content-type')?.split(';', 1)[0];
      // HttpLink POSTs a JSON string body.
      const request = JSON.parse(init?.body as string) as Exchange['request'];
      // A subscription's stream ends when the client leaves: reading it here would wait for that.
      if (contentType === 'multipart/mixed') exchanges.push({ request, status: response.status, contentType, response: {} });
      else exchanges.push({ request, status: response.status, contentType, response: JSON.parse(await response.clone().text()) });
      return response;
    },
  });
}

type LiveWallbox = WallboxLiveSubscription['wallbox'];

/**
 * Subscribes to WallboxLive and keeps what arrives. (Unsubscribed by the test, never from inside
 * `next`: Apollo Client 4 throws then, apollographql/apollo-client#13137.)
 */
function watchLive(apollo: ApolloClient, variables: { userId?: string; id: string }) {
  const events: LiveWallbox[] = [];
  const errors: ErrorLike[] = [];
  const subscription = apollo.subscribe({ query: WallboxLiveDocument, variables }).subscribe({
    next: (result) => {
      if (result.error) errors.push(result.error);
      if (result.data) events.push(result.data.wallbox);
    },
    error: (error: ErrorLike) => errors.push(error),
  });
  return { events, errors, unsubscribe: () => subscription.unsubscribe() };
}

/** Open subscriptions on a transport, as the gateway's metrics count them. */
async function openSubscriptions(transport: 'multipart' | 'graphql-ws' | 'sse'): Promise<number> {
  const metric = await gateway.metrics.registry.getSingleMetric('podero_live_subscriptions')?.get();
  return metric?.values.find((v) => v.labels['transport'] === transport)?.value ?? 0;
}

/** Bounds a wait for a subscription event or the gateway's bookkeeping (the gateway itself answers in milliseconds here). */
const LIVE_TIMEOUT_MS = 10_000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

beforeAll(async () => {
  sim = await startTestSimulator();
});
beforeEach(async () => {
  sim.reset();
  exchanges.length = 0;
  gateway = await startGateway(sim, ALLOW_LIST);
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

describe('trusted documents: the manifest is the allow-list', () => {
  it('sends only the manifest\'s id, and the gateway runs the listed document at once', async () => {
    const manifest = JSON.parse(await readFile(MANIFEST, 'utf8')) as { operations: { id: string; name: string; body: string }[] };
    const listed = manifest.operations.find((o) => o.name === 'WallboxStatus')!;
    const apollo = client();
    const result = await apollo.query({ query: WallboxStatusDocument, variables: VARIABLES });
    expect(result.data?.wallbox?.id).toBe(WALLBOX);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]!.request).toEqual({
      operationName: 'WallboxStatus',
      variables: VARIABLES,
      extensions: { persistedQuery: { version: 1, sha256Hash: listed.id }, clientLibrary: { name: '@apollo/client', version: expect.any(String) } },
    });
    expect(exchanges[0]!.status).toBe(200);
    // The id is the SHA-256 of the document as Apollo Client sends it: a gateway without the manifest
    // learns it over APQ (below).
    expect(sha256(listed.body)).toBe(listed.id);
    apollo.stop();
  });

  it('refuses what the app does not ship: the client has no id for it, and sent in full it is refused before it runs', async () => {
    const notShipped = gql`
      query NotShipped($userId: UUID!, $id: UUID!) {
        wallbox(userId: $userId, id: $id) {
          id
          chargeRateW
        }
      }
    `;
    const apollo = client();
    await expect(apollo.query({ query: notShipped, variables: VARIABLES })).rejects.toThrow('Operation NotShipped not found in manifest');
    expect(exchanges).toEqual([]);
    // What a rewritten app would send instead.
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query NotShipped { wallbox(userId: "' + ANNA + '", id: "' + WALLBOX + '") { id chargeRateW } }' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Exchange['response']).errors?.map((e) => e.extensions?.['code'])).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(sim.count(WALLBOX_GET)).toBe(0);
    apollo.stop();
  });

  it('is the manifest its operations generate (`npm run manifest`), subscription included', async () => {
    const generated = await generatePersistedQueryManifest(JSON.parse(await readFile(MANIFEST_CONFIG, 'utf8')), MANIFEST_CONFIG);
    expect(JSON.parse(await readFile(MANIFEST, 'utf8')), 'run `npm run manifest`').toEqual(generated);
    expect(generated.operations.map((o) => `${o.type} ${o.name}`)).toContain('subscription WallboxLive');
  });
});

describe('automatic persisted queries, on a gateway without the manifest', () => {
  beforeEach(async () => {
    await gateway.close();
    gateway = await startGateway(sim);
  });

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
    gateway = await startGateway(sim, { ...ALLOW_LIST, callerAuth: idp.auth() });
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

  it('subscribes over the WebSocket with the token in connection_init, and is refused without one', async () => {
    await gateway.close();
    gateway = await startGateway(sim, { ...ALLOW_LIST, callerAuth: idp.auth() });
    const token = await idp.token({ claims: { podero_user_id: ANNA } });
    const ws = { subscriptions: 'ws' } as const;
    const signedIn = client(() => Promise.resolve(token), ws);
    // No userId: the token's user.
    const mine = watchLive(signedIn, { id: WALLBOX });
    await vi.waitFor(() => expect(mine.events.length + mine.errors.length).toBeGreaterThan(0), { timeout: LIVE_TIMEOUT_MS });
    expect(mine.errors).toEqual([]);
    expect(mine.events[0]).toMatchObject({ __typename: 'Wallbox', id: WALLBOX, isCharging: true });
    mine.unsubscribe();

    // Another page, signed out: its socket opens without a token, and the subscription is refused.
    const signedOut = client(() => Promise.resolve(undefined), ws);
    const refused = watchLive(signedOut, { id: WALLBOX });
    await vi.waitFor(() => expect(refused.errors).toHaveLength(1), { timeout: LIVE_TIMEOUT_MS });
    expect(refused.events).toEqual([]);
    expect(CombinedGraphQLErrors.is(refused.errors[0])).toBe(true);
    expect((refused.errors[0] as CombinedGraphQLErrors).errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    refused.unsubscribe();
    await vi.waitFor(async () => expect(await openSubscriptions('graphql-ws')).toBe(0), { timeout: LIVE_TIMEOUT_MS });
    signedIn.stop();
    signedOut.stop();
  });
});

describe('a live wallbox card: WallboxLive, and ChargeNow through the same client', () => {
  it("knows the schema's interfaces and unions (possibleTypes), so fragments on them match in the cache", () => {
    // Federation's _Entity aside: routers ask for it, apps do not.
    const abstract = Object.values(schema.getTypeMap()).filter((type): type is GraphQLAbstractType => isAbstractType(type) && !type.name.startsWith('_'));
    expect(POSSIBLE_TYPES).toEqual(Object.fromEntries(abstract.map((type) => [type.name, schema.getPossibleTypes(type).map((t) => t.name).sort()])));
  });

  // Plugged in and idle: the simulator starts a boost at once (it waits only with dynamics on, in demo mode).
  const CARPORT = { userId: ANNA, id: WALLBOX_IDS.annaCarport };
  const IDLE = { __typename: 'Wallbox', id: CARPORT.id, isPluggedIn: true, isCharging: false, boostState: 'AVAILABLE' };
  const BOOSTED = { __typename: 'Wallbox', id: CARPORT.id, isPluggedIn: true, isCharging: true, chargeRateW: 22_000, boostState: 'ONGOING' };

  it('over the HttpLink: multipart by the manifest\'s id, the state now, then what the boost changed', async () => {
    const apollo = client();
    const live = watchLive(apollo, CARPORT);
    await vi.waitFor(() => expect(live.events).toHaveLength(1), { timeout: LIVE_TIMEOUT_MS });
    expect(live.events[0]).toMatchObject(IDLE);
    expect(await openSubscriptions('multipart')).toBe(1);
    // One upstream read for it: the poller's first.
    expect(sim.count(WALLBOX_GET)).toBe(1);

    // The subscription travels as a query does: its manifest id alone, answered with the multipart stream.
    const [stream] = exchanges;
    expect(stream).toMatchObject({ request: { operationName: 'WallboxLive', extensions: { persistedQuery: { version: 1 } } }, status: 200, contentType: 'multipart/mixed' });
    expect(stream!.request).not.toHaveProperty('query');

    // "Charge now" on the card: the write makes the gateway read the wallbox again at once, and the
    // subscription carries the change (no waiting for the 30 s poll, no refetch by the client).
    const boost = await apollo.mutate({ mutation: ChargeNowDocument, variables: CARPORT });
    expect(boost.data?.boostWallbox).toMatchObject({ __typename: 'BoostStarted', wallbox: { boostState: 'ONGOING' } });
    await vi.waitFor(() => expect(live.events).toHaveLength(2), { timeout: LIVE_TIMEOUT_MS });
    expect(live.events[1]).toMatchObject(BOOSTED);
    expect(live.errors).toEqual([]);
    // The events are in the normalized cache, where every query about the wallbox reads them.
    expect((apollo.cache.extract() as NormalizedCacheObject)[`Wallbox:${CARPORT.id}`]).toMatchObject(BOOSTED);
    // The client asked for nothing but the subscription and the mutation, each by its id.
    expect(exchanges.map((e) => `${e.request.operationName} ${e.status} ${e.request.query === undefined ? 'by id' : 'in full'}`)).toEqual([
      'WallboxLive 200 by id',
      'ChargeNow 200 by id',
    ]);

    // Unsubscribing cancels the HTTP stream; the gateway ends the subscription and its poller.
    live.unsubscribe();
    await vi.waitFor(async () => expect(await openSubscriptions('multipart')).toBe(0), { timeout: LIVE_TIMEOUT_MS });
    apollo.stop();
  });

  it("over GraphQLWsLink (subscriptions: 'ws'): the same events on a WebSocket, queries and mutations still over HTTP", async () => {
    const apollo = client(undefined, { subscriptions: 'ws' });
    const live = watchLive(apollo, CARPORT);
    await vi.waitFor(() => expect(live.events.length + live.errors.length).toBeGreaterThan(0), { timeout: LIVE_TIMEOUT_MS });
    expect(live.errors).toEqual([]);
    expect(live.events[0]).toMatchObject(IDLE);
    expect(await openSubscriptions('graphql-ws')).toBe(1);
    expect(exchanges).toEqual([]); // nothing over HTTP

    const boost = await apollo.mutate({ mutation: ChargeNowDocument, variables: CARPORT });
    expect(boost.data?.boostWallbox).toMatchObject({ __typename: 'BoostStarted' });
    expect(exchanges.map((e) => `${e.request.operationName} ${e.status}`)).toEqual(['ChargeNow 200']); // by id, at once
    await vi.waitFor(() => expect(live.events).toHaveLength(2), { timeout: LIVE_TIMEOUT_MS });
    expect(live.events[1]).toMatchObject(BOOSTED);
    expect(live.errors).toEqual([]);

    // The last subscription gone, graphql-ws completes it and closes its socket (lazy mode).
    live.unsubscribe();
    await vi.waitFor(async () => expect(await openSubscriptions('graphql-ws')).toBe(0), { timeout: LIVE_TIMEOUT_MS });
    apollo.stop();
  });
});