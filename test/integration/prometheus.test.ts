// The gateway as Prometheus sees it, checked by Prometheus's own tool: `promtool check metrics` finds
// nothing to say about a live /metrics on which every family of the gateway has samples, and
// `promtool test rules` proves deploy/prometheus/alerts.yml against synthetic series
// (deploy/prometheus/alerts.test.yml), including that the upstream-failure alert fires at 10 % failures
// and stays silent at 1 %. The rules must query names /metrics has, and the README must list them.
// promtool comes from Debian's prometheus package (test/setup/debian-packages.ts installs it).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { freePort } from '../helpers/ports.js';
import { eventually, subscribeSse, type SseSubscription } from '../helpers/sse.js';
import { WALLBOX_GET, startStack } from '../helpers/stack.js';

const PROMTOOL = '/usr/bin/promtool';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULES = 'deploy/prometheus/alerts.yml';
const RULE_TESTS = 'deploy/prometheus/alerts.test.yml';
const ANNA = USER_IDS.anna!;

/** Runs promtool; resolves with its exit code and output (a failing check is an answer, not an error). */
function promtool(args: string[], stdin?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(PROMTOOL, args, { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      // A numeric code is promtool's exit status; anything else (ENOENT, a timeout's signal) is not an answer.
      if (error && typeof error.code !== 'number') reject(new Error(`${PROMTOOL} ${args.join(' ')} did not run: ${error.message}`, { cause: error }));
      else resolve({ code: error ? Number(error.code) : 0, output: `${stdout}${stderr}` });
    });
    child.stdin!.end(stdin ?? '');
  });
}

/** Metric families on an exposition: name → how many sample lines it has. */
function families(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const [, name] of text.matchAll(/^# TYPE (\S+) /gm)) found.set(name!, 0);
  for (const [, name] of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)) {
    const family = [name!, name!.replace(/_(bucket|sum|count)$/, '')].find((n) => found.has(n));
    if (family) found.set(family, found.get(family)! + 1);
  }
  return found;
}

/** The gateway's own families (prom-client's process_* and nodejs_* aside). */
const ours = (name: string) => /^(podero|graphql)_/.test(name);

describe('promtool check metrics on a live /metrics', () => {
  let text: string;
  let stack: Awaited<ReturnType<typeof startStack>>;
  let subscription: SseSubscription | undefined;

  // A Redis that is not there (every shared store falls back), a read cache to use it, and a short poll
  // interval: with a retry, an error, a parse failure and a subscription, every family gets samples.
  beforeAll(async () => {
    const redisUrl = new URL(`redis://127.0.0.1:${await freePort()}`);
    stack = await startStack({ random: () => 0, redisUrl, cacheTtlMs: 1000, live: { intervalMs: 150, fastIntervalMs: 100 } });
    const { sim, gateway } = stack;
    sim.injectFault({ route: WALLBOX_GET, status: 503, times: 1 });
    expect((await gateway.graphql(`query Status { wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id } }`)).body.errors).toBeUndefined();
    const missing = await gateway.graphql(`query Missing { wallbox(userId: "${ANNA}", id: "00000000-0000-4000-8000-000000000001") { id } }`);
    expect(missing.body.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect((await gateway.graphql('{ broken')).body.errors?.[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    subscription = await subscribeSse(gateway.url, `subscription Live { wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id comment } }`);
    await subscription.waitForEvents(1);
    const metricsUrl = gateway.url.replace('/graphql', '/metrics');
    await eventually(async () => {
      text = await (await fetch(metricsUrl)).text();
      return [...families(text)].every(([name, samples]) => !ours(name) || samples > 0);
    }, 'a sample in every family of the gateway');
  });
  afterAll(async () => {
    subscription?.close();
    await stack?.close();
  });

  it('has samples in every family of the gateway', () => {
    const empty = [...families(text)].filter(([name, samples]) => ours(name) && samples === 0).map(([name]) => name);
    expect(empty).toEqual([]);
    expect(text).toMatch(/^podero_redis_fallbacks_total\{store="read-cache"\} [1-9]/m);
    expect(text).toMatch(/^podero_live_subscriptions\{transport="sse"\} 1$/m);
  });

  it('exits 0 with no findings: snake_case labels, units in names, _total on counters only', async () => {
    expect(await promtool(['check', 'metrics'], text)).toEqual({ code: 0, output: '' });
  });

  it('is what the rules query and their alerts name: every metric in alerts.yml is on /metrics', async () => {
    const rules = (await readFile(`${ROOT}${RULES}`, 'utf8'))
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    // Metric names, not the recorded ones (level:metric:operations) that contain them.
    const named = new Set([...rules.matchAll(/(?<![\w:])((?:podero|graphql|nodejs|process)_\w+)(?![\w:])/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, '')));
    expect(named.size).toBeGreaterThanOrEqual(8);
    const exposed = families(text);
    expect([...named].filter((name) => !exposed.has(name))).toEqual([]);
  });
});

describe('the alerting rules (deploy/prometheus/alerts.yml)', () => {
  it('are valid', async () => {
    const { code, output } = await promtool(['check', 'rules', RULES]);
    expect({ code, output }).toMatchObject({ code: 0, output: expect.stringMatching(/SUCCESS: \d+ rules found/) });
    expect(output).not.toMatch(/WARNING/i);
  });

  it('pass their unit tests: the upstream-failure alert fires at 10 % and stays silent at 1 %, and each other rule has its case', async () => {
    const { code, output } = await promtool(['test', 'rules', RULE_TESTS]);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });

    // Every alert has a test in which it fires, and every recording rule one that reads its value.
    const [rules, tests] = await Promise.all([readFile(`${ROOT}${RULES}`, 'utf8'), readFile(`${ROOT}${RULE_TESTS}`, 'utf8')]);
    const alerts = [...rules.matchAll(/^\s+- alert: (\S+)/gm)].map((m) => m[1]!);
    const records = [...rules.matchAll(/^\s+- record: (\S+)/gm)].map((m) => m[1]!);
    expect(alerts.length).toBeGreaterThanOrEqual(5);
    expect(alerts.filter((alert) => !new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels:`).test(tests))).toEqual([]);
    expect(records.filter((record) => !tests.includes(`- expr: ${record}\n`))).toEqual([]);
    const cases = (name: string) => tests.split('\n  - name: ').filter((c) => c.includes(`alertname: ${name}\n`));
    expect(cases('PoderoUpstreamFailing').some((c) => c.startsWith('the upstream-failure alert fires at 10 %'))).toBe(true);
    expect(cases('PoderoUpstreamFailing').some((c) => c.startsWith('the upstream-failure alert stays silent at 1 %'))).toBe(true);
  });

  it('are the ones the README shows', async () => {
    const [rules, readme] = await Promise.all([readFile(`${ROOT}${RULES}`, 'utf8'), readFile(`${ROOT}README.md`, 'utf8')]);
    const names = [...rules.matchAll(/^\s+- (?:alert|record): (\S+)/gm)].map((m) => m[1]!);
    expect(readme.includes(RULES), `README.md points to ${RULES}`).toBe(true);
    expect(names.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
    // And no alert the README names that the file does not have.
    const shown = new Set([...readme.matchAll(/`(Podero[A-Za-z]+)`/g)].map((m) => m[1]!));
    expect([...shown].filter((name) => !names.includes(name))).toEqual([]);
  });
});
