// Subscriptions through a real federation router. Hive Gateway (its CLI, as a deployment runs it, from
// test/federation/hive-gateway/, which test/setup/hive-gateway.ts installs) serves the supergraph of this
// gateway and the CRM subgraph of test/federation/crm-subgraph.ts, composed by @apollo/composition. A
// client subscribes at the router to a wallbox with fields of both subgraphs: the router subscribes to
// this gateway over graphql-ws (gateway.config.ts there) and adds the CRM's fields to every event.
// (@apollo/gateway, which test/e2e/federation.test.ts uses, does not serve subscriptions.)
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { CRM_TYPE_DEFS, startCrmSubgraph } from '../federation/crm-subgraph.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { freePort } from '../helpers/ports.js';
import { eventually, type Result } from '../helpers/sse.js';
import { startStack, type RunningGateway } from '../helpers/stack.js';
import { HIVE_GATEWAY_DIR } from '../setup/hive-gateway.js';

const ANNA = USER_IDS.anna!;
const WALLBOX = WALLBOX_IDS.full;
/** The subgraph's name in the supergraph: gateway.config.ts configures its transport by it. */
const SUBGRAPH = 'podero';
const LIVE = `subscription Live {
  wallbox(userId: "${ANNA}", id: "${WALLBOX}") { id comment isPluggedIn installer owner { id customerNumber } }
}`;
const ROUTER_START_MS = 30_000;

// Polls every 200 ms: a change made upstream (not through the gateway) reaches the router within the test.
const idp = await IdentityProvider.start();
const { sim, gateway, close } = await startStack({ callerAuth: idp.auth(), live: { intervalMs: 200 } });
const crm = await startCrmSubgraph({
  customers: [{ id: ANNA, customerNumber: 'K-1000', tariff: null }],
  tickets: [],
  installers: { [WALLBOX]: 'Elektro Huber GmbH' },
});
const token = await idp.token({ claims: { sub: 'anna@example.at', podero_user_id: ANNA } });

let workDir: string;
let router: ChildProcessWithoutNullStreams | undefined;
const routerOutput: string[] = [];
let routerUrl: string;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  // The subgraph SDL as the running gateway serves it (public: AUTH_PUBLIC_SERVICE_SDL).
  const { body } = await gateway.graphql('{ _service { sdl } }');
  const composition = composeServices([
    { name: SUBGRAPH, typeDefs: parse(body.data._service.sdl as string), url: gateway.url },
    { name: 'crm', typeDefs: CRM_TYPE_DEFS, url: crm.url },
  ]);
  if (composition.errors) throw new Error(`composition failed: ${composition.errors.map((e) => e.message).join('\n')}`);
  workDir = await mkdtemp(join(tmpdir(), 'hive-gateway-'));
  const supergraph = join(workDir, 'supergraph.graphql');
  await writeFile(supergraph, composition.supergraphSdl);

  const port = await freePort();
  routerUrl = `http://127.0.0.1:${port}/graphql`;
  const args = ['supergraph', supergraph, '--config-path', join(HIVE_GATEWAY_DIR, 'gateway.config.ts'), '--host', '127.0.0.1', '--port', String(port)];
  // Only PATH from this environment: the CLI reads PORT, HOST, CONFIG_PATH and more from its own.
  router = spawn(process.execPath, [join(HIVE_GATEWAY_DIR, 'node_modules/.bin/hive-gateway'), ...args], { cwd: HIVE_GATEWAY_DIR, env: { PATH: process.env.PATH ?? '' } });
  for (const stream of [router.stdout, router.stderr]) stream.on('data', (chunk: Buffer) => void routerOutput.push(chunk.toString()));
  const exited = new Promise<never>((_, reject) => router!.once('exit', (code) => reject(new Error(`Hive Gateway exited (${code}) before it was ready:\n${routerOutput.join('')}`))));
  // /readiness answers 200 once the supergraph is loaded (https://the-guild.dev/graphql/hive/docs/gateway/monitoring-tracing#healthcheck).
  const ready = eventually(() => fetch(new URL('/readiness', routerUrl)).then((r) => r.ok, () => false), `Hive Gateway to be ready on ${routerUrl}`, ROUTER_START_MS);
  await Promise.race([ready, exited]).catch((error: Error) => {
    throw new Error(`${error.message}; its output:\n${routerOutput.join('')}`);
  });
}, ROUTER_START_MS + 10_000);

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

