// What the shipped build loads only when it is configured — the OpenTelemetry SDK, ioredis, jose,
// graphql-jit, GraphiQL's page — loads and works in dist/main.js, the way `npm start` runs it. The
// integration tests run the sources; a bundle can break a module the sources load fine (it once broke
// the OTel SDK's named exports).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { AUDIENCE, ISSUER, IdentityProvider } from '../helpers/identity-provider.js';
import { startMain, waitForOutput } from '../helpers/main-process.js';
import { startRedis, type RunningRedis } from '../helpers/redis.js';
import { startTestSimulator } from '../helpers/stack.js';

const READ = `query Read { wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id owner { firstName } } }`;

let sim: Simulator;
let idp: IdentityProvider;
let redis: RunningRedis;
let receiver: Server;
const exports: string[] = [];
let child: ReturnType<typeof startMain> | undefined;
let origin: string;

beforeAll(async () => {
  sim = await startTestSimulator({ staticTokens: ['e2e-static-token'] });
  idp = await IdentityProvider.start();
  redis = await startRedis();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      exports.push(`${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  child = startMain({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    PODERO_API_URL: sim.apiUrl.href,
    PODERO_ACCESS_TOKEN: 'e2e-static-token',
    PODERO_ORG_ID: sim.seed.orgId,
    AUTH_JWKS_URL: idp.jwksUrl.href,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    REDIS_URL: redis.url.href,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const [, endpoint] = (await waitForOutput(child, /"endpoint":"(http:\/\/127\.0\.0\.1:\d+\/graphql)","mode":"partner-api","callerAuth"/)) as unknown as [string, string];
  origin = new URL(endpoint).origin;
}, 60_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await Promise.all([sim?.close(), idp?.close(), redis?.stop(), new Promise((resolve) => receiver?.close(resolve))]);
});

const post = async (query: string, token: string, extensions?: unknown) =>
  fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, ...(extensions ? { extensions } : {}) }),
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } }));

it('verifies callers with jose, traces, shares state through Redis and compiles queries', { timeout: 30_000 }, async () => {
  const token = await idp.token({ claims: { podero_role: 'staff' } });
  // jose: a signed token gets through, a missing one does not.
  expect((await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: READ }) })).status).toBe(401);
  // graphql-jit: the same query thrice, the later answers compiled, all the same.
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await post(READ, token));
  for (const answer of answers) expect(answer).toEqual({ status: 200, body: { data: { wallbox: { id: WALLBOX_IDS.full, owner: { firstName: 'Anna' } } } } });

  // ioredis: a persisted query registered here lives in Redis.
  const { createHash } = await import('node:crypto');
  const sha256Hash = createHash('sha256').update(READ).digest('hex');
  const persisted = { persistedQuery: { version: 1, sha256Hash } };
  expect((await post(READ, token, persisted)).status).toBe(200);
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url.href);
  try {
    const keys = await client.keys('*');
    expect(keys.some((key) => key.includes(sha256Hash))).toBe(true);
  } finally {
    client.disconnect();
  }

  // The OTel SDK: spans reach the OTLP receiver.
  for (let i = 0; i < 50 && !exports.some((e) => e.startsWith('/v1/traces')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(exports.some((e) => e.startsWith('/v1/traces') && e.includes('query Read'))).toBe(true);
});

it("serves GraphiQL's page and its files from the build", async () => {
  const page = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  const html = await page.text();
  const script = /<script src="([^"]+)"/.exec(html)?.[1];
  expect(script).toMatch(/^\/graphql\/graphiql\/graphiql\.[\w-]+\.js$/);
  const file = await fetch(`${origin}${script}`);
  expect(file.status).toBe(200);
  expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
});
