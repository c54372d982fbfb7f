// GraphQL responses compressed when the client accepts it (brotli, then gzip), from COMPRESSION_MIN_BYTES
// on. GraphiQL's introspection is the largest answer the gateway gives on every visit, and JSON of
// ids and enum values shrinks to a fraction. Below the threshold compression costs CPU for nothing a
// client would notice: a body of a few hundred bytes saves a hundred or so and travels in one packet
// either way. The README's "Performance and scale-out" has the measurements behind the threshold.
//
// Only bodies yoga writes whole (JSON with a Content-Length) are compressed. Subscription streams (SSE,
// multipart) are not: a compressor holds small writes back until it has a block, so each event would
// wait for the next one instead of being flushed on its own (Hive Gateway skips SSE for this reason:
// https://github.com/graphql-hive/gateway/blob/61ba30d4e2d197ab3840f69dfd24e8d5cb9b5439/packages/runtime/src/plugins/useContentEncoding.ts).
// Responses that already carry a Content-Encoding (GraphiQL's files, compressed once by
// use-graphiql.ts) are left as they are.
//
// Not @whatwg-node/server's `useContentEncoding`
// (https://github.com/ardatan/whatwg-node/blob/master/packages/server/src/plugins/useContentEncoding.ts):
// it compresses every body of any size, streams included; splits Accept-Encoding on commas without
// trimming or reading q-values (a browser's `gzip, deflate, br` gets gzip, and ` br` after a space
// never matches); sets no Vary; runs brotli at zlib's default quality 11; and inflates compressed
// request bodies too, which would let a small gzip body past MAX_REQUEST_BYTES and expand after it.
//
// BREACH (https://www.breachattack.com/) needs a response that holds a secret next to text an attacker
// chose, fetched by the victim's browser with ambient credentials. Callers here authenticate with a
// bearer token that a page on another site cannot make the browser send, and use-csrf-prevention.ts
// refuses the simple requests such a page could make.
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync, type BrotliOptions, type ZlibOptions } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';
import { pickEncoding, type Encoding } from './use-graphiql.js';

export interface CompressionOptions {
  /** Bodies smaller than this many bytes are sent as they are (COMPRESSION_MIN_BYTES). */
  minBytes: number;
}

/** What yoga writes whole: GraphQL results and errors. text/event-stream and multipart/mixed stream. */
const WHOLE_JSON = /^application\/(?:graphql-response\+)?json\b/i;

/**
 * The fastest level of each. Measured on the gateway's own answers above the threshold (the README's
 * "Performance and scale-out", bench/compression.ts), brotli's quality 1 saves 88-98 % of what quality 4
 * saves for about 40 % of its CPU, and gzip's level 1 97-99 % of what its default level 6 saves, for
 * the same CPU on small answers and under half on large ones. The gateway runs out of CPU before its
 * clients run out of bandwidth, and what the higher levels would save on top is seldom a TCP segment.
 */
const brotli = (bytes: number): BrotliOptions => ({
  // Knowing the size, brotli sizes its buffers to the answer: less memory for large ones, measured.
  params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: bytes },
});
const GZIP: ZlibOptions = { level: constants.Z_BEST_SPEED };

/**
 * From this size the work goes to libuv's thread pool, so that the event loop serves other requests
 * meanwhile. Below it compressing in place is cheaper: the hand-off to a thread and back costs about
 * as much CPU as compressing a few KB, and the loop is held for a fraction of a millisecond.
 */
const THREAD_POOL_FROM = 64 * 1024;

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** A whole body in an encoding: here and on the fast path (src/fast-path.ts). */
export function compress(body: string, bytes: number, encoding: 'br' | 'gzip'): Buffer | Promise<Buffer> {
  if (bytes < THREAD_POOL_FROM) return encoding === 'br' ? brotliCompressSync(body, brotli(bytes)) : gzipSync(body, GZIP);
  return encoding === 'br' ? brotliAsync(body, brotli(bytes)) : gzipAsync(body, GZIP);
}

/**
 * A response's headers as a plain object with lower-case names: yoga's node adapter writes such an
 * object in one `writeHead`, where Headers changed in place are copied header by header (measured: a
 * quarter of what compressing a small answer costs in all).
 */
function plainHeaders(headers: Headers): Record<string, string> {
  const plain: Record<string, string> = {};
  headers.forEach((value, name) => {
    plain[name.toLowerCase()] = value;
  });
  return plain;
}

/**
 * How a whole JSON answer of `bytes` goes out: undefined below the threshold (as it is, and no Vary, since
 * no client would get it otherwise); 'identity' from it when the client accepts no compression (as it is,
 * with Vary); else the encoding to compress it with. Here and on the fast path (src/fast-path.ts).
 */
export function encodingFor(bytes: number, minBytes: number, acceptEncoding: string | null): Encoding | undefined {
  return bytes >= Math.max(1, minBytes) ? pickEncoding(acceptEncoding) : undefined;
}

export function useCompression({ minBytes }: CompressionOptions): Plugin {
  return {
    // Not async: a response left as it is costs no promise.
    onResponse(payload) {
      const { request, response, fetchAPI } = payload;
      const { headers } = response;
      const type = headers.get('content-type');
      const length = Number(headers.get('content-length'));
      // A response that sets cookies is left alone: the gateway sets none, and a plain object holds one value per name.
      if (type === null || !WHOLE_JSON.test(type) || headers.has('content-encoding') || headers.has('set-cookie')) return;
      const encoding = encodingFor(length, minBytes, request.headers.get('accept-encoding'));
      if (encoding === undefined) return;
      // From here the answer depends on Accept-Encoding, and a cache must key it on that.
      if (encoding === 'identity' || request.method === 'HEAD') return void headers.append('vary', 'accept-encoding');
      return response.text().then(async (text) => {
        const body = await compress(text, length, encoding);
        const plain = plainHeaders(headers);
        plain.vary = plain.vary ? `${plain.vary}, accept-encoding` : 'accept-encoding';
        plain['content-encoding'] = encoding;
        plain['content-length'] = String(body.length);
        const bytes = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length);
        payload.setResponse(new fetchAPI.Response(bytes, { status: response.status, statusText: response.statusText, headers: plain }));
      });
    },
  };
}
