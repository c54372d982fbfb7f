// The hostile-input attacks, as one table: bench/hostile-input.ts measures what each costs a running
// gateway, and test/e2e/hostile-latency.test.ts asserts that none holds another caller up, grows
// memory past its bound, or ends the process. Each attack is sent to a gateway's GraphQL URL and
// answers with what came back; an attack of several requests answers with its last.
import { connect } from 'node:net';
import { brotliDecompressSync } from 'node:zlib';
import { request } from 'undici';
import { USER_IDS, WALLBOX_IDS } from '../src/simulator/seed.js';

const ANNA = USER_IDS.anna!;
const UNKNOWN = '0badc0de-0000-4000-8000-000000000000';

export interface Sent {
  status: number;
  code: string | undefined;
  errors: number;
  bytes: number;
  message: string;
  /** The response had `data` that is not null. */
  data: boolean;
}

export interface HostileCase {
  name: string;
  what: string;
  send: (url: string) => Promise<Sent>;
}

export async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Sent> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(120_000),
  });
  return read(response.status, await response.text());
}

function read(status: number, text: string): Sent {
  let code: string | undefined;
  let errors = 0;
  let message: string;
  let data = false;
  try {
    const parsed = JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
    errors = parsed.errors?.length ?? 0;
    code = parsed.errors?.[0]?.extensions?.code;
    message = (parsed.errors?.[0]?.message ?? '').slice(0, 160);
    data = parsed.data !== undefined && parsed.data !== null;
  } catch {
    message = text.slice(0, 80);
  }
  return { status, code, errors, bytes: text.length, message, data };
}

/** A request written to the socket as given (a malformed Host or request line no client would send). */
export function raw(url: string, head: string, body = ''): Promise<Sent> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(120_000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
      // The whole answer is in once its headers and Content-Length bytes of body are.
      if (end !== -1 && length && text.length >= end + 4 + Number(length[1])) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const body = text.slice(end + 4);
      resolve(read(status, /\r\ntransfer-encoding: *chunked/i.test(text.slice(0, end)) ? dechunked(body) : body));
    });
    socket.write(`${head}\r\n\r\n${body}`);
  });
}

/**
 * A `/health` probe every 100 ms while `work` runs, and one more once it has: the longest any probe
 * waited for its answer (another caller held up, by the work or by anything it left running, such as
 * a compilation), and how long the work itself took.
 */
