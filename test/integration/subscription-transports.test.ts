// The three transports of one gateway, on one path and port: GraphQL over SSE, graphql-ws over a
// WebSocket, and Apollo's multipart HTTP protocol (through Apollo Client's plain HttpLink). They share
// one poller per device, each gets the first state and then the change, each is counted in
// /metrics by its transport, and open connections per client address are bounded across them.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { WALLBOX_GET, startStack, type RunningGateway } from '../helpers/stack.js';
import { eventually, subscribeSse, type Result } from '../helpers/sse.js';

const ANNA = USER_IDS.anna!;
const WALLBOX = WALLBOX_IDS.full;
const LIVE = `subscription Live { wallbox(userId: "${ANNA}", id: "${WALLBOX}") { id comment } }`;

const { sim, gateway, another, close } = await startStack({ live: { intervalMs: 3_600_000 } });
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
  sim.resetCounts();
});
afterAll(close);

function wsClient(on: RunningGateway, connectionParams?: Record<string, unknown>): Client {
  const client = createClient({ url: on.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  cleanups.push(() => client.dispose());
  return client;
}

/** A graphql-ws subscription whose results are kept as they arrive. */
function subscribeWs(client: Client, query: string) {
  const events: Result[] = [];
  let completed = false;
  let failed: unknown;
  const stop = client.subscribe<Record<string, unknown>>({ query }, {
    next: (result) => void events.push(result as Result),
    error: (error) => {
      failed = error;
      completed = true;
    },
    complete: () => (completed = true),
  });
  cleanups.push(stop);
  return { events, stop, completed: () => completed, failed: () => failed };
}

async function metric(on: RunningGateway, pattern: RegExp): Promise<string | undefined> {
  const text = await (await fetch(on.url.replace('/graphql', '/metrics'))).text();
  return pattern.exec(text)?.[1];
}

it('serves one device over all three transports from one poller, and pushes a write to each', async () => {
  const sse = await subscribeSse(gateway.url, LIVE);
  cleanups.push(() => sse.close());
  const ws = subscribeWs(wsClient(gateway), LIVE);
  const apollo = new ApolloClient({ link: new HttpLink({ uri: gateway.url }), cache: new InMemoryCache() });
  const multipart: Result[] = [];
  const observed = apollo.subscribe({ query: gql(LIVE), fetchPolicy: 'no-cache' }).subscribe({ next: (result) => void multipart.push(result) });
  cleanups.push(() => observed.unsubscribe());

  await sse.waitForEvents(1);
  await eventually(() => ws.events.length === 1 && multipart.length === 1, 'the first event over graphql-ws and multipart');
  expect(ws.events[0]).toEqual(sse.events[0]);
  // (Apollo Client adds __typename to what it sends.)
  expect(multipart[0]!.data).toEqual({ wallbox: { __typename: 'Wallbox', ...sse.events[0]!.data.wallbox } });
  expect(sim.count(WALLBOX_GET)).toBe(1);
  expect(await metric(gateway, /podero_live_pollers (\d+)/)).toBe('1');
  for (const transport of ['sse', 'graphql-ws', 'multipart']) {
    expect(await metric(gateway, new RegExp(`podero_live_subscriptions\\{transport="${transport}"\\} (\\d+)`)), transport).toBe('1');
  }

  // A mutation over the WebSocket too: the socket carries queries and mutations as well.
  const write = subscribeWs(wsClient(gateway), `mutation { updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX}", comment: "Over the socket" }) { id } }`);
  await eventually(() => write.completed(), 'the mutation to complete');
  expect(write.events[0]!.errors).toBeUndefined();
  await sse.waitForEvents(2);
  await eventually(() => ws.events.length === 2 && multipart.length === 2, 'the change over graphql-ws and multipart');
  for (const events of [sse.events, ws.events, multipart]) expect(events[1]!.data.wallbox.comment).toBe('Over the socket');
});

it('releases the poller when a WebSocket subscriber leaves', async () => {
  const ws = subscribeWs(wsClient(gateway), LIVE);
  await eventually(() => ws.events.length === 1, 'the first event');
  ws.stop();
  await eventually(async () => (await metric(gateway, /podero_live_pollers (\d+)/)) === '0', 'the poller to stop');
  expect(await metric(gateway, /podero_live_subscriptions\{transport="graphql-ws"\} (\d+)/)).toBe('0');
});

it('bounds open subscription connections per client address across transports', async () => {
  const small = await another({ live: { maxConnectionsPerClient: 2, intervalMs: 3_600_000 } });
  const first = await subscribeSse(small.url, LIVE);
  cleanups.push(() => first.close());
  await first.waitForEvents(1);
  const socket = subscribeWs(wsClient(small), LIVE);
  await eventually(() => socket.events.length === 1, 'the WebSocket subscriber');
  // A third connection is refused, over SSE with its code, over a WebSocket at the upgrade (429).
  const refused = await subscribeSse(small.url, LIVE);
  await refused.waitForComplete();
  expect(refused.status).toBe(429);
  expect((refused.events[0] ?? refused.body)!.errors![0]!.extensions.code).toBe('TOO_MANY_CONNECTIONS');
  const rejected = await new Promise<number>((resolve) => {
    const raw = new WebSocket(small.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    raw.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    raw.on('open', () => resolve(101));
    raw.on('error', () => undefined);
  });
  expect(rejected).toBe(429);
  // One leaves: a new one is accepted.
  first.close();
  await eventually(async () => {
    const again = await subscribeSse(small.url, LIVE);
    cleanups.push(() => again.close());
    return again.status === 200;
  }, 'a connection to be accepted again');
});

it('takes the caller\'s token from graphql-ws\'s connection_init', async () => {
  const idp = await IdentityProvider.start();
  cleanups.push(() => idp.close());
  const authed = await another({ callerAuth: idp.auth(), live: { intervalMs: 3_600_000 } });
  const token = await idp.token({ claims: { sub: 'anna@example.at', podero_user_id: ANNA } });
  const own = subscribeWs(wsClient(authed, { Authorization: `Bearer ${token}` }), `subscription { wallbox(id: "${WALLBOX}") { id } }`);
  await eventually(() => own.events.length === 1, 'the caller\'s own wallbox');
  expect(own.events[0]).toEqual({ data: { wallbox: { id: WALLBOX } } });
  const anonymous = subscribeWs(wsClient(authed), `subscription { wallbox(id: "${WALLBOX}") { id } }`);
  await eventually(() => anonymous.completed(), 'the refusal');
  expect((anonymous.failed() as { extensions?: { code?: string } }[])[0]!.extensions!.code).toBe('UNAUTHENTICATED');
});
