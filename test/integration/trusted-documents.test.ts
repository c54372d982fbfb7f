// Trusted documents (PERSISTED_DOCUMENTS): a manifest of the operations the clients ship, each run by
// its id. With PERSISTED_DOCUMENTS_ONLY nothing else runs: any other document is refused with
// PERSISTED_QUERY_NOT_IN_LIST before it is lexed or parsed, and before any upstream call. Everything
// goes over real HTTP (and a WebSocket) to gateways built by the composition root, each reading its
// manifest file as `npm start` does.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, type PersistedDocumentsConfig } from '../../src/config.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { apiCalls, startGateway, startStack, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const WALLBOX = WALLBOX_IDS.full;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const STATUS = `query Status { wallbox(userId: "${ANNA}", id: "${WALLBOX}") { id } }`;
const LIVE = `subscription Live { wallbox(userId: "${ANNA}", id: "${WALLBOX}") { id isPluggedIn } }`;
const UNLISTED = `query Other { wallbox(userId: "${ANNA}", id: "${WALLBOX}") { id isCharging } }`;
const WALLBOX_DATA = { data: { wallbox: { id: WALLBOX } } };

const dir = await mkdtemp(join(tmpdir(), 'trusted-documents-'));
/** A manifest as @apollo/generate-persisted-query-manifest writes it: ids are the SHA-256 of the body. */
const apolloManifest = join(dir, 'persisted-query-manifest.json');
await writeFile(
  apolloManifest,
  JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [
      { id: sha256(STATUS), name: 'Status', type: 'query', body: STATUS },
      { id: sha256(LIVE), name: 'Live', type: 'subscription', body: LIVE },
    ],
  }),
);
const only = (more: Partial<PersistedDocumentsConfig> = {}): PersistedDocumentsConfig => ({ file: apolloManifest, only: true, staffExempt: false, ...more });

// Polls only when a test asks: a subscription's first read is the one upstream call it makes.
const { sim, gateway: open, another, close } = await startStack({ persistedDocuments: { file: apolloManifest, only: false, staffExempt: false }, live: { intervalMs: 3_600_000 } });
const allowList = await another({ persistedDocuments: only(), live: { intervalMs: 3_600_000 } });
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => sim.resetCounts());

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] };
}

async function post(on: RunningGateway, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(on.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function get(on: RunningGateway, params: Record<string, unknown>): Promise<Answer> {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const response = await fetch(`${on.url}?${search}`, { headers: { accept: 'application/graphql-response+json' } });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const byId = (document: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(document) } } });
const codes = (answer: Answer) => answer.body.errors?.map((e) => e.extensions['code']);

/** A refusal under the allow-list: 400, the code, no data, and not one upstream call. */
function expectNotInList(answer: Answer): void {
  expect(answer.status).toBe(400);
  expect(codes(answer)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  expect(answer.body.data).toBeUndefined();
  expect(apiCalls(sim)).toBe(0);
}

/** A subscription over GraphQL over SSE (POST, or GET with the params in the URL): its first event, then it leaves. */
async function firstSseEvent(on: RunningGateway, params: Record<string, unknown>, method: 'GET' | 'POST'): Promise<{ status: number; event: unknown }> {
  const abort = new AbortController();
  const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)]));
  const response = await fetch(method === 'GET' ? `${on.url}?${search}` : on.url, {
    method,
    headers: { accept: 'text/event-stream', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: JSON.stringify(params) } : {}),
    signal: abort.signal,
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return { status: response.status, event: await response.json() };
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true });
    const message = /event: next\ndata: (.*)\n\n/.exec(buffer);
    if (message) {
      abort.abort();
      return { status: response.status, event: JSON.parse(message[1]!) };
    }
  }
  throw new Error(`the stream ended without an event: ${buffer}`);
}

