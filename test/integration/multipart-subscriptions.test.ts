// Subscriptions over Apollo's multipart HTTP protocol (src/plugins/use-multipart-subscriptions.ts):
// the exact bytes on the wire, Apollo Client 4's plain HttpLink as the consumer, and the upstream side
// released when the client leaves. A toy schema whose one subscription the test feeds, value by value,
// through a Repeater it holds; every wait is on a condition (a byte sequence, a result, a release).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApolloClient, CombinedGraphQLErrors, CombinedProtocolErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import type { Observable } from 'rxjs';
import { createGraphQLError, createSchema, createYoga, Repeater, type Plugin } from 'graphql-yoga';
import { useMultipartSubscriptions } from '../../src/plugins/use-multipart-subscriptions.js';

/** What Apollo Client 4's HttpLink sends for a subscription (BaseHttpLink in @apollo/client). */
const APOLLO_ACCEPT = 'multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/graphql-response+json,application/json;q=0.9';
const CONTENT_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0';
const OPENING = '\r\n--graphql';
const HEADERS = '\r\ncontent-type: application/json\r\n\r\n';
const HEARTBEAT = `${HEADERS}{}\r\n--graphql`;
const END = '--\r\n';
const part = (body: unknown) => `${HEADERS}${JSON.stringify(body)}\r\n--graphql`;

/** One subscriber's source on the server: the test pushes its values and sees when it is released. */
interface Feed {
  push(value: number): void;
  /** Ends the source; with an error, the source fails (as an upstream poller that gave up would). */
  stop(error?: Error): void;
  /** Settles once the source's `finally` ran: the client left or the stream ended. */
  released: Promise<void>;
}

const waitingFeeds: Feed[] = [];
const feedTakers: ((feed: Feed) => void)[] = [];

/** The source of the next subscription the server starts (in the order they start). */
function nextFeed(): Promise<Feed> {
  const feed = waitingFeeds.shift();
  return feed ? Promise.resolve(feed) : new Promise((resolve) => feedTakers.push(resolve));
}

