// Hostile input, one test per attack: each is a fast, coded 4xx rejection made before any upstream
// call, never a 500, an INTERNAL_SERVER_ERROR, a stall or an error-level log line; and the defaults
// still let through what real clients send (GraphiQL's introspection, a router's entity batches).
import { getIntrospectionQuery } from 'graphql';
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { multiplying } from '../../bench/hostile-cases.js';
import { apiCalls, startStack, type GraphQLResponse, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const UNKNOWN = '0badc0de-0000-4000-8000-000000000000';

const { sim, gateway, another: gatewayWith, close } = await startStack();
afterEach(() => sim.resetCounts());
afterAll(close);

/** A raw POST: the body as given, even when it is not what `graphql()` would build. */
async function post(body: string, on: RunningGateway = gateway): Promise<GraphQLResponse> {
  const response = await fetch(on.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLResponse['body'], text };
}

/** Refused as a whole, before execution: the status, no data, every error with `code`, no upstream call. */
function expectRefused(response: GraphQLResponse, code: string, status = 400): void {
  expect(response.status, response.text.slice(0, 300)).toBe(status);
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors?.length).toBeGreaterThan(0);
  for (const error of response.body.errors!) expect(error.extensions.code, error.message).toBe(code);
  expect(apiCalls(sim)).toBe(0);
}