export async function probing<T>(url: string, work: () => Promise<T>): Promise<{ result: T; longestMs: number; workMs: number }> {
  const health = new URL('/health', url);
  let longestMs = 0;
  let done = false;
  const probe = async () => {
    const sent = performance.now();
    await fetch(health).then((r) => r.arrayBuffer());
    longestMs = Math.max(longestMs, performance.now() - sent);
  };
  const probes = (async () => {
    while (!done) {
      await probe();
      if (!done) await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const started = performance.now();
  try {
    const result = await work();
    const workMs = performance.now() - started;
    done = true;
    await probes;
    await probe();
    return { result, longestMs, workMs };
  } finally {
    done = true;
    await probes.catch(() => undefined);
  }
}

/** A chunked body's chunks, joined (their sizes and the last, empty one dropped). */
function dechunked(body: string): string {
  let out = '';
  for (let at = 0; at < body.length; ) {
    const line = body.indexOf('\r\n', at);
    const size = Number.parseInt(body.slice(at, line), 16);
    if (!(size > 0)) break;
    out += body.slice(line + 2, line + 2 + size);
    at = line + 2 + size + 2;
  }
  return out;
}

export const gql = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

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

/**
 * `n` aliases, each walking a user's devices through `levels` fragments on the Device interface that
 * spread each other through `owner { devices { ... } }`: a few KB that expand, per concrete device
 * kind, into tens of thousands of fields (once compiled into gigabytes). `tag` makes it distinct.
 */
export function multiplying(levels: number, n = 40, tag = ''): string {
  const fragments = Array.from(
    { length: levels },
    (_, i) => `fragment F${i} on Device { id connectionStatus createdAt deviceModel { manufacturer model } actions { code } ${i === levels - 1 ? 'id' : `owner { devices { ...F${i + 1} } }`} }`,
  );
  return `query Q${tag} { ${Array.from({ length: n }, (_, i) => `a${i}: user(id: "${ANNA}") { devices { ...F0 } }`).join(' ')} }\n${fragments.join('\n')}`;
}

/** The same document `times` times: the second use is the one that compiles. */
async function repeatedly(url: string, body: string, times: number): Promise<Sent> {
  let sent: Sent | undefined;
  for (let i = 0; i < times; i++) sent = await post(url, body);
  return sent!;
}

const HINTS = 'Did you mean '.repeat(19_000); // ~250 KB

const RESOLUTION_URL = `http://x/api/partners/v2.0/cues/${UNKNOWN}/resolve?secret=s3cr3t`;

export const CASES: HostileCase[] = [
  {
    name: 'aliases-8500-unknown',
    what: '8,500 aliases of one unknown wallbox (~1 MB)',
    send: (url) => post(url, gql(aliases(8500, (i) => `a${i}: wallbox(userId: "${ANNA}", id: "${UNKNOWN}") { id }`))),
  },
  {
    name: 'aliases-2000-orgs',
    what: '2,000 aliases, each a distinct orgId',
    send: (url) =>
      post(url, gql(aliases(2000, (i) => `a${i}: wallbox(orgId: "00000000-0000-4000-8000-${String(i).padStart(12, '0')}", userId: "${ANNA}", id: "${UNKNOWN}") { id }`))),
  },
  {
    name: 'entities-20000',
    what: '20,000 entity representations (Owner, malformed ids)',
    send: (url) =>
      post(
        url,
        gql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Owner { id } } }', {
          r: Array.from({ length: 20_000 }, (_, i) => ({ __typename: 'Owner', id: `u${i}` })),
        }),
      ),
  },
  {
    name: 'tokens-1M',
    what: '~1M tokens ([] pairs in a default value, ~1 MB)',
    send: (url) => post(url, gql(`query T($x: [[Int]] = [${'[]'.repeat(500_000)}]) { __typename }`)),
  },
  { name: 'nesting-10000', what: 'selection set nested 10,000 deep', send: (url) => post(url, gql(nested(10_000, '{ a ', '}', '{ b }'))) },
  { name: 'fragments-5000', what: 'a chain of 5,000 fragments', send: (url) => post(url, gql(fragmentChain(5000))) },
  { name: 'list-10000', what: 'a list literal nested 10,000 deep', send: (url) => post(url, gql(`query L($x: [Int] = ${nested(10_000, '[', ']', '1')}) { __typename }`)) },
  {
    name: 'json-variable-50000',
    what: 'a JSON variable nested 50,000 deep',
    send: (url) =>
      post(
        url,
        `{"query":${JSON.stringify(`mutation ($l: JSONObject) { startAction(input: { resolutionUrl: "${RESOLUTION_URL}", successUrl: "https://a.example/ok", cancelUrl: "https://a.example/no", location: $l }) { redirectUrl } }`)},"variables":{"l":${deepJson(50_000)}}}`,
      ),
  },
  {
    name: 'entity-unknown-type',
    what: 'an entity with an unknown __typename',
    send: (url) => post(url, gql('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{ __typename: 'Nope', id: UNKNOWN }] })),
  },
  { name: 'subscription', what: 'a subscription operation', send: (url) => post(url, gql('subscription { __typename }')) },
  {
    name: 'get-variables-notjson',
    what: 'GET with variables=notjson',
    send: async (url) => {
      const response = await fetch(`${url}?query=${encodeURIComponent('{ __typename }')}&variables=notjson`, { headers: { accept: 'application/json' } });
      return read(response.status, await response.text());
    },
  },
  {
    name: 'echo-1mb-uuid',
    what: 'a 1 MB invalid UUID variable',
    send: (url) => post(url, gql(`query ($id: UUID!) { wallbox(userId: "${ANNA}", id: $id) { id } }`, { id: 'x'.repeat(1_000_000) })),
  },
  { name: 'suggestions', what: '"Did you mean" for a misspelt field', send: (url) => post(url, gql('{ walbox { id } }')) },
  {
    name: 'aliases-200',
    what: '200 aliases of one wallbox',
    send: (url) => post(url, gql(aliases(200, (i) => `a${i}: wallbox(userId: "${ANNA}", id: "${WALLBOX_IDS.full}") { id }`))),
  },
  { name: 'tokens-10000', what: '10,000 tokens', send: (url) => post(url, gql(`{ ${'__typename '.repeat(9_998)}}`)) },
  { name: 'directives-1000', what: '1,000 directives on one field', send: (url) => post(url, gql(`{ __typename ${'@skip(if: false) '.repeat(1000)}}`)) },
  { name: 'directives-100', what: '100 directives (600 tokens)', send: (url) => post(url, gql(`{ __typename ${'@skip(if: false) '.repeat(100)}}`)) },
  {
    name: 'depth-60',
    what: 'depth 60 through __type',
    send: (url) => post(url, gql(`{ __type(name: "Query") { ${nested(29, 'fields { type { ', '} } ', 'name')}} }`)),
  },
  // Round two.
  { name: 'multiply-3x40-twice', what: '40 aliases x 3 levels of fragments through owner { devices }, sent twice', send: (url) => repeatedly(url, gql(multiplying(3)), 2) },
  { name: 'multiply-5x40-twice', what: 'the same at 5 levels, sent twice', send: (url) => repeatedly(url, gql(multiplying(5)), 2) },
  { name: 'multiply-2x40-3times', what: 'the same at 2 levels (within the cost limit), sent three times', send: (url) => repeatedly(url, gql(multiplying(2)), 3) },
  {
    name: 'hints-uuid-literal-250KB',
    what: 'a 250 KB UUID literal of repeated "Did you mean "',
    send: (url) => post(url, gql(`{ wallbox(userId: "${ANNA}", id: "${HINTS}") { id } }`)),
  },
  {
    name: 'hints-input-key-250KB',
    what: 'a 250 KB input-object key of repeated "Did you mean " (in variables)',
    send: (url) =>
      post(url, gql('mutation ($i: UpdateWallboxInput!) { updateWallbox(input: $i) { id } }', { i: { userId: ANNA, id: WALLBOX_IDS.full, [HINTS]: 1 } })),
  },
  {
    name: 'hints-field-name-250KB',
    what: 'a 250 KB field name (Did_you_mean_ repeated)',
    send: (url) => post(url, gql(`{ ${HINTS.replaceAll(' ', '_')} }`)),
  },
  { name: 'host-port-99999', what: 'POST with Host: x:99999', send: (url) => raw(url, 'POST /graphql HTTP/1.1\r\nHost: x:99999\r\ncontent-type: application/json\r\ncontent-length: 24\r\nconnection: close', '{"query":"{__typename}"}') },
  { name: 'host-space', what: 'GET with Host: a b', send: (url) => raw(url, 'GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: a b\r\naccept: application/json\r\nconnection: close') },
  {
    name: 'graphiql',
    what: 'GraphiQL page (br, gzip accepted)',
    send: async (url) => {
      // undici's request, not fetch: the bytes as they travel, not decompressed. The page and every file it loads.
      const load = async (path: string) => {
        const response = await request(new URL(path, url), { headers: { accept: 'text/html', 'accept-encoding': 'br, gzip' } });
        const body = Buffer.from(await response.body.arrayBuffer());
        return { response, body };
      };
      const page = await load(url);
      const html = page.response.headers['content-encoding'] === 'br' ? brotliDecompressSync(page.body).toString() : page.body.toString();
      let bytes = page.body.length;
      for (const [, path] of html.matchAll(/(?:src|href)="(\/graphql\/[^"]+)"/g)) bytes += (await load(path!)).body.length;
      const h = page.response.headers;
      return {
        status: page.response.statusCode,
        code: undefined,
        errors: 0,
        bytes,
        data: true,
        message: `page and files: ${String(h['content-encoding'] ?? 'identity')}; etag=${h.etag ? 'yes' : 'no'}; cache-control=${String(h['cache-control'] ?? 'none')}`,
      };
    },
  },
];

export interface MemoryCase {
  name: string;
  what: string;
  /** The HTTP status every request of it gets. */
  status: number;
  count: number;
  /** How often each document is sent (twice: compiled on its second use). */
  times: number;
  document: (i: number) => string;
}

/** Fields of one device fragment below: with `me { devices { ...D } }`, ~4 x 90 expanded fields, compiled. */
function compiledSized(i: number): string {
  const fields = 'id connectionStatus createdAt updatedAt lifecycleState actualSteeringState isPausePowerActive deviceModel { manufacturer model } actions { code }';
  return `query C${i} { me: user(id: "${ANNA}") { id devices { ...D } } }\nfragment D on Device { ${fields} ... on Wallbox { chargeRateW isCharging isPluggedIn } owner { id email firstName lastName } }`;
}

export const MEMORY_CASES: MemoryCase[] = [
  { name: 'memory-40x100KB', what: '40 distinct 100 KB documents with a huge default value', count: 40, times: 1, status: 400, document: (i) => `query M${i}($x: [[Int]] = [${'[]'.repeat(50_000)}]) { __typename }` },
  { name: 'memory-8x900KB', what: '8 distinct ~900 KB, ~450k-token documents', count: 8, times: 1, status: 400, document: (i) => `query N${i}($x: [Int] = [${'1 '.repeat(450_000)}]) { __typename }` },
  { name: 'memory-200x700KB', what: '200 distinct 700 KB documents: a short query and a long comment', count: 200, times: 1, status: 200, document: (i) => `# ${i} ${'x'.repeat(700_000)}\n{ __typename }` },
  { name: 'memory-60-multiplying-x2', what: '60 distinct documents of 40 aliases x 3 levels of multiplying fragments, each sent twice', count: 60, times: 2, status: 400, document: (i) => multiplying(3, 40, String(i)) },
  { name: 'memory-30-multiplying-2-levels-x3', what: '30 distinct documents of 40 aliases x 2 levels (within the cost limit), each sent three times', count: 30, times: 3, status: 200, document: (i) => multiplying(2, 40, String(i)) },
  { name: 'memory-400-compiled-x3', what: '400 distinct compiled documents (~100 fields each), each sent three times', count: 400, times: 3, status: 200, document: compiledSized },
];
