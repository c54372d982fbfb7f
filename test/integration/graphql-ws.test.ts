// GraphQL over WebSocket (graphql-ws) relayed through yoga's HTTP handling, over real sockets: a toy
// yoga whose request hooks refuse a caller (onParams: Authorization) or an origin (onRequest), so these
// tests prove that the upgrade's headers and connection_init reach those hooks, as they do over HTTP.
import { TOO_MANY_CONNECTIONS_MESSAGE } from '../../src/live/connections.js';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { createClient, type Client, type FormattedExecutionResult, type SubscribePayload } from 'graphql-ws';
import { createSchema, createYoga, Repeater, type Plugin } from 'graphql-yoga';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachGraphQLWs, type GraphQLWsOptions } from '../../src/live/graphql-ws.js';

/** Promise.withResolvers, which Node 20 lacks. */
function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** The server side of `subscription { tick }`, driven by the test. */
class Feed {
  readonly started = deferred();
  /** Resolved when the subscription's iterator was returned (its cleanup ran). */
  readonly released = deferred();
  #push: ((tick: number) => Promise<unknown>) | undefined;
  #stop: (() => void) | undefined;

  subscribe() {
    return new Repeater<{ tick: number }>(async (push, stop) => {
      this.#push = (tick) => push({ tick });
      this.#stop = () => stop();
      this.started.resolve();
      await stop;
      this.released.resolve();
    });
  }

  push(tick: number) {
    void this.#push!(tick);
  }

  end() {
    this.#stop!();
  }
}

// Yoga pings an SSE stream every 300 ms under NODE_ENV=test, 12 s otherwise: with production's
// interval, an operation that is only released by the next ping fails the unsubscribe test's timeout.
beforeAll(() => {
  vi.stubEnv('NODE_ENV', 'production');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

let feed = new Feed();
beforeEach(() => {
  feed = new Feed();
});

const schema = createSchema<{ req: IncomingMessage; request: Request; transport?: string }>({
  typeDefs: /* GraphQL */ `
    type Query { hello: String, address: String, transport: String, authorization: String }
    type Mutation { add(a: Int!, b: Int!): Int }
    type Subscription { tick: Int }
  `,
  resolvers: {
    Query: {
      hello: () => 'world',
      address: (_root, _args, { req }) => req.socket.remoteAddress,
      transport: (_root, _args, { transport }) => transport,
      authorization: (_root, _args, { request }) => request.headers.get('authorization'),
    },
    Mutation: { add: (_root, { a, b }: { a: number; b: number }) => a + b },
    Subscription: { tick: { subscribe: () => feed.subscribe() } },
  },
});

/** Refuses before parsing, as use-csrf-prevention does: a JSON body of its own. */
const refuseBlockedOrigin: Plugin = {
  onRequest(payload) {
    if (payload.request.headers.get('origin') !== 'https://blocked.example') return;
    const body = JSON.stringify({ errors: [{ message: 'Origin not allowed', extensions: { code: 'FORBIDDEN' } }] });
    payload.endResponse(new Response(body, { status: 403, headers: { 'content-type': 'application/json' } }));
  },
};

/** Refuses after reading the body, as use-caller-auth does: yoga renders the error (401). */
const requireGoodToken: Plugin = {
  onParams({ request, setResult }) {
    if (request.headers.get('authorization') === 'Bearer good') return;
    setResult({ errors: [new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401, spec: false } } })] });
  },
};

async function startGateway(options: Partial<GraphQLWsOptions> = {}) {
  const yoga = createYoga({ schema, plugins: [refuseBlockedOrigin, requireGoodToken], logging: false });
  const server = createServer((request, response) => void yoga(request, response));
  const ws = attachGraphQLWs({ server, yoga, ...options });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    ws,
    port,
    url: `ws://127.0.0.1:${port}/graphql`,
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
type Gateway = Awaited<ReturnType<typeof startGateway>>;

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map(async (client) => client.dispose()));
});

interface ConnectOptions {
  headers?: Record<string, string>;
  connectionParams?: Record<string, unknown>;
  lazy?: boolean;
}

function connect(gateway: Gateway, { headers, connectionParams, lazy = true }: ConnectOptions = {}): Client {
  class HeaderedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createClient({ url: gateway.url, webSocketImpl: HeaderedWebSocket, connectionParams, lazy, retryAttempts: 0, onNonLazyError: () => {} });
  clients.push(client);
  return client;
}