const aliases = (n: number, field: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;
const wallbox = (id = WALLBOX_IDS.full) => `wallbox(userId: "${ANNA}", id: "${id}") { id }`;
const nested = (depth: number, open: string, close: string, inner: string) => open.repeat(depth) + inner + close.repeat(depth);

describe('limits before execution', () => {
  it('refuses 200 aliases (MAX_ALIASES_LIMIT), and lets 50 through', async () => {
    expectRefused(await gateway.graphql(aliases(200, () => wallbox())), 'MAX_ALIASES_LIMIT');
    const fifty = await gateway.graphql(aliases(50, () => wallbox()));
    expect(fifty.body.errors).toBeUndefined();
    expect(Object.keys(fifty.body.data)).toHaveLength(50);
  });

  it('refuses a document over the token limit while lexing it: it is never parsed (MAX_TOKENS_LIMIT)', async () => {
    expectRefused(await gateway.graphql(`{ ${'__typename '.repeat(9_998)}}`), 'MAX_TOKENS_LIMIT');
    // ~1M tokens in a default value: refused at the first 3,001, with no validation error about it.
    const huge = await post(JSON.stringify({ query: `query T($x: [[Int]] = [${'[]'.repeat(100_000)}]) { __typename }` }));
    expectRefused(huge, 'MAX_TOKENS_LIMIT');
    expect(huge.body.errors![0]!.message).toBe('The document has more than 3000 tokens');
  });

  it('refuses too many directives (MAX_DIRECTIVES_LIMIT)', async () => {
    expectRefused(await gateway.graphql(`{ __typename ${'@skip(if: false) '.repeat(100)}}`), 'MAX_DIRECTIVES_LIMIT');
    expectRefused(await gateway.graphql(`{ __typename ${'@skip(if: false) '.repeat(1000)}}`), 'MAX_TOKENS_LIMIT');
  });

  it('refuses depth 60, also through introspection (MAX_DEPTH_LIMIT), with fragments counted as the fields they hold', async () => {
    expectRefused(await gateway.graphql(`{ __type(name: "Query") { ${nested(29, 'fields { type { ', '} } ', 'name')}} }`), 'MAX_DEPTH_LIMIT');
    // 20 levels, spread over fragments: still 20.
    const fragments = Array.from({ length: 10 }, (_, i) => `fragment F${i} on __Type { fields { type { ${i === 9 ? 'name' : `...F${i + 1}`} } } }`).join('\n');
    expectRefused(await gateway.graphql(`{ __type(name: "Query") { ...F0 } }\n${fragments}`), 'MAX_DEPTH_LIMIT');
  });

  it('counts entity representations before resolving any (MAX_ENTITIES_LIMIT), in variables and literals', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Owner { id } } }';
    const owners = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Owner', id: ANNA }));
    expectRefused(await gateway.graphql(query, { r: owners(1001) }), 'MAX_ENTITIES_LIMIT');
    const literal = `{ _entities(representations: [${Array.from({ length: 120 }, () => `{ __typename: "Owner", id: "${ANNA}" }`).join(', ')}]) { __typename } }`;
    const small = await gatewayWith({ limits: { entities: 100 } });
    expectRefused(await small.graphql(literal), 'MAX_ENTITIES_LIMIT');
    // A normal router batch: 500 representations of 6 users, one upstream list call.
    const batch = await gateway.graphql(query, { r: Object.values(USER_IDS).flatMap((id) => Array.from({ length: 84 }, () => ({ __typename: 'Owner', id }))).slice(0, 500) });
    expect(batch.body.errors).toBeUndefined();
    expect(batch.body.data._entities).toHaveLength(500);
  });

  it('lets GraphiQL\'s introspection query through with the defaults', async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    const { status, body } = await gateway.graphql(query);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe('Query');
  });

  it('refuses fragments that multiply past MAX_COST (MAX_COST_LIMIT), on every use, and runs one within it', async () => {
    const attack = multiplying(3);
    for (let use = 0; use < 2; use++) {
      const refused = await gateway.graphql(attack);
      expectRefused(refused, 'MAX_COST_LIMIT');
      expect(refused.body.errors![0]!.message).toBe('Operation Q costs 803680; at most 100000 is allowed (a field costs 1, and 10 times that inside a list)');
    }
    // Within the limit (79,680), it runs.
    const within = await gateway.graphql(multiplying(2));
    expect(within.body.errors).toBeUndefined();
    expect(within.body.data.a39.devices.length).toBeGreaterThan(0);
    const strict = await gatewayWith({ limits: { cost: 50 } });
    sim.resetCounts();
    expectRefused(await strict.graphql(`{ me: user(id: "${ANNA}") { devices { id connectionStatus createdAt deviceModel { manufacturer } } } }`), 'MAX_COST_LIMIT');
  });

  it('takes every limit from configuration', async () => {
    const strict = await gatewayWith({ limits: { tokens: 40, depth: 2, aliases: 1, directives: 1, entities: 1 } });
    expectRefused(await strict.graphql(`{ ${'__typename '.repeat(40)}}`), 'MAX_TOKENS_LIMIT');
    expectRefused(await strict.graphql(`{ wallbox(userId: "${ANNA}", id: "${UNKNOWN}") { owner { id } } }`), 'MAX_DEPTH_LIMIT');
    expectRefused(await strict.graphql(`{ a: wallbox(userId: "${ANNA}", id: "${UNKNOWN}") { id } b: wallbox(userId: "${ANNA}", id: "${UNKNOWN}") { id } }`), 'MAX_ALIASES_LIMIT');
    expectRefused(await strict.graphql('{ __typename @skip(if: false) @include(if: true) }'), 'MAX_DIRECTIVES_LIMIT');
  });
});

