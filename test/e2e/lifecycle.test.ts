// The process as an orchestrator runs it: `npm start` (npm is the container's first process, so a
// SIGTERM reaches npm and must reach the gateway), readiness while starting and while draining, the
// drain itself (requests still served during SHUTDOWN_DELAY_MS, the one in flight finished, exit 0),
// and /metrics on its own port.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { TEST_CLIENT, startTestSimulator } from '../helpers/stack.js';
import { waitForOutput } from '../helpers/main-process.js';
import { freePort } from '../helpers/ports.js';
import WebSocket from 'ws';
import { subscribeSse } from '../helpers/sse.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READ = `{ wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`;

function npmStart(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', LOG_LEVEL: 'info', ...env } });
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start, then SIGTERM', () => {
  it('fails readiness at once, keeps serving through SHUTDOWN_DELAY_MS, finishes the request in flight, exits 0', { timeout: 60_000 }, async () => {
    const metricsPort = await freePort();
    const child = npmStart({ SHUTDOWN_DELAY_MS: '1500', METRICS_PORT: String(metricsPort) });
    children.push(child);
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    const [, endpoint] = (await waitForOutput(child, /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/)) as unknown as [string, string];
    const origin = new URL(endpoint).origin;
    const simulatorUrl = /"apiUrl":"(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(simulatorUrl).toBeDefined();

    expect(await (await fetch(`${origin}/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${origin}/ready`)).status).toBe(200);
    // /metrics lives on METRICS_PORT, not on the public port.
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('podero_circuit_breaker_state');
    expect((await fetch(`${origin}/metrics`)).status).toBe(404);

    // A request that takes a while is in flight when the signal arrives (the embedded simulator's admin route slows it).
    await fetch(`${simulatorUrl}/_simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}', delayMs: 1200 }) });
    const inFlight = fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: READ }) }).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 200));

    const started = Date.now();
    child.kill('SIGTERM'); // to npm, as a container runtime would
    await waitForOutput(child, /draining/);
    const ready = await fetch(`${origin}/ready`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'draining' }]);
    // Still served during the delay.
    const during = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await during.json()).toEqual({ data: { __typename: 'Query' } });

    expect(await inFlight).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
    expect(await exited(child)).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(output).toContain('"msg":"stopped"');
    // After the listener closed, nothing answers.
    await expect(fetch(`${origin}/health`)).rejects.toThrow();
  });
});

it('completes open subscription streams after SHUTDOWN_DELAY_MS, so clients reconnect elsewhere, then exits 0', { timeout: 60_000 }, async () => {
  const child = npmStart({ SHUTDOWN_DELAY_MS: '3000' });
  children.push(child);
  const [, endpoint] = (await waitForOutput(child, /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/)) as unknown as [string, string];
  const subscription = `subscription { wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`;
  const sse = await subscribeSse(endpoint, subscription);
  const multipart = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json' },
    body: JSON.stringify({ query: subscription }),
  });
  const multipartBody = multipart.text();
  await sse.waitForEvents(1);

  child.kill('SIGTERM');
  await waitForOutput(child, /draining/);
  // Open during the delay: the balancer is still told about the drain through /ready.
  expect(sse.completed).toBe(false);
  await sse.waitForComplete();
  expect(sse.events).toHaveLength(1);
  // Multipart's closing delimiter ends its stream.
  expect(await multipartBody).toMatch(/\r\n--graphql--\r\n$/);
  expect(await exited(child)).toBe(0);
});

it('completes graphql-ws subscriptions on SIGTERM and closes their sockets with 1001 (going away)', { timeout: 60_000 }, async () => {
  const child = npmStart({ SHUTDOWN_DELAY_MS: '1000' });
  children.push(child);
  const [, endpoint] = (await waitForOutput(child, /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/)) as unknown as [string, string];
  const socket = new WebSocket(endpoint.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const frames: string[] = [];
  const closeCode = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (data: Buffer) => frames.push(data.toString()));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init' }));
  // graphql-ws: a subscribe before the ack closes the socket (4401).
  while (!frames.some((f) => f.includes('"type":"connection_ack"'))) await new Promise((resolve) => socket.once('message', resolve));
  socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: `subscription { wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }` } }));
  while (!frames.some((f) => f.includes('"type":"next"'))) await new Promise((resolve) => socket.once('message', resolve));

  child.kill('SIGTERM');
  expect(await closeCode).toBe(1001);
  expect(frames.map((f) => (JSON.parse(f) as { type: string }).type)).toEqual(['connection_ack', 'next', 'complete']);
  expect(await exited(child)).toBe(0);
});

it('reports not ready while starting: until the first access token is in hand', { timeout: 60_000 }, async () => {
  const sim = await startTestSimulator();
  try {
    sim.injectFault({ route: 'POST /oauth2/token/', delayMs: 2000, times: 1 });
    const child = npmStart({ PODERO_API_URL: sim.apiUrl.href, PODERO_CLIENT_ID: TEST_CLIENT.clientId, PODERO_CLIENT_SECRET: TEST_CLIENT.clientSecret, PODERO_ORG_ID: sim.seed.orgId });
    children.push(child);
    const [, endpoint] = (await waitForOutput(child, /"endpoint":"(http:\/\/127\.0\.0\.1:\d+\/graphql)","msg":"gateway listening; starting"/)) as unknown as [string, string];
    const origin = new URL(endpoint).origin;
    const starting = await fetch(`${origin}/ready`);
    expect([starting.status, await starting.json()]).toEqual([503, { status: 'starting' }]);
    expect((await fetch(`${origin}/health`)).status).toBe(200);
    await waitForOutput(child, /"msg":"gateway ready"/);
    expect((await fetch(`${origin}/ready`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  } finally {
    await sim.close();
  }
});
