// GraphQL responses compressed as the client accepts (src/plugins/use-compression.ts), read as the bytes
// travel: undici's `request` does not decompress (fetch would). Brotli or gzip from
// COMPRESSION_MIN_BYTES on, with Vary; identity below it, without Accept-Encoding and with
// COMPRESSION=false; subscription streams never compressed, so each event still arrives on its own.
import { afterAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getIntrospectionQuery } from 'graphql';
import { request } from 'undici';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { DEFAULT_COMPRESSION_MIN_BYTES } from '../../src/config.js';
import { startStack } from '../helpers/stack.js';

const { gateway, another, close } = await startStack();
// Everything compressible is compressed: the streams' test cannot pass for being under the threshold.
const eager = await another({ compression: { minBytes: 0 } });
const off = await another({ compression: false });
afterAll(close);

const INTROSPECTION = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true });
const SMALL = '{ __typename }';
const SUBSCRIPTION = `subscription { wallbox(userId: "${USER_IDS.anna!}", id: "${WALLBOX_IDS.full}") { id comment } }`;

/** A GraphQL POST, with the body as it arrived and its headers. */
async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  const header = (name: string) => (response.headers[name] as string | undefined) ?? null;
  return { status: response.statusCode, body, header };
}

const plainIntrospection = await post(gateway.url, INTROSPECTION);

describe('a response at or above the threshold', () => {
  it('is brotli-compressed when the client accepts br, with Vary and the encoded length, and decodes to the same JSON', async () => {
    expect(plainIntrospection.body.length).toBeGreaterThan(100_000);
    const br = await post(gateway.url, INTROSPECTION, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.header('content-encoding')).toBe('br');
    expect(br.header('vary')).toBe('accept-encoding');
    expect(br.header('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(Number(br.header('content-length'))).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(plainIntrospection.body.length / 5);
    expect(brotliDecompressSync(br.body).equals(plainIntrospection.body)).toBe(true);
  });

  it('is gzip-compressed when the client accepts gzip and not br (q=0 refuses an encoding)', async () => {
    for (const accepted of ['gzip', 'br;q=0, gzip;q=0.8']) {
      const gz = await post(gateway.url, INTROSPECTION, { 'accept-encoding': accepted });
      expect(gz.header('content-encoding'), accepted).toBe('gzip');
      expect(gz.header('vary')).toBe('accept-encoding');
      expect(gunzipSync(gz.body).equals(plainIntrospection.body)).toBe(true);
    }
  });

  it('is sent as it is, with Vary, without Accept-Encoding or with one the gateway does not speak', async () => {
    expect(plainIntrospection.header('content-encoding')).toBeNull();
    expect(plainIntrospection.header('vary')).toBe('accept-encoding');
    expect(JSON.parse(plainIntrospection.body.toString()).data.__schema.queryType.name).toBe('Query');
    const unknown = await post(gateway.url, INTROSPECTION, { 'accept-encoding': 'zstd, deflate;q=0.5' });
    expect(unknown.header('content-encoding')).toBeNull();
    expect(unknown.body.equals(plainIntrospection.body)).toBe(true);
  });

  it('starts exactly at COMPRESSION_MIN_BYTES, and errors are compressed like data, status kept', async () => {
    // 40 unknown fields: a 400 with 40 errors, some KB of JSON.
    const invalid = `{ ${Array.from({ length: 40 }, (_, i) => `unknown${i}`).join(' ')} }`;
    const plain = await post(gateway.url, invalid);
    expect(plain.status).toBe(400);
    const length = plain.body.length;
    expect(length).toBeGreaterThan(DEFAULT_COMPRESSION_MIN_BYTES);
    const at = await another({ compression: { minBytes: length } });
    const above = await another({ compression: { minBytes: length + 1 } });
    const compressed = await post(at.url, invalid, { 'accept-encoding': 'gzip' });
    expect(compressed.status).toBe(400);
    expect(compressed.header('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(compressed.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    const not = await post(above.url, invalid, { 'accept-encoding': 'gzip' });
    expect(not.header('content-encoding')).toBeNull();
    expect(not.header('vary')).toBeNull();
    expect(not.body.length).toBe(length);
  });

  it('keeps the Vary that CORS set (with more than one origin, the answer varies by Origin too)', async () => {
    const cors = await another({ corsOrigins: ['https://app.example.com', 'https://admin.example.com'] });
    const response = await post(cors.url, INTROSPECTION, { 'accept-encoding': 'br', origin: 'https://app.example.com' });
    expect(response.header('content-encoding')).toBe('br');
    expect(response.header('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.header('vary')!.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['origin', 'accept-encoding']));
  });
});

describe('what is not compressed', () => {
  it('a response below the threshold: as it is, and without Vary', async () => {
    const small = await post(gateway.url, SMALL, { 'accept-encoding': 'br, gzip' });
    expect(small.body.length).toBeLessThan(DEFAULT_COMPRESSION_MIN_BYTES);
    expect(small.header('content-encoding')).toBeNull();
    expect(small.header('vary')).toBeNull();
    expect(JSON.parse(small.body.toString())).toEqual({ data: { __typename: 'Query' } });
  });

  it('anything with COMPRESSION=false', async () => {
    const response = await post(off.url, INTROSPECTION, { 'accept-encoding': 'br, gzip' });
    expect(response.header('content-encoding')).toBeNull();
    expect(response.header('vary')).toBeNull();
    expect(response.body.equals(plainIntrospection.body)).toBe(true);
  });

  it('GraphiQL, compressed once by its own plugin', async () => {
    const page = await request(eager.url, { headers: { accept: 'text/html', 'accept-encoding': 'br' } });
    expect(page.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await page.body.arrayBuffer())).toString()).toContain('YogaGraphiQL.renderYogaGraphiQL(');
  });

  // A compressor holds small writes back until it has a block: a compressed stream would deliver no
  // event until many had piled up. Each stream below must show its first event while it stays open.
  it.each([
    ['SSE', 'text/event-stream', 'text/event-stream', 'event: next'],
    ['multipart', 'multipart/mixed;subscriptionSpec=1.0', 'multipart/mixed', 'content-type: application/json'],
  ])('a subscription over %s, even with no threshold: each event is flushed as it is', async (_name, accept, type, marker) => {
    const response = await request(eager.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, 'accept-encoding': 'br, gzip' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain(type);
    // yoga marks its SSE stream `none` (no compression, for proxies); the multipart one carries nothing.
    expect([undefined, 'none']).toContain(response.headers['content-encoding']);
    let text = '';
    for await (const chunk of response.body) {
      text += String(chunk);
      if (text.includes(marker) && text.includes(`"id":"${WALLBOX_IDS.full}"`)) break;
    }
    response.body.destroy();
    expect(text).toContain(`"id":"${WALLBOX_IDS.full}"`);
  });
});