describe('edge inputs: a 4xx with a specific code, never a 500', () => {
  it('refuses selections nested 10,000 deep before the parser recurses into them', async () => {
    const response = await gateway.graphql(nested(10_000, '{ a ', '}', '{ b }'));
    expectRefused(response, 'MAX_DEPTH_LIMIT');
    expect(response.body.errors![0]!.message).toBe('The document nests brackets more than 62 levels deep');
  });

  it('refuses a list literal nested 10,000 deep', async () => {
    expectRefused(await gateway.graphql(`query L($x: [Int] = ${nested(10_000, '[', ']', '1')}) { __typename }`), 'MAX_DEPTH_LIMIT');
  });

  it('refuses a 5,000-fragment chain, and runs a long one within the limits', async () => {
    const chain = (n: number) =>
      ['query Chain { ...F0 }', ...Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ${i === n - 1 ? '__typename' : `...F${i + 1}`} }`)].join('\n');
    expectRefused(await gateway.graphql(chain(5000)), 'MAX_TOKENS_LIMIT');
    const long = await gateway.graphql(chain(360)); // 2,885 tokens
    expect(long.status).toBe(200);
    expect(long.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses variables nested deeper than 32 levels before anything walks them', async () => {
    const deep = `${'{"a":'.repeat(20_000)}{}${'}'.repeat(20_000)}`;
    const query = `mutation ($l: JSONObject) { startAction(input: { resolutionUrl: "https://app.podero.com/api/partners/v2.0/cues/${UNKNOWN}/resolve?secret=s", successUrl: "https://a.example/ok", cancelUrl: "https://a.example/no", location: $l }) { redirectUrl } }`;
    expectRefused(await post(`{"query":${JSON.stringify(query)},"variables":{"l":${deep}}}`), 'BAD_USER_INPUT');
    expectRefused(await post(`{"query":"{ __typename }","extensions":${deep}}`), 'BAD_USER_INPUT');
  });

  it('refuses an entity of an unknown type, or a representation that is not an object, as BAD_USER_INPUT', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
    const unknown = await gateway.graphql(query, { r: [{ __typename: 'Wallbox', id: WALLBOX_IDS.full, owner: { id: ANNA } }, { __typename: 'Nope', id: UNKNOWN }] });
    expectRefused(unknown, 'BAD_USER_INPUT');
    expect(unknown.body.errors![0]!.message).toBe('Representation 1 has "Nope"; this subgraph resolves ElectricVehicle, HeatPump, Inverter, Owner, Wallbox');
    expectRefused(await gateway.graphql(query, { r: [42] }), 'BAD_USER_INPUT');
    expectRefused(await gateway.graphql('{ _entities(representations: [{ id: "x" }]) { __typename } }'), 'BAD_USER_INPUT');
  });

  it('refuses a subscription that is not one field, and one asked for as a single JSON answer', async () => {
    // The spec's single root field rule: a subscription selects one field, never an introspection one.
    // (HTTP 200: an application/json answer, as GraphQL over HTTP's legacy rule says.)
    expectRefused(await gateway.graphql('subscription { __typename }'), 'GRAPHQL_VALIDATION_FAILED', 200);
    const json = await gateway.graphql(`subscription { wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } }`);
    expect(json.status).toBe(406);
    expect(json.body.errors![0]!.extensions.code).toBe('BAD_REQUEST');
    expect(json.body.errors![0]!.message).toMatch(/text\/event-stream/);
  });

  it('refuses a GET whose variables or extensions are not JSON', async () => {
    for (const parameter of ['variables=notjson', 'extensions={', 'variables=%7B%22a%22']) {
      const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}&${parameter}`, { headers: { accept: 'application/json' } });
      const text = await response.text();
      expectRefused({ status: response.status, body: JSON.parse(text) as GraphQLResponse['body'], text }, 'BAD_REQUEST');
    }
  });

  it('answers an operation name the document does not hold with OPERATION_RESOLUTION_FAILURE', async () => {
    const response = await post(JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }));
    expectRefused(response, 'OPERATION_RESOLUTION_FAILURE');
  });

  it('refuses a body over MAX_REQUEST_BYTES with 413 before reading the rest', async () => {
    expectRefused(await post(JSON.stringify({ query: `# ${'x'.repeat(300_000)}\n{ __typename }` })), 'REQUEST_ENTITY_TOO_LARGE', 413);
  });

  it('counts a chunked body (no Content-Length) as it arrives: 413 past the limit, answered below it', async () => {
    const chunked = async (text: string, chunkBytes = 16_384): Promise<GraphQLResponse> => {
      const bytes = new TextEncoder().encode(text);
      let offset = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(offset, (offset += chunkBytes)));
        },
      });
      const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body, duplex: 'half' } as RequestInit);
      const answer = await response.text();
      return { status: response.status, body: JSON.parse(answer) as GraphQLResponse['body'], text: answer };
    };
    expectRefused(await chunked(JSON.stringify({ query: `# ${'x'.repeat(300_000)}\n{ __typename }` })), 'REQUEST_ENTITY_TOO_LARGE', 413);
    const small = await chunked(JSON.stringify({ query: `# ${'x'.repeat(100_000)}\n{ __typename }` }));
    expect(small.status).toBe(200);
    expect(small.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a Content-Length that is not one number', async () => {
    const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(gateway.url);
      const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '+5' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      request.on('error', reject);
      request.end('{"query":"{__typename}"}');
    });
    expect(response.status).toBe(400);
  });
});