const GOOD = { connectionParams: { Authorization: 'Bearer good' } };

/** All results of a single-result operation; rejects with an `error` message's errors. */
async function run(client: Client, payload: SubscribePayload): Promise<FormattedExecutionResult<Record<string, unknown>, unknown>[]> {
  const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  for await (const result of client.iterate(payload)) results.push(result);
  return results;
}

/** A subscription's results so far, how it ended, and its unsubscribe. */
function subscribe(client: Client, query: string) {
  const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  let unsubscribe = () => {};
  const ended = new Promise<{ complete: true } | { error: unknown }>((resolve) => {
    unsubscribe = client.subscribe({ query }, { next: (result) => void results.push(result), error: (error) => resolve({ error }), complete: () => resolve({ complete: true }) });
  });
  return { results, ended, unsubscribe };
}

/** A raw upgrade whose answer is not 101: its status and body. */
function refusedUpgrade(url: string, options: WebSocket.ClientOptions = {}): Promise<{ status: number | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', options);
    socket.on('error', () => {});
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
    socket.on('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode, body });
      });
    });
  });
}

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

describe('subscriptions', () => {
  it('relays each event as `next`, and the server-side end as `complete`', async () => {
    const subscription = subscribe(connect(gateway, GOOD), 'subscription { tick }');
    await feed.started.promise;
    feed.push(1);
    await vi.waitFor(() => expect(subscription.results).toHaveLength(1));
    feed.push(2);
    await vi.waitFor(() => expect(subscription.results).toHaveLength(2));
    feed.end();
    expect(await subscription.ended).toEqual({ complete: true });
    expect(subscription.results).toEqual([{ data: { tick: 1 } }, { data: { tick: 2 } }]);
    await feed.released.promise;
  });

  // The timeout is below yoga's SSE ping interval (12 s): the release must not wait for the next chunk.
  it("returns the server-side iterator when the client unsubscribes (yoga's stream is cancelled)", { timeout: 5_000 }, async () => {
    const subscription = subscribe(connect(gateway, GOOD), 'subscription { tick }');
    await feed.started.promise;
    feed.push(1);
    await vi.waitFor(() => expect(subscription.results).toHaveLength(1));
    subscription.unsubscribe();
    await feed.released.promise;
  });

  it('returns the server-side iterator when the socket drops', { timeout: 5_000 }, async () => {
    const client = connect(gateway, GOOD);
    subscribe(client, 'subscription { tick }');
    await feed.started.promise;
    client.terminate();
    await feed.released.promise;
    await vi.waitFor(() => expect(gateway.ws.connections()).toBe(0));
  });
});

describe("the caller's credentials reach yoga's request hooks", () => {
  it('takes Authorization from the connection_init payload', async () => {
    expect(await run(connect(gateway, GOOD), { query: '{ authorization }' })).toEqual([{ data: { authorization: 'Bearer good' } }]);
  });

  it("takes the upgrade request's Authorization header", async () => {
    expect(await run(connect(gateway, { headers: { authorization: 'Bearer good' } }), { query: '{ authorization }' })).toEqual([{ data: { authorization: 'Bearer good' } }]);
  });

  it("prefers connection_init's Authorization over the upgrade's", async () => {
    const client = connect(gateway, { headers: { authorization: 'Bearer bad' }, connectionParams: { authorization: 'Bearer good' } });
    expect(await run(client, { query: '{ authorization }' })).toEqual([{ data: { authorization: 'Bearer good' } }]);
  });

  it('answers a refused caller with an `error` carrying the code, and keeps the socket for other operations', async () => {
    const client = connect(gateway, { headers: { authorization: 'Bearer good' }, connectionParams: { Authorization: 'Bearer bad' } });
    const refused = [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }];
    await expect(run(client, { query: '{ hello }' })).rejects.toEqual(refused);
    const subscription = subscribe(client, 'subscription { tick }');
    expect(await subscription.ended).toEqual({ error: refused });
  });

  it("passes the upgrade's Origin to onRequest, whose JSON refusal becomes an `error`", async () => {
    const client = connect(gateway, { ...GOOD, headers: { origin: 'https://blocked.example' } });
    await expect(run(client, { query: '{ hello }' })).rejects.toEqual([{ message: 'Origin not allowed', extensions: { code: 'FORBIDDEN' } }]);
  });

  it('closes the socket (4403) when connection_init carries an Authorization no header could hold', async () => {
    const client = connect(gateway, { connectionParams: { Authorization: 'Bearer good\r\nx-admin: yes' } });
    const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
    await expect(run(client, { query: '{ hello }' })).rejects.toBeDefined();
    expect(await closed).toBe(4403);
  });
});