describe('a listed operation runs by its id, as Apollo Client\'s PersistedQueryLink sends it', () => {
  it('over POST and GET, with no query, on a gateway that also takes other documents', async () => {
    expect(await post(open, { operationName: 'Status', ...byId(STATUS) })).toEqual({ status: 200, body: WALLBOX_DATA });
    expect(await get(open, byId(STATUS))).toEqual({ status: 200, body: WALLBOX_DATA });
    // Without PERSISTED_DOCUMENTS_ONLY, other documents run, and APQ works for them as before.
    expect((await post(open, { query: UNLISTED })).body.data).toEqual({ wallbox: { id: WALLBOX, isCharging: true } });
    expect(codes(await post(open, byId(UNLISTED)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('under the allow-list too, and by `documentId` (GraphQL over HTTP\'s persisted operations) in a body or a GET', async () => {
    expect(await post(allowList, byId(STATUS))).toEqual({ status: 200, body: WALLBOX_DATA });
    expect(await get(allowList, byId(STATUS))).toEqual({ status: 200, body: WALLBOX_DATA });
    expect(await post(allowList, { documentId: sha256(STATUS) })).toEqual({ status: 200, body: WALLBOX_DATA });
    expect(await get(allowList, { documentId: sha256(STATUS) })).toEqual({ status: 200, body: WALLBOX_DATA });
    // A listed document sent in full, with its id or alone, is the same document.
    expect(await post(allowList, { query: STATUS, ...byId(STATUS) })).toEqual({ status: 200, body: WALLBOX_DATA });
    expect(await post(allowList, { query: STATUS })).toEqual({ status: 200, body: WALLBOX_DATA });
  });

  it('refuses a listed id sent with another document, as APQ refuses a hash that is not the query\'s', async () => {
    const refused = await post(allowList, { query: UNLISTED, ...byId(STATUS) });
    expect(refused.status).toBe(400);
    expect(codes(refused)).toEqual(['PERSISTED_QUERY_MISMATCH']);
    expect(apiCalls(sim)).toBe(0);
  });

  it('runs a listed subscription by id over SSE, POST and GET', async () => {
    for (const method of ['POST', 'GET'] as const) {
      const { status, event } = await firstSseEvent(allowList, byId(LIVE), method);
      expect({ method, status, event }).toEqual({ method, status: 200, event: { data: { wallbox: { id: WALLBOX, isPluggedIn: true } } } });
    }
  });

  it('runs a listed subscription by id over graphql-ws, and refuses an unlisted one there', async () => {
    const client = createClient({ url: allowList.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      // graphql-ws needs a string query; the gateway reads an empty one as none.
      const listed = await firstWsResult(client, { query: '', ...byId(LIVE) });
      expect(listed).toEqual({ next: { data: { wallbox: { id: WALLBOX, isPluggedIn: true } } } });
      const unlisted = await firstWsResult(client, { query: LIVE.replace('isPluggedIn', 'isCharging') });
      expect(unlisted).toEqual({ error: [expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } })] });
    } finally {
      await client.dispose();
    }
  });
});

function firstWsResult(client: ReturnType<typeof createClient>, payload: { query: string; extensions?: Record<string, unknown> }): Promise<{ next?: unknown; error?: unknown }> {
  return new Promise((resolve) => {
    const stop = client.subscribe(payload, {
      next: (result) => {
        resolve({ next: result });
        setTimeout(stop);
      },
      error: (error) => resolve({ error }),
      complete: () => undefined,
    });
  });
}

describe('PERSISTED_DOCUMENTS_ONLY: any other document is refused before it is parsed', () => {
  it('refuses an unlisted document with 400 and the code, over POST and GET, and calls nothing upstream', async () => {
    expectNotInList(await post(allowList, { query: UNLISTED }));
    expectNotInList(await get(allowList, { query: UNLISTED }));
  });

  it('before parsing: a document that does not parse, or is over MAX_TOKENS, gets the same answer', async () => {
    // Refused by the lexer or the parser otherwise (MAX_TOKENS_LIMIT, GRAPHQL_PARSE_FAILED): neither runs.
    const tooLong = `{ ${'__typename '.repeat(5000)}}`;
    expect(codes(await post(open, { query: '{ wallbox(' }))).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(codes(await post(open, { query: tooLong }))).toEqual(['MAX_TOKENS_LIMIT']);
    expectNotInList(await post(allowList, { query: '{ wallbox(' }));
    expectNotInList(await post(allowList, { query: tooLong }));
  });

  it('refuses an unknown id without PERSISTED_QUERY_NOT_FOUND, so Apollo\'s link does not resend the query', async () => {
    expectNotInList(await post(allowList, byId(UNLISTED)));
    expectNotInList(await post(allowList, { documentId: sha256(UNLISTED) }));
  });

  it('refuses to register a new document over APQ: the hash alone stays unknown after', async () => {
    expectNotInList(await post(allowList, { query: UNLISTED, ...byId(UNLISTED) }));
    expectNotInList(await post(allowList, byId(UNLISTED)));
  });

  it('refuses an unlisted subscription over SSE before it starts a stream', async () => {
    const { status, event } = await firstSseEvent(allowList, { query: LIVE.replace('isPluggedIn', 'isCharging') }, 'POST');
    expect(status).toBe(400);
    expect(event).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } })] });
    expect(apiCalls(sim)).toBe(0);
  });
});

