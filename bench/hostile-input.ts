// Hostile input, measured: what each attack of the hostile-input issue costs a running gateway.
//
//   npx tsx bench/hostile-input.ts [--root <checkout>] [--json <file>] [--only <case>] [--env NAME=value]...
//
// Starts the gateway the way `npm start` does (demo mode: the embedded simulator is its upstream) as a
// child process, sends each attack, and records per case: HTTP status, the first error code, the
// gateway process's CPU time (utime + stime from /proc, 10 ms resolution), wall time, response and
// log bytes, upstream calls (counted by the simulator), and RSS. Memory cases run on a fresh process
// each and report RSS growth. `--root` runs another checkout's gateway (e.g. the commit before a
// change) with the same attacks, so before/after figures are measured the same way.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { request } from 'undici';
import { USER_IDS, WALLBOX_IDS } from '../src/simulator/seed.js';
import { cpuMs, memoryKb } from './proc-stats.js';
import { track, waitForOutput } from './processes.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const ROOT = resolve(flag('--root') ?? fileURLToPath(new URL('..', import.meta.url)));
const JSON_OUT = flag('--json');
const ONLY = flag('--only');
/** `--env NAME=value` (repeatable): extra environment for every gateway started, e.g. a raised limit. */
const EXTRA_ENV = Object.fromEntries(
  args.flatMap((arg, i) => (arg === '--env' && args[i + 1]?.includes('=') ? [args[i + 1]!.split(/=(.*)/s).slice(0, 2) as [string, string]] : [])),
);

const ANNA = USER_IDS.anna!;
const UNKNOWN = '0badc0de-0000-4000-8000-000000000000';

interface Gateway {
  child: ChildProcessWithoutNullStreams;
  url: string;
  simulator: string;
  logBytes: () => number;
  stop: () => Promise<void>;
}

async function startGateway(): Promise<Gateway> {
  // What `npm start` runs; a checkout from before the build existed runs its sources through tsx.
  const entry = existsSync(resolve(ROOT, 'dist/main.js')) ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const child = track(spawn(process.execPath, entry, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...EXTRA_ENV } }));
  let logs = 0;
  const countLogs = (chunk: Buffer) => void (logs += chunk.length);
  child.stdout.on('data', countLogs);
  child.stderr.on('data', countLogs);
  // Ready when the demo banner is out (the last thing it prints on start-up, in checkouts from before this
  // script too): measuring earlier would count the start-up's own log lines against the first case.
  const [, simulator, url] = await waitForOutput(child, /simulator at (http:\/\/[^/\s]+)[\s\S]*?curl -s (\S+) [^\n]*\n[^\n]*\n/, 'the gateway');
  return {
    child,
    url: url!,
    simulator: simulator!,
    logBytes: () => logs,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const rssMb = (pid: number) => memoryKb(pid).rss / 1024;

async function upstreamCalls(gateway: Gateway): Promise<number> {
  const response = await fetch(`${gateway.simulator}/_simulator/counts`);
  const counts = (await response.json()) as Record<string, number>;
  return Object.entries(counts)
    .filter(([route]) => !route.includes('/_simulator/') && !route.includes('oauth2'))
    .reduce((sum, [, n]) => sum + n, 0);
}

interface Sent {
  status: number;
  code: string | undefined;
  errors: number;
  bytes: number;
  message: string;
  headers: Headers;
}

async function post(gateway: Gateway, body: string, headers: Record<string, string> = {}): Promise<Sent> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(120_000),
  });
  return read(response);
}

async function read(response: Response): Promise<Sent> {
  const text = await response.text();
  let code: string | undefined;
  let errors = 0;
  let message: string;
  try {
    const parsed = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] };
    errors = parsed.errors?.length ?? 0;
    code = parsed.errors?.[0]?.extensions?.code;
    message = (parsed.errors?.[0]?.message ?? '').slice(0, 160);
  } catch {
    message = text.slice(0, 80);
  }
  return { status: response.status, code, errors, bytes: text.length, message, headers: response.headers };
}

