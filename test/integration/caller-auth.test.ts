// Caller authentication with real JWTs: keys generated here, a JWKS served over HTTP by the test
// (test/helpers/identity-provider.ts), every way a token can be wrong refused with the same 401, key
// rotation without a restart, the public `_service { sdl }`, and no upstream call for anyone refused.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { IdentityProvider, unsignedToken } from '../helpers/identity-provider.js';
import { apiCalls, startGateway, startStack, type GraphQLResponse } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const QUERY = `{ wallbox(id: "${WALLBOX_IDS.full}") { id owner { firstName } } }`;

const idp = await IdentityProvider.start();
// A 200 ms refetch cooldown instead of 30 s: rotation can be shown without waiting.
const { sim, gateway, close } = await startStack({ callerAuth: idp.auth(), jwksRefetchCooldownMs: 200 });
afterEach(() => {
  sim.resetCounts();
  idp.failWith = undefined;
});
afterAll(async () => {
  await close();
  await idp.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const annasToken = () => idp.token({ claims: { podero_user_id: ANNA } });

async function get(query: string, headers: Record<string, string> = {}): Promise<GraphQLResponse & { headers: Headers }> {
  const response = await fetch(`${gateway.url}?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json', ...headers } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLResponse['body'], text, headers: response.headers };
}

async function post(query: string, headers: Record<string, string> = {}): Promise<GraphQLResponse & { headers: Headers }> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLResponse['body'], text, headers: response.headers };
}

/** The one answer every failed authentication gets, and no upstream call. */
function expectUnauthenticated(response: GraphQLResponse & { headers: Headers }, tokenSent: boolean): void {
  expect(response.status, response.text).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(tokenSent ? 'Bearer realm="podero-graphql-gateway", error="invalid_token"' : 'Bearer realm="podero-graphql-gateway"');
  expect(response.body).toEqual({ errors: [{ message: 'Authentication required: send a valid bearer token from your identity provider', extensions: { code: 'UNAUTHENTICATED' } }] });
  expect(apiCalls(sim)).toBe(0);
}

describe('a valid token', () => {
  it('is accepted for POST and GET, and the end user reads their own wallbox without naming themselves', async () => {
    for (const send of [post, get]) {
      const { status, body } = await send(QUERY, bearer(await annasToken()));
      expect(status).toBe(200);
      expect(body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full, owner: { firstName: 'Anna' } } } });
    }
  });

  it.each(['PS256', 'ES256', 'EdDSA'] as const)('is accepted when signed with %s', async (alg) => {
    await idp.addKey(`key-${alg}`, alg);
    await new Promise((resolve) => setTimeout(resolve, 250)); // a new key is fetched at most once per cooldown
    const { body } = await post(QUERY, bearer(await idp.token({ kid: `key-${alg}`, claims: { podero_user_id: ANNA } })));
    expect(body.errors).toBeUndefined();
  });

  it('is accepted within 30 s of clock skew (expired 20 s ago, valid from 20 s from now)', async () => {
    expect((await post(QUERY, bearer(await idp.token({ expiresInS: -20, claims: { podero_user_id: ANNA } })))).status).toBe(200);
    expect((await post(QUERY, bearer(await idp.token({ notBeforeS: 20, claims: { podero_user_id: ANNA } })))).status).toBe(200);
  });
});

describe('every way a request can fail to authenticate: 401, the same message, no upstream call', () => {
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['no Authorization header', () => Promise.resolve({})],
    ['an empty bearer', () => Promise.resolve({ authorization: 'Bearer ' })],
    ['Basic credentials', () => Promise.resolve({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['a malformed token', () => Promise.resolve(bearer('not.a.jwt'))],
    ['garbage', () => Promise.resolve(bearer('x'.repeat(10_000)))],
    ['an expired token (beyond the skew)', async () => bearer(await idp.token({ expiresInS: -60, claims: { podero_user_id: ANNA } }))],
    ['a token not yet valid (beyond the skew)', async () => bearer(await idp.token({ notBeforeS: 120, claims: { podero_user_id: ANNA } }))],
    ['a token without exp', async () => bearer(await idp.token({ claims: { exp: undefined, podero_user_id: ANNA } }))],
    ['a token without sub', async () => bearer(await idp.token({ claims: { sub: undefined, podero_user_id: ANNA } }))],
    ['the wrong issuer', async () => bearer(await idp.token({ claims: { iss: 'https://evil.example/', podero_user_id: ANNA } }))],
    ['the wrong audience', async () => bearer(await idp.token({ claims: { aud: 'https://other-api.example', podero_user_id: ANNA } }))],
    ['a key the provider does not publish', async () => {
      await idp.addKey('unpublished', 'RS256', false);
      return bearer(await idp.token({ kid: 'unpublished', claims: { podero_user_id: ANNA } }));
    }],
    ['alg: none', () => Promise.resolve(bearer(unsignedToken({ podero_user_id: ANNA })))],
    ['HMAC (HS256) with a guessable secret', async () => bearer(await idp.hmacToken({ podero_user_id: ANNA }))],
    ['a user claim that is not a UUID', async () => bearer(await idp.token({ claims: { podero_user_id: '../admin' } }))],
    // `sub` keys the caller's budget and log lines: anything but a non-blank string names nobody.
    ...([
      ['empty', ''],
      ['blank', ' \t '],
      ['a number', 42],
      ['zero', 0],
      ['an object', { id: 'auth0|user-1' }],
      ['an array', ['auth0|user-1']],
      ['null', null],
      ['true', true],
      ['over 255 characters', 's'.repeat(256)],
    ] as const).map(([what, sub]): [string, () => Promise<Record<string, string>>] => [
      `a sub that is ${what}`,
      async () => bearer(await idp.token({ claims: { sub, podero_user_id: ANNA } })),
    ]),
    ['an admin token whose sub is an object', async () => bearer(await idp.token({ claims: { sub: {}, podero_role: 'admin' } }))],
    ['a token whose signature was altered', async () => {
      const token = await annasToken();
      return bearer(`${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`);
    }],
  ];

  it.each(cases)('%s', async (_label, headers) => {
    const sent = await headers();
    const tokenSent = 'authorization' in sent;
    expectUnauthenticated(await post(QUERY, sent), tokenSent);
    expectUnauthenticated(await get(QUERY, sent), tokenSent);
  });

  it('refuses introspection and invalid documents alike: nothing about the schema before authentication', async () => {
    expectUnauthenticated(await post('{ __schema { types { name } } }'), false);
    expectUnauthenticated(await post('{ walbox { id } }'), false);
    expectUnauthenticated(await post('{ broken'), false);
  });
});

it('answers an unauthenticated request with 401 before any other check can answer it', async () => {
  // A document over MAX_TOKENS, and an APQ hash with no query: the limits and the persisted-query store
  // must not answer (and so describe themselves) before the caller is known.
  expectUnauthenticated(await post(`{ ${'__typename '.repeat(5000)}}`), false);
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
  });
  const text = await response.text();
  expectUnauthenticated({ status: response.status, body: JSON.parse(text) as GraphQLResponse['body'], text, headers: response.headers }, false);
});

describe('the public subgraph SDL', () => {
  it('answers `_service { sdl }` without a token (composition tools), and nothing more', async () => {
    const named = await post('query SubgraphIntrospectQuery { _service { sdl } }');
    expect(named.status).toBe(200);
    expect(named.body.data._service.sdl).toContain('type Wallbox');
    expect((await post('{ __typename _service { __typename sdl } }')).status).toBe(200);
    expectUnauthenticated(await post('{ _service { sdl } me { id } }'), false);
    expectUnauthenticated(await post('{ _service { sdl } __schema { types { name } } }'), false);
    expectUnauthenticated(await post('query ($x: Boolean!) { _service @include(if: $x) { sdl } }'), false);
  });

  it('can be switched off (AUTH_PUBLIC_SERVICE_SDL=false)', async () => {
    const closed = await startGateway(sim, { callerAuth: idp.auth({ publicServiceSdl: false }) });
    try {
      const response = await fetch(closed.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
      expect(response.status).toBe(401);
    } finally {
      await closed.close();
    }
  });
});

it('still serves the GraphiQL page without a token (put one in its Headers tab to run queries)', async () => {
  const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('renderYogaGraphiQL');
});

describe('keys', () => {
  it('follows a key rotation without a restart, fetching the key set again once for an unknown key', async () => {
    await post(QUERY, bearer(await annasToken())); // the current key set is loaded
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the (test's) refetch cooldown
    const before = idp.fetches;
    await idp.addKey('key-2', 'ES256');
    idp.retire('key-1');
    const rotated = await idp.token({ kid: 'key-2', claims: { podero_user_id: ANNA } });
    const results = await Promise.all(Array.from({ length: 10 }, () => post(QUERY, bearer(rotated))));
    for (const { status } of results) expect(status).toBe(200);
    expect(idp.fetches - before).toBe(1);
    idp.publish('key-1');
  });

  it('rate-limits refetches: a burst of tokens with unknown keys fetches the key set at most once per cooldown', async () => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const before = idp.fetches;
    for (let i = 0; i < 5; i++) await idp.addKey(`ghost-${i}`, 'RS256', false);
    const forged = await Promise.all(Array.from({ length: 5 }, (_, i) => idp.token({ kid: `ghost-${i}`, claims: { podero_user_id: ANNA } })));
    const results = await Promise.all(forged.flatMap((token) => [post(QUERY, bearer(token)), post(QUERY, bearer(token))]));
    for (const result of results) expect(result.status).toBe(401);
    expect(idp.fetches - before).toBe(1);
  });

  it('answers 503 (not 401) when the key set cannot be fetched and none was fetched before', async () => {
    idp.failWith = 500;
    const fresh = await startGateway(sim, { callerAuth: idp.auth() });
    try {
      const response = await fetch(fresh.url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(await annasToken()) }, body: JSON.stringify({ query: QUERY }) });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(((await response.json()) as GraphQLResponse['body']).errors![0]!.extensions.code).toBe('AUTHENTICATION_UNAVAILABLE');
      expect(apiCalls(sim)).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('keeps verifying with the keys it has while the provider is down', async () => {
    await post(QUERY, bearer(await annasToken()));
    idp.failWith = 503;
    await new Promise((resolve) => setTimeout(resolve, 250));
    // An unknown key makes it try the provider, which fails: the token is still refused, a known key still works.
    await idp.addKey('during-outage', 'RS256');
    expect((await post(QUERY, bearer(await idp.token({ kid: 'during-outage', claims: { podero_user_id: ANNA } })))).status).toBe(401);
    expect((await post(QUERY, bearer(await annasToken()))).status).toBe(200);
  });
});

it('never sends the caller\'s JWT upstream, and never logs it; log lines name the caller by subject and role', async () => {
  const token = await annasToken();
  const logged = gateway.logs.length;
  await post(QUERY, bearer(token));
  for (const request of sim.received()) expect(request.authorization).not.toContain(token);
  const lines = gateway.logs.slice(logged);
  expect(lines.join('\n')).not.toContain(token.split('.')[2]);
  const upstream = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'upstream call');
  expect(upstream.length).toBeGreaterThan(0);
  for (const line of upstream) expect(line).toMatchObject({ sub: 'auth0|user-1', role: 'user' });
});
