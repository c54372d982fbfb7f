// GraphiQL in a real browser: `npm start` in demo mode, /graphql opened in headless Chromium (Debian's
// package, driven by playwright-core; test/setup/chromium.ts makes sure it is installed), the default
// example query run with GraphiQL's own button, and the answer read from GraphiQL's result pane; then
// the subscription tab run and stopped the same way, its events read from the same pane.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WALLBOX_IDS } from '../../src/simulator/seed.js';
import { startMain, waitForOutput } from '../helpers/main-process.js';

const CHROMIUM = '/usr/bin/chromium';
// STACK.md item 10: without the background-networking flags Chromium floods the closed network with
// refused connections (and those would show up below as requests leaving the machine).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = fileURLToPath(new URL('../../test-results/graphiql.png', import.meta.url));
const SUBSCRIPTION_SCREENSHOT = fileURLToPath(new URL('../../test-results/graphiql-subscription.png', import.meta.url));
/** Generous for a ~9 MB page and a Monaco editor on two busy cores, but bounded. */
const UI_TIMEOUT_MS = 15_000;
/**
 * How often the gateway polls a watched device here: the simulator's wallbox takes a new reading every
 * 5 s, so at 1 s the second event follows the first within ~6 s (demo mode's own default, 5 s, is
 * tested in demo.test.ts).
 */
const LIVE_POLL_INTERVAL_MS = 1000;
/** Bounds the wait for a subscription event, or for the gateway to see the stream end. */
const LIVE_TIMEOUT_MS = 20_000;

/** What Chromium logs when something could not be loaded (a CDN out of reach, a 404, a blocked script). */
const FAILED_LOAD = /failed to load|net::ERR_|refused to (load|connect|execute)|blocked by|ERR_NAME_NOT_RESOLVED/i;

