// GraphiQL, served light. @graphql-yoga/render-graphiql renders one self-contained ~9 MB page (editor,
// workers, styles and icon inline, nothing from a CDN, so it works without internet). Sent as it is,
// every visit would move 9 MB. Here it is rendered once, split into a small HTML page and its static
// parts as separate files named by their content hash, each compressed once (brotli or gzip, as the
// browser accepts) and served with an ETag: the page is revalidated on every visit (304 when
// unchanged), the hashed files are cached for a year. Still nothing loads from outside the gateway.
// The renderer itself is a 9 MB module (33 MB of heap, ~0.15 s to load): it is imported on the first
// visit, not at start-up, so a gateway nobody opens GraphiQL on never holds it.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

export interface GraphiQLOptions {
  /** The GraphQL endpoint the page talks to; its files are served below it, at `<endpoint>/graphiql/`. */
  endpoint: string;
  title: string;
  /** The operations GraphiQL opens with, one tab each. */
  defaultTabs: { query: string }[];
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** One file GraphiQL is made of, with its compressed forms made on first demand. */
class StaticFile {
  readonly etag: string;
  readonly #encoded = new Map<Encoding, Promise<Buffer>>();

  constructor(
    readonly body: Buffer,
    readonly contentType: string,
    readonly cacheControl: string,
  ) {
    this.etag = `"${hash(body)}"`;
    this.#encoded.set('identity', Promise.resolve(body));
  }

  /** Compression runs on libuv's thread pool: the event loop keeps serving meanwhile. */
  encoded(encoding: Encoding): Promise<Buffer> {
    let encoded = this.#encoded.get(encoding);
    if (!encoded) {
      // brotli quality 5: 9 MB -> 1.95 MB in ~0.3 s of CPU; quality 11 saves 12 % more for ~14 s.
      encoded =
        encoding === 'br'
          ? promisify(brotliCompress)(this.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: this.body.length } })
          : promisify(gzip)(this.body, { level: 6 });
      this.#encoded.set(encoding, encoded);
    }
    return encoded;
  }
}

function hash(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('base64url').slice(0, 16);
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

interface GraphiQLFiles {
  page: StaticFile;
  /** By file name (`graphiql.<hash>.js`, ...). */
  assets: Map<string, StaticFile>;
}

/**
 * The rendered page, with its style sheet, script bundle and icon moved to files. A part whose
 * expected shape is not found (a future render-graphiql) simply stays inline.
 */
export function splitGraphiQL(html: string, assetBase: string): GraphiQLFiles {
  const assets = new Map<string, StaticFile>();
  const add = (stem: string, extension: string, body: Buffer, contentType: string): string => {
    const name = `${stem}.${hash(body)}.${extension}`;
    assets.set(name, new StaticFile(body, contentType, IMMUTABLE));
    return `${assetBase}/${name}`;
  };

  let page = html.replace(/<link rel="icon" href="data:image\/x-icon;base64,([A-Za-z0-9+/=]+)"/, (_match, data: string) =>
    `<link rel="icon" href="${add('favicon', 'ico', Buffer.from(data, 'base64'), 'image/x-icon')}"`,
  );
  page = page.replace(/<style>([\s\S]*?)<\/style>/, (_match, css: string) =>
    `<link rel="stylesheet" href="${add('graphiql', 'css', Buffer.from(css), 'text/css; charset=utf-8')}">`,
  );
  // One classic script holds the workers, the bundle and, at its end, the call that renders the page
  // with this gateway's options: the bundle becomes a file, the call stays in the page.
  const open = page.indexOf('<script>');
  const close = page.lastIndexOf('</script>');
  const call = page.lastIndexOf('YogaGraphiQL.renderYogaGraphiQL(');
  if (open !== -1 && open < call && call < close) {
    const bundle = page.slice(open + '<script>'.length, call);
    const src = add('graphiql', 'js', Buffer.from(bundle), 'text/javascript; charset=utf-8');
    page = `${page.slice(0, open)}<script src="${src}"></script>\n<script>${page.slice(call)}`;
  }
  return { page: new StaticFile(Buffer.from(page), 'text/html; charset=utf-8', 'no-cache'), assets };
}

/** The best encoding the client accepts: brotli, then gzip, else none. */
export function pickEncoding(acceptEncoding: string | null): Encoding {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => q === undefined || Number(q.trim().replace(/^q=/, '')) > 0)
      .map(([name]) => name!.trim().toLowerCase()),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}

export function useGraphiQL({ endpoint, title, defaultTabs }: GraphiQLOptions): Plugin {
  const assetBase = `${endpoint}/graphiql`;
  let files: Promise<GraphiQLFiles> | undefined;
  const load = (): Promise<GraphiQLFiles> =>
    (files ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) =>
      splitGraphiQL(renderGraphiQL({ title, endpoint, defaultTabs, shouldPersistHeaders: false }), assetBase),
    ));

  return {
    async onRequest(payload) {
      const { request, url, fetchAPI } = payload;
      const endResponse = (response: Response) => payload.endResponse(response);
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      let file: StaticFile | undefined;
      if (url.pathname === endpoint) {
        // As yoga decides it: a browser navigating here asks for HTML; a GraphQL GET does not.
        if (!(request.headers.get('accept') ?? '').includes('text/html')) return;
        file = (await load()).page;
      } else if (url.pathname.startsWith(`${assetBase}/`)) {
        file = (await load()).assets.get(url.pathname.slice(assetBase.length + 1));
        if (!file) {
          endResponse(new fetchAPI.Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
          return;
        }
      } else {
        return;
      }

      const encoding = pickEncoding(request.headers.get('accept-encoding'));
      // One ETag per representation: a cache must not answer a gzip client with brotli bytes.
      const etag = encoding === 'identity' ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;
      const headers: Record<string, string> = {
        'content-type': file.contentType,
        'cache-control': file.cacheControl,
        etag,
        vary: 'accept-encoding',
        'x-content-type-options': 'nosniff',
      };
      if ((request.headers.get('if-none-match') ?? '').split(',').some((tag) => tag.trim() === etag)) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      const body = await file.encoded(encoding);
      if (encoding !== 'identity') headers['content-encoding'] = encoding;
      headers['content-length'] = String(body.length);
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length), { status: 200, headers }));
    },
  };
}