describe('what responses carry', () => {
  it('never echoes a large input: a 100 KB bad UUID comes back as a short message', async () => {
    const response = await gateway.graphql(`query ($id: UUID!) { ${wallbox().replace(`"${WALLBOX_IDS.full}"`, '$id')} }`, { id: 'x'.repeat(100_000) });
    expectRefused(response, 'BAD_USER_INPUT');
    expect(response.text.length).toBeLessThan(1000);
    expect(response.body.errors![0]!.message).toBe(`Variable "$id" got invalid value "${'x'.repeat(64)}…" (100000 characters); Value is not a valid UUID`);
  });

  it('gives no "Did you mean" hints unless NODE_ENV=development', async () => {
    const production = await gateway.graphql('{ walbox { id } }');
    expect(production.body.errors![0]!.message).toBe('Cannot query field "walbox" on type "Query".');
    const development = await gatewayWith({ development: true });
    expect((await development.graphql('{ walbox { id } }')).body.errors![0]!.message).toBe('Cannot query field "walbox" on type "Query". Did you mean "wallbox"?');
  });

  it('caps the errors of one response, and says how many more there were', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Owner { id } } }';
    const { status, body } = await gateway.graphql(query, { r: Array.from({ length: 150 }, (_, i) => ({ __typename: 'Owner', id: `u${i}` })) });
    expect(status).toBe(200);
    expect(body.data._entities).toHaveLength(150);
    expect(body.errors).toHaveLength(101);
    expect(body.errors!.slice(0, 100).every((e) => e.extensions.code === 'BAD_USER_INPUT')).toBe(true);
    expect(body.errors![100]).toEqual({ message: '50 more errors were left out of this response', extensions: { code: 'TOO_MANY_ERRORS', count: 50 } });
    const few = await gatewayWith({ limits: { errors: 3 } });
    expect((await few.graphql(aliases(5, () => wallbox(UNKNOWN)))).body.errors!.map((e): unknown => e.extensions.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'TOO_MANY_ERRORS']);
  });
});

describe('logs', () => {
  it('logs a burst of bad requests at debug, without stacks, and no error-level line at all', async () => {
    const start = gateway.logs.length;
    const bad = [
      nested(5000, '{ a ', '}', '{ b }'),
      'subscription { __typename }',
      `{ ${'__typename '.repeat(5000)}}`,
      aliases(100, () => wallbox()),
      '{ walbox }',
      '{ wallbox(',
    ];
    for (let i = 0; i < 10; i++) for (const query of bad) expect((await gateway.graphql(query)).status).toBeLessThan(500);
    for (let i = 0; i < 20; i++) await gateway.graphql(aliases(10, () => wallbox(UNKNOWN))); // upstream 404s: answers, not faults
    const lines = gateway.logs.slice(start).map((l) => JSON.parse(l) as { level: number; msg: string; err?: unknown; stack?: unknown });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]); // pino: 40 warn, 50 error
    expect(lines.filter((l) => l.err !== undefined || l.stack !== undefined)).toEqual([]);
    expect(lines.map((l) => JSON.stringify(l)).join('\n').length).toBeLessThan(60_000);
  });
});

describe('switches', () => {
  it('INTROSPECTION=false refuses __schema and __type, and keeps the federation _service and __typename', async () => {
    const closed = await gatewayWith({ introspection: false });
    expectRefused(await closed.graphql('{ __schema { queryType { name } } }'), 'INTROSPECTION_DISABLED');
    expectRefused(await closed.graphql('{ __type(name: "Wallbox") { name } }'), 'INTROSPECTION_DISABLED');
    const service = await closed.graphql('{ __typename _service { sdl } }');
    expect(service.body.errors).toBeUndefined();
    expect(service.body.data._service.sdl).toContain('type Wallbox');
  });
});