describe('GraphiQL in headless Chromium (demo mode)', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  let endpoint: string;
  const userDataDir = mkdtempSync(join(tmpdir(), 'graphiql-chromium-'));
  const requests: string[] = [];
  const failedRequests: string[] = [];
  const consoleErrors: string[] = [];
  /** What went over the wire for GraphiQL's own files: encoding and body bytes. */
  const transfers: { url: string; encoding: string | null; bytes: number }[] = [];
  /** Responses that were event streams (GraphQL over SSE): how GraphiQL asked for them. */
  const streams: { url: string; method: string; accept: string | undefined }[] = [];
  /** Streams this test ended with GraphiQL's stop button: Chromium reports them as aborted, which is no failure to load. */
  const stopped = new Set<string>();

  beforeAll(async () => {
    child = startMain({ PORT: '0', LIVE_POLL_INTERVAL_MS: String(LIVE_POLL_INTERVAL_MS) });
    // The gateway and the browser start side by side; allSettled, so that whatever did start is
    // assigned (and closed in afterAll) even when the other one failed.
    const [started, launched] = await Promise.allSettled([
      waitForOutput(child, /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/),
      // launchPersistentContext is how playwright takes a --user-data-dir (it refuses the flag in args).
      chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        timeout: UI_TIMEOUT_MS,
        viewport: { width: 1280, height: 900 }, // tall enough that Monaco renders every line of the result
      }),
    ]);
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    endpoint = started.value[1]!;

    page = browser!.pages()[0] ?? (await browser!.newPage());
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
    page.on('response', (response) => {
      if (response.headers()['content-type']?.startsWith('text/event-stream')) {
        // Not a transfer: an open stream has no size until it ends (and this one is ended by an abort).
        streams.push({ url: response.url(), method: response.request().method(), accept: response.request().headers()['accept'] });
        return;
      }
      if (!response.url().includes('/graphql') || response.request().method() !== 'GET') return;
      void Promise.all([response.headerValue('content-encoding'), response.request().sizes()]).then(([encoding, sizes]) =>
        transfers.push({ url: response.url(), encoding, bytes: sizes.responseBodySize }),
      );
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });

  afterAll(async () => {
    try {
      // Bounded: a hung browser must not hold the run; playwright kills it when this process exits.
      await Promise.race([browser?.close(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  it('runs the default example query and shows the seeded wallbox in the result pane', async () => {
    await page.goto(endpoint, { waitUntil: 'load', timeout: UI_TIMEOUT_MS });
    try {
      // GraphiQL opens with the example query (src/example-query.ts) in its operation editor.
      const editor = page.getByRole('region', { name: 'Operation Editor' });
      await editor.filter({ hasText: /query\s+Wallbox/ }).waitFor({ timeout: UI_TIMEOUT_MS });

      // The button's accessible name is "Execute query (Ctrl-Enter)".
      await page.getByRole('button', { name: /^Execute query/ }).click({ timeout: UI_TIMEOUT_MS });

      const result = page.getByRole('region', { name: 'Result Window' });
      await result.filter({ hasText: WALLBOX_IDS.full }).waitFor({ timeout: UI_TIMEOUT_MS });
      // Monaco may render spaces as no-break spaces.
      const text = (await result.innerText({ timeout: UI_TIMEOUT_MS })).replace(/\u00a0/g, ' ');
      expect(text).toMatch(new RegExp(`"id":\\s*"${WALLBOX_IDS.full}"`));
      expect(text).toMatch(/"manufacturer":\s*"Easee"/);
      expect(text).toMatch(/"firstName":\s*"Anna"/);
      expect(text).not.toContain('"errors"');
    } finally {
      // Also when an assertion failed: the picture is the quickest way to see why.
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, timeout: UI_TIMEOUT_MS }).catch(() => undefined);
    }
  });

  it('runs the subscription tab over SSE: the wallbox, then its next reading, until GraphiQL stops it', async () => {
    const origin = new URL(endpoint).origin;
    const editor = page.getByRole('region', { name: 'Operation Editor' });
    const result = page.getByRole('region', { name: 'Result Window' });
    try {
      await page.getByRole('tab', { name: 'LiveWallbox' }).click({ timeout: UI_TIMEOUT_MS });
      await editor.filter({ hasText: /subscription\s+LiveWallbox/ }).waitFor({ timeout: UI_TIMEOUT_MS });
      // GraphiQL learns which operation the editor holds 100 ms after the text changed (a debounced
      // handler); Run before that sends the previous tab's name ("Cannot infer operation Wallbox").
      // The same handler stores the text under `graphiql:query`: once that holds the subscription, Run runs it.
      await page.waitForFunction(() => localStorage.getItem('graphiql:query')?.includes('subscription LiveWallbox'), undefined, { timeout: UI_TIMEOUT_MS });
      await page.getByRole('button', { name: /^Execute query/ }).click({ timeout: UI_TIMEOUT_MS });

      // The first event: the wallbox as it is now.
      await result.filter({ hasText: WALLBOX_IDS.full }).waitFor({ timeout: LIVE_TIMEOUT_MS });
      const first = await paneText(result);
      expect(first).toMatch(/"isCharging":\s*true/);
      expect(first).toMatch(/"chargeRateW":\s*\d/);
      expect(first).not.toContain('"errors"');
      // GraphiQL subscribes over GraphQL over SSE, on the gateway's own /graphql: one event stream.
      expect(streams).toHaveLength(1);
      const [stream] = streams;
      const { origin: streamOrigin, pathname, searchParams } = new URL(stream!.url);
      expect([streamOrigin, pathname]).toEqual([origin, '/graphql']);
      expect(stream!.method).toBe('GET');
      expect(stream!.accept).toContain('text/event-stream');
      expect(searchParams.get('query')).toMatch(/^subscription LiveWallbox/);
      expect(requests).toContain(stream!.url);
      await expect.poll(() => liveSubscriptions(origin), { timeout: LIVE_TIMEOUT_MS }).toEqual({ sse: 1, pollers: 1 });

      // The next reading (the rate wobbles, the charge-state stamp moves) replaces it in the pane.
      await expect.poll(() => paneText(result), { timeout: LIVE_TIMEOUT_MS, interval: 100 }).not.toBe(first);
      const second = await paneText(result);
      expect(second).toContain(WALLBOX_IDS.full);
      expect(second).not.toContain('"errors"');
      expect(stampOf(second)).not.toBe(stampOf(first));
      expect(stampOf(second)! > stampOf(first)!).toBe(true);

      // GraphiQL's run button is its stop button while the subscription runs; stopped, the gateway
      // sees the stream end and lets go of the device's poller.
      stopped.add(stream!.url);
      await page.getByRole('button', { name: /^Stop query/ }).click({ timeout: UI_TIMEOUT_MS });
      await page.getByRole('button', { name: /^Execute query/ }).waitFor({ timeout: UI_TIMEOUT_MS });
      await expect.poll(() => liveSubscriptions(origin), { timeout: LIVE_TIMEOUT_MS }).toEqual({ sse: 0, pollers: 0 });
    } finally {
      mkdirSync(dirname(SUBSCRIPTION_SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SUBSCRIPTION_SCREENSHOT, timeout: UI_TIMEOUT_MS }).catch(() => undefined);
    }
  }, 60_000);

  it('needs nothing from outside this machine: every request stays on the gateway, nothing fails to load', () => {
    const origin = new URL(endpoint).origin;
    expect(requests).toContain(endpoint); // the page was loaded (the test above ran)
    const foreign = requests.filter((url) => {
      const { protocol, origin: requestOrigin } = new URL(url);
      return protocol !== 'data:' && protocol !== 'blob:' && requestOrigin !== origin;
    });
    expect(foreign).toEqual([]);
    expect(failedRequests.filter((failed) => ![...stopped].some((url) => failed === `${url}: net::ERR_ABORTED`))).toEqual([]);
    expect(consoleErrors.filter((text) => FAILED_LOAD.test(text))).toEqual([]);
  });

  it('loads GraphiQL as a small page and compressed files: about 2 MB instead of 9', () => {
    const files = transfers.filter((t) => t.url.includes('/graphql/graphiql/'));
    expect(files.map((t) => new URL(t.url).pathname.replace(/\.[\w-]{16}\./, '.<hash>.')).sort()).toEqual([
      '/graphql/graphiql/favicon.<hash>.ico',
      '/graphql/graphiql/graphiql.<hash>.css',
      '/graphql/graphiql/graphiql.<hash>.js',
    ]);
    expect(files.filter((t) => !t.url.endsWith('.ico')).map((t) => t.encoding)).toEqual(['br', 'br']);
    const total = transfers.reduce((sum, t) => sum + t.bytes, 0);
    expect(total).toBeLessThan(3_000_000);
  });
});

/** The result pane's text; Monaco may render spaces as no-break spaces. */
async function paneText(result: Locator): Promise<string> {
  return (await result.innerText({ timeout: UI_TIMEOUT_MS })).replace(/\u00a0/g, ' ');
}

/** When the wallbox's charge state was last read (an ISO time, so later ones sort after earlier ones). */
function stampOf(text: string): string | undefined {
  return /"chargeStateLastUpdatedAt":\s*"([^"]+)"/.exec(text)?.[1];
}

/** The gateway's open SSE subscriptions and live pollers, from its /metrics. */
async function liveSubscriptions(origin: string): Promise<{ sse: number; pollers: number }> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
  return { sse: value(/^podero_live_subscriptions\{transport="sse"\} (\S+)$/m), pollers: value(/^podero_live_pollers (\S+)$/m) };
}