describe('PERSISTED_DOCUMENTS_STAFF_EXEMPT, with caller authentication', () => {
  let idp: IdentityProvider;
  let exempt: RunningGateway;
  let strict: RunningGateway;
  const staff = () => idp.token({ claims: { sub: 'agent-7', podero_role: 'staff' } });
  const anna = () => idp.token({ claims: { podero_user_id: ANNA } });
  const bearer = async (token: Promise<string>) => ({ authorization: `Bearer ${await token}` });

  it('lets a staff token send any document; an end user\'s runs listed ids only; no token is 401 first', async () => {
    idp = await IdentityProvider.start();
    exempt = await another({ callerAuth: idp.auth(), persistedDocuments: only({ staffExempt: true }) });
    strict = await another({ callerAuth: idp.auth(), persistedDocuments: only() });

    expect((await post(exempt, { query: UNLISTED }, await bearer(staff()))).body.data).toEqual({ wallbox: { id: WALLBOX, isCharging: true } });
    // Staff keep APQ: a new document is registered, then runs by its hash.
    expect((await post(exempt, { query: UNLISTED, ...byId(UNLISTED) }, await bearer(staff()))).status).toBe(200);
    expect((await post(exempt, byId(UNLISTED), await bearer(staff()))).body.data).toEqual({ wallbox: { id: WALLBOX, isCharging: true } });

    sim.resetCounts();
    expectNotInList(await post(exempt, { query: UNLISTED }, await bearer(anna())));
    expectNotInList(await post(exempt, byId(UNLISTED), await bearer(anna())));
    expect(await post(exempt, byId(STATUS), await bearer(anna()))).toEqual({ status: 200, body: WALLBOX_DATA });
    // Without the exemption, staff are held to the list like everyone else.
    sim.resetCounts();
    expectNotInList(await post(strict, { query: UNLISTED }, await bearer(staff())));

    // Authentication comes first: no token is a 401, whatever the document.
    const anonymous = await post(exempt, { query: UNLISTED });
    expect(anonymous.status).toBe(401);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    // An unauthenticated caller learns nothing about the APQ store from a hash (no PERSISTED_QUERY_NOT_FOUND).
    const probe = await post(exempt, byId(UNLISTED));
    expect(probe.body.data).toBeUndefined();
    expect(codes(probe)).not.toContain('PERSISTED_QUERY_NOT_FOUND');
    expect(apiCalls(sim)).toBe(0);
    // AUTH_PUBLIC_SERVICE_SDL (on by default) keeps `_service { sdl }` open to composition tools, allow-list or not.
    const sdl = await post(strict, { query: '{ _service { sdl } }' });
    expect(sdl.status).toBe(200);
    expect(sdl.body.data._service.sdl).toContain('type Wallbox');
    expectNotInList(await post(strict, { query: '{ _service { sdl } }' }, await bearer(anna())));
    await idp.close();
  });
});

describe('the manifest', () => {
  it("accepts Hive's and Relay's id → document map", async () => {
    const map = join(dir, 'persisted-documents.json');
    await writeFile(map, JSON.stringify({ 'status-v1': STATUS }));
    const hive = await another({ persistedDocuments: { file: map, only: true, staffExempt: false } });
    expect(await post(hive, { documentId: 'status-v1' })).toEqual({ status: 200, body: WALLBOX_DATA });
    expect(await post(hive, { extensions: { persistedQuery: { version: 1, sha256Hash: 'status-v1' } } })).toEqual({ status: 200, body: WALLBOX_DATA });
    sim.resetCounts();
    expectNotInList(await post(hive, { query: UNLISTED }));
  });

  it('stops start-up when it is missing or not a manifest, naming PERSISTED_DOCUMENTS', async () => {
    const write = async (name: string, text: string) => {
      await writeFile(join(dir, name), text);
      return join(dir, name);
    };
    const cases: [string, string, RegExp][] = [
      ['missing', join(dir, 'nowhere.json'), /PERSISTED_DOCUMENTS: .*nowhere\.json cannot be read \(ENOENT\)/],
      ['not JSON', await write('broken.json', '{ "format": '), /PERSISTED_DOCUMENTS: .*broken\.json is not JSON/],
      ['another format', await write('other.json', JSON.stringify({ format: 'something-else', version: 1, operations: [] })), /PERSISTED_DOCUMENTS: expected Apollo's persisted query manifest.*format/],
      ['a body missing', await write('nobody.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a' }] })), /operations\.0\.body/],
      ['empty', await write('empty.json', '{}'), /at least one document/],
      ['a value not a document', await write('numbers.json', JSON.stringify({ a: 1 })), /PERSISTED_DOCUMENTS: .*numbers\.json, a: /],
      ['one id, two documents', await write('twice.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a', body: STATUS }, { id: 'a', body: LIVE }] })), /lists id a for two different documents/],
    ];
    for (const [what, file, message] of cases) {
      const started = startGateway(sim, { persistedDocuments: { file, only: true, staffExempt: false } });
      await expect(started, what).rejects.toThrow(ConfigError);
      await expect(started, what).rejects.toThrow(message);
    }
  });
});