const gql = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

// ---- the attacks -------------------------------------------------------------------------------------

const aliases = (n: number, make: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => make(i)).join(' ')} }`;

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** JSON text of an object nested `depth` deep, built as text: JSON.stringify itself overflows on it. */
function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;
}

function fragmentChain(n: number): string {
  const parts = ['query Chain { ...F0 }'];
  for (let i = 0; i < n; i++) parts.push(`fragment F${i} on Query { ${i === n - 1 ? '__typename' : `...F${i + 1}`} }`);
  return parts.join('\n');
}

const RESOLUTION_URL = `http://x/api/partners/v2.0/cues/${UNKNOWN}/resolve?secret=s3cr3t`;

interface Case {
  name: string;
  what: string;
  send: (gateway: Gateway) => Promise<Sent>;
}

const CASES: Case[] = [
  {
    name: 'aliases-8500-unknown',
    what: '8,500 aliases of one unknown wallbox (~1 MB)',
    send: (g) => post(g, gql(aliases(8500, (i) => `a${i}: wallbox(userId: "${ANNA}", id: "${UNKNOWN}") { id }`))),
  },
  {
    name: 'aliases-2000-orgs',
    what: '2,000 aliases, each a distinct orgId',
    send: (g) =>
      post(g, gql(aliases(2000, (i) => `a${i}: wallbox(orgId: "00000000-0000-4000-8000-${String(i).padStart(12, '0')}", userId: "${ANNA}", id: "${UNKNOWN}") { id }`))),
  },
  {
    name: 'entities-20000',
    what: '20,000 entity representations (Owner, malformed ids)',
    send: (g) =>
      post(
        g,
        gql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Owner { id } } }', {
          r: Array.from({ length: 20_000 }, (_, i) => ({ __typename: 'Owner', id: `u${i}` })),
        }),
      ),
  },
  {
    name: 'tokens-1M',
    what: '~1M tokens ([] pairs in a default value, ~1 MB)',
    send: (g) => post(g, gql(`query T($x: [[Int]] = [${'[]'.repeat(500_000)}]) { __typename }`)),
  },
  { name: 'nesting-10000', what: 'selection set nested 10,000 deep', send: (g) => post(g, gql(nested(10_000, '{ a ', '}', '{ b }'))) },
  { name: 'fragments-5000', what: 'a chain of 5,000 fragments', send: (g) => post(g, gql(fragmentChain(5000))) },
  { name: 'list-10000', what: 'a list literal nested 10,000 deep', send: (g) => post(g, gql(`query L($x: [Int] = ${nested(10_000, '[', ']', '1')}) { __typename }`)) },
  {
    name: 'json-variable-50000',
    what: 'a JSON variable nested 50,000 deep',
    send: (g) =>
      post(
        g,
        `{"query":${JSON.stringify(`mutation ($l: JSONObject) { startAction(input: { resolutionUrl: "${RESOLUTION_URL}", successUrl: "https://a.example/ok", cancelUrl: "https://a.example/no", location: $l }) { redirectUrl } }`)},"variables":{"l":${deepJson(50_000)}}}`,
      ),
  },
  {
    name: 'entity-unknown-type',
    what: 'an entity with an unknown __typename',
    send: (g) => post(g, gql('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{ __typename: 'Nope', id: UNKNOWN }] })),
  },
  { name: 'subscription', what: 'a subscription operation', send: (g) => post(g, gql('subscription { __typename }')) },
  {
    name: 'get-variables-notjson',
    what: 'GET with variables=notjson',
    send: async (g) => read(await fetch(`${g.url}?query=${encodeURIComponent('{ __typename }')}&variables=notjson`, { headers: { accept: 'application/json' } })),
  },
  {
    name: 'echo-1mb-uuid',
    what: 'a 1 MB invalid UUID variable',
    send: (g) => post(g, gql('query ($id: UUID!) { wallbox(userId: "' + ANNA + '", id: $id) { id } }', { id: 'x'.repeat(1_000_000) })),
  },
  { name: 'suggestions', what: '"Did you mean" for a misspelt field', send: (g) => post(g, gql('{ walbox { id } }')) },
  {
    name: 'aliases-200',
    what: '200 aliases of one wallbox',
    send: (g) => post(g, gql(aliases(200, (i) => `a${i}: wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id }`))),
  },
  { name: 'tokens-10000', what: '10,000 tokens', send: (g) => post(g, gql(`{ ${'__typename '.repeat(9_998)}}`)) },
  { name: 'directives-1000', what: '1,000 directives on one field', send: (g) => post(g, gql(`{ __typename ${'@skip(if: false) '.repeat(1000)}}`)) },
  { name: 'directives-100', what: '100 directives (600 tokens)', send: (g) => post(g, gql(`{ __typename ${'@skip(if: false) '.repeat(100)}}`)) },
  {
    name: 'depth-60',
    what: 'depth 60 through __type',
    send: (g) => post(g, gql(`{ __type(name: "Query") { ${nested(29, 'fields { type { ', '} } ', 'name')}} }`)),
  },
  {
    name: 'graphiql',
    what: 'GraphiQL page (br, gzip accepted)',
    send: async (g) => {
      // undici's request, not fetch: the bytes as they travel, not decompressed. The page and every file it loads.
      const load = async (path: string) => {
        const response = await request(new URL(path, g.url), { headers: { accept: 'text/html', 'accept-encoding': 'br, gzip' } });
        const body = Buffer.from(await response.body.arrayBuffer());
        return { response, body };
      };
      const page = await load(g.url);
      const html = page.response.headers['content-encoding'] === 'br' ? brotliDecompressSync(page.body).toString() : page.body.toString();
      let bytes = page.body.length;
      for (const [, path] of html.matchAll(/(?:src|href)="(\/graphql\/[^"]+)"/g)) bytes += (await load(path!)).body.length;
      const h = page.response.headers;
      return { status: page.response.statusCode, code: undefined, errors: 0, bytes, message: `page and files: ${String(h['content-encoding'] ?? 'identity')}; etag=${h.etag ? 'yes' : 'no'}; cache-control=${String(h['cache-control'] ?? 'none')}`, headers: new Headers() };
    },
  },
];

interface MemoryCase {
  name: string;
  what: string;
  count: number;
  document: (i: number) => string;
}

const MEMORY_CASES: MemoryCase[] = [
  { name: 'memory-40x100KB', what: '40 distinct 100 KB documents with a huge default value', count: 40, document: (i) => `query M${i}($x: [[Int]] = [${'[]'.repeat(50_000)}]) { __typename }` },
  { name: 'memory-8x900KB', what: '8 distinct ~900 KB, ~450k-token documents', count: 8, document: (i) => `query N${i}($x: [Int] = [${'1 '.repeat(450_000)}]) { __typename }` },
  { name: 'memory-200x700KB', what: '200 distinct 700 KB documents: a short query and a long comment', count: 200, document: (i) => `# ${i} ${'x'.repeat(700_000)}\n{ __typename }` },
];

// ---- running -----------------------------------------------------------------------------------------

interface Row {
  name: string;
  what: string;
  status: number | string;
  code: string;
  errors: number;
  cpuMs: number;
  wallMs: number;
  responseBytes: number;
  logBytes: number;
  upstreamCalls: number;
  rssMb: number;
  note: string;
}

async function runCase(gateway: Gateway, c: Case): Promise<Row> {
  const pid = gateway.child.pid!;
  const [cpu0, log0, calls0] = [cpuMs(pid), gateway.logBytes(), await upstreamCalls(gateway)];
  const started = performance.now();
  let sent: Sent | undefined;
  let failure = '';
  try {
    sent = await c.send(gateway);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  const wallMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 50)); // let log lines arrive
  const alive = gateway.child.exitCode === null && gateway.child.signalCode === null;
  return {
    name: c.name,
    what: c.what,
    status: sent?.status ?? (alive ? 'no answer' : 'process died'),
    code: sent?.code ?? '',
    errors: sent?.errors ?? 0,
    cpuMs: alive ? cpuMs(pid) - cpu0 : NaN,
    wallMs: Math.round(wallMs),
    responseBytes: sent?.bytes ?? 0,
    logBytes: gateway.logBytes() - log0,
    upstreamCalls: alive ? (await upstreamCalls(gateway)) - calls0 : NaN,
    rssMb: alive ? Math.round(rssMb(pid)) : NaN,
    note: failure || sent?.message || '',
  };
}

