// GraphiQL served light: a small page plus content-hashed files, compressed as the browser accepts,
// with ETags (the page revalidates, the files are immutable), nothing from another machine, and a
// switch to turn it off. (test/e2e/graphiql-browser.test.ts runs it in a real browser.)
import { afterAll, describe, expect, it } from 'vitest';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { request } from 'undici';
import { splitGraphiQL, pickEncoding } from '../../src/plugins/use-graphiql.js';
import { startGateway, startStack } from '../helpers/stack.js';

const { sim, gateway, close } = await startStack();
const off = await startGateway(sim, { graphiql: false });
afterAll(async () => {
  await off.close();
  await close();
});

/** A GET as the bytes travel: undici's `request` does not decompress (fetch would). */
async function get(url: string, headers: Record<string, string> = {}) {
  const response = await request(url, { headers: { accept: 'text/html', ...headers } });
  const body = Buffer.from(await response.body.arrayBuffer());
  return {
    status: response.statusCode,
    headers: { get: (name: string) => (response.headers[name] as string | undefined) ?? null },
    text: () => Promise.resolve(body.toString()),
    arrayBuffer: () => Promise.resolve(body),
  };
}

/** The files the page links to: style sheet, script bundle, icon. */
function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/graphql\/graphiql\/[^"]+)"/g)].map((m) => m[1]!);
}

describe('the page', () => {
  it('is a small HTML page, brotli- or gzip-compressed as accepted, revalidated with its ETag', async () => {
    const plain = await get(gateway.url, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    expect(plain.headers.get('vary')).toBe('accept-encoding');
    const html = await plain.text();
    expect(html.length).toBeLessThan(20_000); // the rendered page is ~9 MB with everything inline
    expect(html).toContain('Podero GraphQL gateway');
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL(');
    expect(assetPaths(html).map((p) => p.replace(/\.[\w-]{16}\./, '.<hash>.')).sort()).toEqual([
      '/graphql/graphiql/favicon.<hash>.ico',
      '/graphql/graphiql/graphiql.<hash>.css',
      '/graphql/graphiql/graphiql.<hash>.js',
    ]);

    const br = await get(gateway.url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(html);
    const gz = await get(gateway.url, { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(html);

    const etag = br.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{16}-br"$/);
    expect(plain.headers.get('etag')).not.toBe(etag);
    const again = await get(gateway.url, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('is answered to HEAD without a body, and is not served for GraphQL GETs (no text/html)', async () => {
    const head = await fetch(gateway.url, { method: 'HEAD', headers: { accept: 'text/html' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('text/html');
    const query = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json' } });
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('is not served with GRAPHIQL=false', async () => {
    const response = await get(off.url);
    expect(await response.text()).not.toContain('renderYogaGraphiQL');
    expect((await get(`${off.url}/graphiql/graphiql.0000000000000000.js`)).status).toBe(404);
  });
});

describe('its files', () => {
  it('are immutable, content-typed, compressed, and load nothing from another machine', async () => {
    const html = await (await get(gateway.url)).text();
    for (const path of assetPaths(html)) {
      const response = await get(new URL(path, gateway.url).href, { 'accept-encoding': 'br' });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(path.endsWith('.js') ? /^text\/javascript/ : path.endsWith('.css') ? /^text\/css/ : /^image\/x-icon/);
      expect(response.headers.get('content-encoding')).toBe('br');
      const body = brotliDecompressSync(Buffer.from(await response.arrayBuffer())).toString();
      if (path.endsWith('.css')) {
        expect(body).not.toMatch(/url\(\s*["']?https?:/i);
        expect(body).not.toMatch(/@import/i);
      }
      if (path.endsWith('.js')) {
        expect(body).not.toMatch(/import\(\s*["'`]https?:/i);
        expect(body).not.toMatch(/importScripts\(\s*["'`]https?:/i);
      }
    }
    expect((await get(`${gateway.url}/graphiql/graphiql.0000000000000000.js`)).status).toBe(404);
  });
});

describe('splitting and encoding', () => {
  it('moves the style, the bundle and the icon out of the page, and keeps what it does not recognise inline', () => {
    const html = `<html><head><link rel="icon" href="data:image/x-icon;base64,AAAB"><style>a{b:c}</style></head><body><script>var B=1;\nYogaGraphiQL.renderYogaGraphiQL(el, {"title":"t"});</script></body></html>`;
    const { page, assets } = splitGraphiQL(html, '/g/files');
    const text = page.body.toString();
    expect(text).not.toContain('a{b:c}');
    expect(text).not.toContain('var B=1');
    expect(text).toContain('<script>YogaGraphiQL.renderYogaGraphiQL(el, {"title":"t"});</script>');
    expect([...assets.values()].map((a) => a.body.toString('hex'))).toEqual(['000001', Buffer.from('a{b:c}').toString('hex'), Buffer.from('var B=1;\n').toString('hex')]);
    const unknown = splitGraphiQL('<html><body>hello</body></html>', '/g/files');
    expect(unknown.page.body.toString()).toBe('<html><body>hello</body></html>');
    expect(unknown.assets.size).toBe(0);
  });

  it('picks brotli, then gzip, honouring q=0', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(pickEncoding('deflate')).toBe('identity');
    expect(pickEncoding(null)).toBe('identity');
  });
});