function openFeed(): Repeater<number> {
  return new Repeater<number>(async (push, stop) => {
    let release!: () => void;
    const feed: Feed = { push: (value) => void push(value), stop: (error) => stop(error), released: new Promise((resolve) => (release = resolve)) };
    const taker = feedTakers.shift();
    if (taker) taker(feed);
    else waitingFeeds.push(feed);
    try {
      await stop;
    } finally {
      release();
    }
  });
}

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Query { hello: String }
    type Subscription { ticks: Int, refused: Int }
  `,
  resolvers: {
    Query: { hello: () => 'world' },
    Subscription: {
      ticks: {
        subscribe: () => openFeed(),
        // A negative tick fails its event's field, as a resolver error does: a GraphQL error, not a fatal one.
        resolve: (tick: number) => {
          if (tick < 0) throw createGraphQLError(`tick ${tick} refused`, { extensions: { code: 'BAD_TICK' } });
          return tick;
        },
      },
      // Refused before any event, as an authorisation check in `subscribe` would.
      refused: {
        subscribe: () => {
          throw createGraphQLError('not allowed', { extensions: { code: 'FORBIDDEN' } });
        },
      },
    },
  },
});

const servers: Server[] = [];

async function serve(plugins: Plugin[]): Promise<string> {
  const yoga = createYoga({ schema, plugins, logging: false });
  const server = createServer((request, response) => void yoga(request, response));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
}

let url: string;
/**
 * Heartbeats as rare as allowed: within a test, no heartbeat's delimiter closes a part that was
 * written without its own, so a part that reaches the client proves it was closed when written.
 */
let quietUrl: string;
beforeAll(async () => {
  url = await serve([useMultipartSubscriptions({ heartbeatMs: 50 })]);
  quietUrl = await serve([useMultipartSubscriptions({ heartbeatMs: 15_000 })]);
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

function post(query: string, accept: string, target = url): Promise<Response> {
  return fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });
}

/** A response body read as text, as far as a condition needs. */
class Body {
  text = '';
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();

  constructor(response: Response) {
    this.#reader = response.body!.getReader();
  }

  async until(condition: (text: string) => boolean): Promise<string> {
    while (!condition(this.text)) {
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`the body ended first: ${JSON.stringify(this.text)}`);
      this.text += this.#decoder.decode(value, { stream: true });
    }
    return this.text;
  }

  async includes(expected: string): Promise<string> {
    return this.until((text) => text.includes(expected));
  }

  async rest(): Promise<string> {
    for (;;) {
      const { value, done } = await this.#reader.read();
      if (done) return this.text;
      this.text += this.#decoder.decode(value, { stream: true });
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

describe('the wire', () => {
  it('frames events, heartbeats and the end as the Apollo Router does', async () => {
    const response = await post('subscription { ticks }', APOLLO_ACCEPT);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(CONTENT_TYPE);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const body = new Body(response);
    const feed = await nextFeed();
    // A quiet subscription still sends heartbeats.
    await body.includes(HEARTBEAT);
    feed.push(1);
    await body.includes(part({ payload: { data: { ticks: 1 } } }));
    feed.push(2);
    await body.includes(part({ payload: { data: { ticks: 2 } } }));
    feed.stop();
    const text = await body.rest();
    expect(text.replaceAll(HEARTBEAT, '')).toBe(
      OPENING + part({ payload: { data: { ticks: 1 } } }) + part({ payload: { data: { ticks: 2 } } }) + END,
    );
    expect(text.endsWith('\r\n--graphql--\r\n')).toBe(true);
    await feed.released;
  });

  it('sends each part with the delimiter that closes it', async () => {
    const body = new Body(await post('subscription { ticks }', APOLLO_ACCEPT, quietUrl));
    const feed = await nextFeed();
    feed.push(1);
    expect(await body.includes(part({ payload: { data: { ticks: 1 } } }))).toBe(OPENING + part({ payload: { data: { ticks: 1 } } }));
    feed.stop();
    expect(await body.rest()).toMatch(/--graphql--\r\n$/);
  });

  it('puts an event\'s GraphQL errors inside its payload and stays open', async () => {
    const body = new Body(await post('subscription { ticks }', APOLLO_ACCEPT));
    const feed = await nextFeed();
    feed.push(-1);
    const error = { message: 'tick -1 refused', locations: [{ line: 1, column: 16 }], path: ['ticks'], extensions: { code: 'BAD_TICK' } };
    await body.includes(part({ payload: { errors: [error], data: { ticks: null } } }));
    feed.push(3);
    await body.includes(part({ payload: { data: { ticks: 3 } } }));
    feed.stop();
    expect((await body.rest()).endsWith(END)).toBe(true);
  });

  it('ends with a fatal {"payload":null,"errors":[...]} part when the source fails, masked', async () => {
    const body = new Body(await post('subscription { ticks }', APOLLO_ACCEPT));
    const feed = await nextFeed();
    feed.stop(new Error('upstream poller gave up: secret detail'));
    const text = await body.rest();
    expect(text.replaceAll(HEARTBEAT, '')).toBe(
      OPENING + part({ payload: null, errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }) + END,
    );
    await feed.released;
  });

  it.each([
    ['the protocol page\'s', 'multipart/mixed;subscriptionSpec="1.0", application/json'],
    ['quoted, with a boundary', 'multipart/mixed; boundary="graphql"; subscriptionSpec="1.0", application/json'],
    ['upper case, parameters reordered', 'application/json, MULTIPART/MIXED;SubscriptionSpec=1.0;Boundary=graphql'],
    ['listed after SSE', 'text/event-stream, multipart/mixed;subscriptionSpec=1.0'],
  ])('answers an Accept %s with the protocol', async (_label, accept) => {
    const response = await post('subscription { ticks }', accept);
    expect(response.headers.get('content-type')).toBe(CONTENT_TYPE);
    const body = new Body(response);
    (await nextFeed()).stop();
    expect(await body.rest()).toMatch(/^\r\n--graphql(\r\ncontent-type: application\/json\r\n\r\n\{\}\r\n--graphql)*--\r\n$/);
  });

  it('wins over yoga\'s own processors, which alone would answer SSE or 406', async () => {
    const plain = await serve([]);
    const sse = await post('subscription { ticks }', 'text/event-stream, multipart/mixed;subscriptionSpec=1.0', plain);
    expect(sse.headers.get('content-type')).toBe('text/event-stream');
    const body = new Body(sse);
    await body.includes(':\n\n');
    const feed = await nextFeed();
    await body.cancel();
    await feed.released;
    expect((await post('subscription { ticks }', APOLLO_ACCEPT, plain)).status).toBe(406);
  });

  it('leaves other Accept headers to yoga', async () => {
    // No subscriptionSpec, or refused with q=0: yoga's subscription processors (SSE only).
    expect((await post('subscription { ticks }', 'multipart/mixed')).status).toBe(406);
    expect((await post('subscription { ticks }', 'multipart/mixed;subscriptionSpec=1.0;q=0')).status).toBe(406);
  });
});

describe('yoga\'s answers stay its own', () => {
  it('answers a query sent with the same Accept as JSON', async () => {
    const response = await post('{ hello }', APOLLO_ACCEPT);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await response.json()).toEqual({ data: { hello: 'world' } });
  });

  it('serves an SSE subscription with yoga\'s SSE', async () => {
    const response = await post('subscription { ticks }', 'text/event-stream');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = new Body(response);
    const feed = await nextFeed();
    feed.push(1);
    await body.includes('event: next\ndata: {"data":{"ticks":1}}\n\n');
    feed.stop();
    expect(await body.rest()).toContain('event: complete\n');
  });

  it('answers a subscription that fails before its stream as yoga does', async () => {
    const response = await post('subscription { refused }', APOLLO_ACCEPT);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await response.json()).toMatchObject({ errors: [{ message: 'not allowed', extensions: { code: 'FORBIDDEN' } }] });
  });
});

interface Recorded<T> {
  results: T[];
  /** Settles when the observable completes; rejects when it errors. */
  completed: Promise<void>;
  /** Settles once `count` results arrived. */
  received(count: number): Promise<T[]>;
  unsubscribe(): void;
}

function record<T>(observable: Observable<T>): Recorded<T> {
  const results: T[] = [];
  const waiters: (() => void)[] = [];
  let complete!: () => void;
  let fail!: (error: unknown) => void;
  const completed = new Promise<void>((resolve, reject) => ((complete = resolve), (fail = reject)));
  const subscription = observable.subscribe({
    next: (result) => {
      results.push(result);
      for (const waiter of waiters.splice(0)) waiter();
    },
    error: (error: unknown) => fail(error),
    complete: () => complete(),
  });
  const received = async (count: number) => {
    while (results.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return results;
  };
  return { results, completed, received, unsubscribe: () => subscription.unsubscribe() };
}

describe('Apollo Client 4 with a plain HttpLink', () => {
  const TICKS = gql`subscription Ticks { ticks }`;
  const clients: ApolloClient[] = [];
  const apollo = () => {
    const client = new ApolloClient({ link: new HttpLink({ uri: quietUrl }), cache: new InMemoryCache() });
    clients.push(client);
    return client;
  };
  afterEach(() => {
    for (const client of clients.splice(0)) client.stop();
  });

  it('receives each event as it happens, in order, and completes when the server\'s stream ends', async () => {
    const ticks = record(apollo().subscribe({ query: TICKS }));
    const feed = await nextFeed();
    // Each event arrives before the next one exists (and no heartbeat comes): its part was closed by
    // its delimiter at once.
    feed.push(1);
    await ticks.received(1);
    feed.push(2);
    await ticks.received(2);
    feed.stop();
    await ticks.completed;
    expect(ticks.results).toEqual([{ data: { ticks: 1 } }, { data: { ticks: 2 } }]);
    await feed.released;
  });

  it('surfaces an event\'s error as a GraphQL error, and the next event after it', async () => {
    const ticks = record(apollo().subscribe({ query: TICKS }));
    const feed = await nextFeed();
    feed.push(-1);
    const [failed] = await ticks.received(1);
    expect(failed!.data).toBeUndefined();
    expect(CombinedGraphQLErrors.is(failed!.error)).toBe(true);
    expect((failed!.error as CombinedGraphQLErrors).errors).toMatchObject([{ message: 'tick -1 refused', extensions: { code: 'BAD_TICK' } }]);
    feed.push(4);
    expect((await ticks.received(2))[1]).toEqual({ data: { ticks: 4 } });
    feed.stop();
    await ticks.completed;
  });

  it('surfaces a failed source as a protocol error, then completes', async () => {
    // no-cache: the client would write the part's empty result ({}) to its cache and warn.
    const ticks = record(apollo().subscribe({ query: TICKS, fetchPolicy: 'no-cache' }));
    const feed = await nextFeed();
    feed.stop(new Error('upstream poller gave up'));
    await ticks.completed;
    expect(ticks.results).toHaveLength(1);
    const { error } = ticks.results[0]!;
    expect(CombinedProtocolErrors.is(error)).toBe(true);
    expect((error as CombinedProtocolErrors).errors).toEqual([{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
  });

  it.each([
    ['a validation error', 'subscription { nope }', /Cannot query field "nope"/],
    ['an error in subscribe', 'subscription { refused }', /not allowed/],
  ])('surfaces %s before the stream as a GraphQL error', async (_label, query, message) => {
    const refused = record(apollo().subscribe({ query: gql(query) }));
    await refused.completed;
    expect(refused.results).toHaveLength(1);
    expect(CombinedGraphQLErrors.is(refused.results[0]!.error)).toBe(true);
    expect((refused.results[0]!.error as CombinedGraphQLErrors).errors[0]!.message).toMatch(message);
  });

  it('releases the server\'s source when the client unsubscribes', async () => {
    const ticks = record(apollo().subscribe({ query: TICKS }));
    const feed = await nextFeed();
    feed.push(1);
    await ticks.received(1);
    ticks.unsubscribe();
    // The fetch is aborted, the response stream cancelled, the iterator's return() called: the
    // Repeater's `finally` runs. Without it this waits until the test times out.
    await feed.released;
  });
});

describe('options', () => {
  it.each([0, -1, 15_001, Number.NaN])('refuses heartbeatMs %s', (heartbeatMs) => {
    expect(() => useMultipartSubscriptions({ heartbeatMs })).toThrow(/heartbeatMs must be .* \(got /);
  });
});