describe('queries and mutations', () => {
  it('answers a query with one `next` and `complete`; its context has the client address and names the transport', async () => {
    expect(await run(connect(gateway, GOOD), { query: '{ hello address transport }' })).toEqual([{ data: { hello: 'world', address: '127.0.0.1', transport: 'graphql-ws' } }]);
  });

  it('runs a mutation with variables', async () => {
    const payload = { query: 'mutation Add($a: Int!, $b: Int!) { add(a: $a, b: $b) }', operationName: 'Add', variables: { a: 2, b: 3 } };
    expect(await run(connect(gateway, GOOD), payload)).toEqual([{ data: { add: 5 } }]);
  });
});

describe('close()', () => {
  it('completes every active subscription, closes with the code given and refuses further upgrades', async () => {
    const own = await startGateway();
    try {
      const client = connect(own, { ...GOOD, lazy: false });
      const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
      const subscription = subscribe(client, 'subscription { tick }');
      await feed.started.promise;
      await own.ws.close(1001, 'going away');
      expect(await subscription.ended).toEqual({ complete: true });
      expect(await closed).toBe(1001);
      await feed.released.promise;
      expect(own.ws.connections()).toBe(0);
      expect((await refusedUpgrade(own.url)).status).toBe(503);
    } finally {
      await own.close();
    }
  });
});

describe('the connection gate', () => {
  it('answers a refused upgrade with 429 TOO_MANY_CONNECTIONS, and releases an admitted one once, when it closes', async () => {
    let open = true;
    const released: string[] = [];
    const allReleased = deferred();
    const own = await startGateway({
      admit: (address) => {
        if (!open) return undefined;
        return () => {
          released.push(address);
          if (released.length === 2) allReleased.resolve();
        };
      },
    });
    try {
      const socket = new WebSocket(own.url, 'graphql-transport-ws');
      await once(socket, 'open');
      // A handshake ws itself refuses (400) releases its slot too.
      const handshake = await new Promise<number | undefined>((resolve) => {
        const headers = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '99', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
        httpRequest({ port: own.port, host: '127.0.0.1', path: '/graphql', headers }, (response) => resolve(response.statusCode)).end();
      });
      expect(handshake).toBe(400);
      open = false;
      const refused = await refusedUpgrade(own.url);
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body)).toEqual({
        errors: [{ message: TOO_MANY_CONNECTIONS_MESSAGE, extensions: { code: 'TOO_MANY_CONNECTIONS' } }],
      });
      expect(own.ws.connections()).toBe(1);
      socket.close();
      await allReleased.promise;
      await vi.waitFor(() => expect(own.ws.connections()).toBe(0));
      expect(released).toEqual(['127.0.0.1', '127.0.0.1']);
    } finally {
      await own.close();
    }
  });
});

describe('hostile and idle sockets', () => {
  it('refuses an upgrade to another path with 404', async () => {
    const refused = await refusedUpgrade(gateway.url.replace('/graphql', '/other'));
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('closes a socket with 1009 when a message is over maxPayloadBytes', async () => {
    const own = await startGateway({ maxPayloadBytes: 1024 });
    try {
      const client = connect(own, GOOD);
      const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
      await expect(run(client, { query: `{ hello ${' '.repeat(2048)} }` })).rejects.toBeDefined();
      expect(await closed).toBe(1009);
    } finally {
      await own.close();
    }
  });

  it('pings, and terminates a socket that does not answer with a pong', async () => {
    const own = await startGateway({ keepAliveMs: 50 });
    try {
      const socket = new WebSocket(own.url, 'graphql-transport-ws', { autoPong: false });
      const pinged = once(socket, 'ping');
      const closed = once(socket, 'close') as Promise<[number, Buffer]>;
      await pinged;
      const [code] = await closed;
      // 1006: the connection was dropped without a close frame.
      expect(code).toBe(1006);
    } finally {
      await own.close();
    }
  });
});