afterAll(async () => {
  if (router && router.exitCode === null && router.signalCode === null) {
    const exited = new Promise((resolve) => router!.once('exit', resolve));
    router.kill('SIGTERM');
    const timer = setTimeout(() => router!.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  await crm.close();
  await close();
  await idp.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A graphql-ws client of the router, and a subscription whose results are kept as they arrive. */
function subscribeAtRouter(query: string, connectionParams?: Record<string, unknown>) {
  const client: Client = createClient({ url: routerUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  cleanups.push(() => client.dispose());
  const events: Result[] = [];
  let ended: { error?: unknown } | undefined;
  const stop = client.subscribe<Record<string, unknown>>({ query }, {
    next: (result) => void events.push(result as Result),
    error: (error) => (ended = { error }),
    complete: () => (ended = {}),
  });
  cleanups.push(stop);
  return { events, stop, ended: () => ended };
}

async function routerRequest(query: string, headers: Record<string, string> = {}): Promise<Result> {
  const response = await fetch(routerUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return (await response.json()) as Result;
}

/** A gauge or counter of the gateway's /metrics (0 when the series is absent). */
async function metric(on: RunningGateway, series: string): Promise<number> {
  const text = await (await fetch(on.url.replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const OVER_GRAPHQL_WS = 'podero_live_subscriptions{transport="graphql-ws"}';

/** The gateway's log lines, parsed. */
function accessLog(): Record<string, unknown>[] {
  return gateway.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
}

it('delivers a wallbox with the CRM\'s fields through the router, then each change: a mutation through the router and a change upstream', async () => {
  const live = subscribeAtRouter(LIVE, { Authorization: `Bearer ${token}` });

  await eventually(() => live.events.length === 1 || live.ended() !== undefined, 'the first event through the router');
  const seeded = sim.wallboxRecord(WALLBOX)!;
  expect(live.events[0]).toEqual({
    data: { wallbox: { id: WALLBOX, comment: seeded.comment, isPluggedIn: true, installer: 'Elektro Huber GmbH', owner: { id: ANNA, customerNumber: 'K-1000' } } },
  });
  // The router reached the gateway over graphql-ws, as gateway.config.ts says (not over SSE, its default).
  expect(await metric(gateway, OVER_GRAPHQL_WS)).toBe(1);

  // A mutation through the router goes to the gateway over HTTP, with the caller's token; the gateway
  // re-reads the wallbox at once and pushes it, and the router adds the CRM's fields again.
  const write = await routerRequest(`mutation { updateWallbox(input: { userId: "${ANNA}", id: "${WALLBOX}", comment: "Set through the router" }) { id comment } }`, {
    authorization: `Bearer ${token}`,
  });
  expect(write).toEqual({ data: { updateWallbox: { id: WALLBOX, comment: 'Set through the router' } } });
  await eventually(() => live.events.length === 2, 'the mutation\'s event through the router');
  expect(live.events[1]!.data.wallbox).toEqual({ id: WALLBOX, comment: 'Set through the router', isPluggedIn: true, installer: 'Elektro Huber GmbH', owner: { id: ANNA, customerNumber: 'K-1000' } });

  // The car is unplugged at the charger: the gateway's poller sees it and the event comes through the router.
  sim.unplug(WALLBOX);
  await eventually(() => live.events.length === 3, 'the upstream change\'s event through the router');
  expect(live.events[2]!.data.wallbox).toMatchObject({ comment: 'Set through the router', isPluggedIn: false, installer: 'Elektro Huber GmbH' });
  expect(live.ended()).toBeUndefined();

  // The client leaves: the router ends its subscription at the gateway, which stops polling.
  live.stop();
  await eventually(async () => (await metric(gateway, OVER_GRAPHQL_WS)) === 0, 'the router to end its subscription at the gateway');
  await eventually(async () => (await metric(gateway, 'podero_live_pollers')) === 0, 'the gateway to stop polling');
  // The gateway served it to Anna herself: the router passed her token on in connection_init.
  expect(accessLog().filter((l) => l.msg === 'subscription ended')).toEqual([
    expect.objectContaining({ sub: 'anna@example.at', transport: 'graphql-ws', operationName: 'Live', events: 3 }),
  ]);
});

it('passes no token when the client has none: the gateway refuses the subscription and starts nothing', async () => {
  const before = accessLog().length;
  const anonymous = subscribeAtRouter(LIVE);
  await eventually(() => anonymous.ended() !== undefined, 'the refusal through the router');
  expect(anonymous.events).toEqual([{ errors: [expect.objectContaining({ message: expect.any(String) })] }]);
  // The gateway refuses with graphql-ws's `error` message, UNAUTHENTICATED; Hive Gateway 2.15 gives its
  // client a masked "Unexpected error." in its place, so the code is read in the gateway's access log.
  expect(accessLog().slice(before)).toContainEqual(expect.objectContaining({ caller: 'unauthenticated', status: 401, errors: ['UNAUTHENTICATED'] }));
  expect(await metric(gateway, 'podero_live_pollers')).toBe(0);
});