async function runMemoryCase(c: MemoryCase): Promise<Row> {
  const gateway = await startGateway();
  const pid = gateway.child.pid!;
  try {
    for (let i = 0; i < 5; i++) await post(gateway, gql('{ __typename }'));
    const [rss0, cpu0, log0] = [rssMb(pid), cpuMs(pid), gateway.logBytes()];
    const started = performance.now();
    const statuses = new Map<string, number>();
    let failure = '';
    for (let i = 0; i < c.count && !failure; i++) {
      try {
        const sent = await post(gateway, gql(c.document(i)));
        const key = `${sent.status} ${sent.code ?? ''}`.trim();
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      } catch (error) {
        failure = `request ${i}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    const wallMs = performance.now() - started;
    const alive = gateway.child.exitCode === null && gateway.child.signalCode === null;
    const serving = alive ? (await post(gateway, gql('{ __typename }')).catch(() => undefined))?.status === 200 : false;
    return {
      name: c.name,
      what: c.what,
      status: [...statuses].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none',
      code: '',
      errors: 0,
      cpuMs: alive ? cpuMs(pid) - cpu0 : NaN,
      wallMs: Math.round(wallMs),
      responseBytes: 0,
      logBytes: gateway.logBytes() - log0,
      upstreamCalls: 0,
      rssMb: alive ? Math.round(rssMb(pid) - rss0) : NaN,
      note: `${failure ? `${failure}; ` : ''}RSS growth (MB); still serving: ${serving ? 'yes' : 'NO'}`,
    };
  } finally {
    await gateway.stop();
  }
}

const rows: Row[] = [];
const gateway = await startGateway();
try {
  for (const c of CASES) {
    if (ONLY && !c.name.includes(ONLY)) continue;
    if (gateway.child.exitCode !== null) break;
    const row = await runCase(gateway, c);
    rows.push(row);
    process.stderr.write(`${row.name}: ${row.status} ${row.code} ${row.cpuMs} ms CPU\n`);
  }
} finally {
  await gateway.stop();
}
for (const c of MEMORY_CASES) {
  if (ONLY && !c.name.includes(ONLY)) continue;
  const row = await runMemoryCase(c);
  rows.push(row);
  process.stderr.write(`${row.name}: ${row.status} +${row.rssMb} MB\n`);
}

const header = '| case | status | code | errors | CPU ms | wall ms | response bytes | log bytes | upstream calls | RSS MB | note |';
const lines = rows.map((r) =>
  `| ${r.name} | ${r.status} | ${r.code} | ${r.errors} | ${Number.isNaN(r.cpuMs) ? '—' : r.cpuMs} | ${r.wallMs} | ${r.responseBytes} | ${r.logBytes} | ${Number.isNaN(r.upstreamCalls) ? '—' : r.upstreamCalls} | ${Number.isNaN(r.rssMb) ? '—' : r.rssMb} | ${r.note.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
);
process.stdout.write(`${[header, '|---|---|---|---|---|---|---|---|---|---|---|', ...lines].join('\n')}\n`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ root: ROOT, date: new Date().toISOString(), node: process.version, rows }, null, 2));
