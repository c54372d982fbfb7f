// `npm start` with nothing configured: the real entry point in a child process, over real HTTP.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LIVE_INTERVAL_MS } from '../../src/config.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { startMain, waitForOutput } from '../helpers/main-process.js';
import { subscribeSse } from '../helpers/sse.js';

describe('demo mode', () => {
  let child: ChildProcessWithoutNullStreams;
  let output = '';
  let endpoint: string;

  beforeAll(async () => {
    child = startMain({ PORT: '0' });
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    [, endpoint] = (await waitForOutput(child, /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/)) as unknown as [string, string];
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('says plainly that it runs over the embedded simulator, and prints an example query with real seeded ids', () => {
    expect(output).toMatch(/demo mode/i);
    expect(output).toContain('embedded partner API simulator');
    expect(output).toContain(WALLBOX_IDS.full);
    expect(output).toContain(USER_IDS.anna);
  });

  it('serves GraphiQL, self-contained, opening with the example query', async () => {
    const response = await fetch(endpoint, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Podero GraphQL gateway');
    expect(html).toContain(`id: \\"${WALLBOX_IDS.full}\\"`); // the default query, JSON-encoded into the page
    // Nothing is loaded from another machine: no external scripts, styles, imports or CSS urls.
    expect(html).not.toMatch(/<script[^>]+src=["']?https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']?https?:/i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/@import\s+(url\()?["']?https?:/i);
    expect(html).not.toMatch(/import\(\s*["'`]https?:/i);
  });

  it('answers the example query and the example mutation GraphiQL opens with', async () => {
    const html = await (await fetch(endpoint, { headers: { accept: 'text/html' } })).text();
    const tabs = graphiqlOptions(html).defaultTabs;
    expect(tabs).toHaveLength(4);
    const [queryTab, mutationTab, devicesTab] = tabs;
    const run = async (query: string) => {
      const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      return (await response.json()) as { data: Record<string, Record<string, unknown>>; errors?: unknown };
    };

    const read = await run(queryTab!.query);
    expect(read.errors).toBeUndefined();
    expect(read.data.wallbox).toMatchObject({
      id: WALLBOX_IDS.full,
      connectionStatus: 'OK',
      owner: { firstName: 'Anna', lastName: 'Berger' },
      deviceModel: { manufacturer: 'Easee' },
      isCharging: true,
    });

    expect(mutationTab!.query).toMatch(/^mutation ChargeNow/m);
    const write = await run(mutationTab!.query);
    expect(write.errors).toBeUndefined();
    expect(write.data.updateWallbox).toMatchObject({ chargeTargetMax: 90, comment: 'Boost before the trip' });
    // The demo's chargers take a few seconds to start, as real ones do: the boost is `requested` first.
    expect(write.data.boostWallbox).toEqual({ __typename: 'BoostStarted', wallbox: { boostState: 'REQUESTED', isCharging: false, chargeRateW: 0 } });

    expect(devicesTab!.query).toMatch(/^query MyHome/m);
    const home = await run(devicesTab!.query);
    expect(home.errors).toBeUndefined();
    const user = home.data.user as { firstName: string; devices: { __typename: string }[]; wallbox: { isCharging: boolean } };
    expect(user.firstName).toBe('Anna');
    expect(new Set(user.devices.map((d) => d.__typename))).toEqual(new Set(['HeatPump', 'ElectricVehicle', 'Inverter']));
    expect(user.wallbox.isCharging).toBe(true);
  });

  it('streams the subscription tab over SSE, and the charging wallbox changes within seconds', async () => {
    const html = await (await fetch(endpoint, { headers: { accept: 'text/html' } })).text();
    const subscriptionTab = graphiqlOptions(html).defaultTabs.find((tab) => /^subscription\b/m.test(tab.query));
    expect(subscriptionTab?.query).toMatch(/^subscription LiveWallbox/m);
    const live = await subscribeSse(endpoint, subscriptionTab!.query);
    try {
      expect(live.status).toBe(200);
      const [first] = await live.waitForEvents(1);
      expect(first).toEqual({ data: { wallbox: expect.objectContaining({ id: WALLBOX_IDS.full, isCharging: true, chargeRateW: expect.any(Number) }) } });
      // The simulator's next reading: it takes one every 5 s and demo mode polls every DEMO_LIVE_INTERVAL_MS
      // ±10 %, so a poll sees it within two intervals (the partner API's 30 s would fail the bound).
      const [, second] = await bounded(live.waitForEvents(2), 3 * DEMO_LIVE_INTERVAL_MS, 'a second event');
      expect(second!.data.wallbox.id).toBe(WALLBOX_IDS.full);
      expect(second!.data.wallbox.chargeStateLastUpdatedAt).not.toBe(first!.data.wallbox.chargeStateLastUpdatedAt);
    } finally {
      live.close();
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('start-up with an invalid configuration', () => {
  it('stops with a message naming the variable and what it expected', async () => {
    const child = startMain({ PORT: 'eighty', PODERO_CLIENT_SECRET: 'do-not-print-me' });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT: expected an integer from 0 to 65535');
    expect(stderr).toContain('PODERO_CLIENT_SECRET: is set, but PODERO_API_URL is not');
    expect(stderr).not.toContain('do-not-print-me');
  });
});

/** `promise`, or a failure naming `what` once `ms` have passed. */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The options the gateway rendered into the GraphiQL page (the JSON argument of renderYogaGraphiQL). */
function graphiqlOptions(html: string): { defaultTabs: { query: string }[] } {
  const start = html.indexOf('{', html.lastIndexOf("querySelector('#root')"));
  for (let end = html.indexOf('}', start); end !== -1; end = html.indexOf('}', end + 1)) {
    try {
      return JSON.parse(html.slice(start, end + 1)) as { defaultTabs: { query: string }[] };
    } catch {
      // not the end of the object yet
    }
  }
  throw new Error('no GraphiQL options in the page');
}
