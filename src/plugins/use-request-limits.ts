// What an HTTP request may carry besides its document, checked before anything reads it: the body's
// size, GET query parameters that are JSON, and variables/extensions that are not nested without
// bound. (The document itself is use-operation-limits.ts's.)
//
// The body size is checked here rather than by yoga's `maxRequestBodySize`, which pipes every body
// through a TransformStream into a new Request — an AbortController, a stream pipeline and a
// DOMException per request (part of the hot-path lever in the README's "Performance and scale-out"
// table, measured with bench/ab.ts). A body with a Content-Length is
// refused on that header alone (node's HTTP parser never delivers more bytes than it announces); only
// a chunked body, whose size is known at its end, is counted as it is read.
//
// Deeply nested JSON is cheap to send and expensive to walk: graphql-js coerces variables recursively,
// and the upstream client serialises JSONObject arguments with JSON.stringify, which overflows the
// stack on deep input. Depth is checked here with an explicit stack, so nothing recursive ever sees it.
import type { Plugin } from 'graphql-yoga';
import type { GraphQLError } from 'graphql';
import { refusal } from '../graphql-errors.js';

/** Deeper than any variable the schema takes (a representation is 3 levels, a JSON payload a handful). */
export const MAX_JSON_DEPTH = 32;

/** Only a single non-negative integer is a valid Content-Length (as yoga checks it). */
const CONTENT_LENGTH = /^\d+$/;

export function useRequestLimits({ maxBodyBytes }: { maxBodyBytes: number }): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (length !== null) {
        if (!CONTENT_LENGTH.test(length)) throw refusal('BAD_REQUEST', 'Content-Length header is invalid.');
        if (Number(length) > maxBodyBytes) throw tooLarge();
      }
      if (!requestParser) return;
      const chunked = length === null && request.body !== null;
      setRequestParser(async (received) => {
        try {
          return await requestParser(chunked ? countedBody(received, maxBodyBytes, fetchAPI) : received);
        } catch (error) {
          // yoga's GET parser calls JSON.parse on `variables` and `extensions` and lets a SyntaxError
          // escape as an unexpected (500) error; it is the caller's malformed request.
          if (error instanceof SyntaxError) {
            throw refusal('BAD_REQUEST', 'The variables and extensions parameters must be JSON objects');
          }
          throw error;
        }
      });
    },
    onParams({ params, setResult }) {
      for (const name of ['variables', 'extensions'] as const) {
        if (jsonDepthExceeds(params[name], MAX_JSON_DEPTH)) {
          setResult({ errors: [refusal('BAD_USER_INPUT', `The ${name} are nested more than ${MAX_JSON_DEPTH} levels deep`)] });
          return;
        }
      }
    },
  };
}

function tooLarge(): GraphQLError {
  return refusal('REQUEST_ENTITY_TOO_LARGE', 'Request body too large');
}

/** The request with a body that fails with 413 once more than `limit` bytes of it have been read. */
function countedBody(request: Request, limit: number, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  let read = 0;
  // A native body needs node's TransformStream; the adapter's own body, the adapter's (as yoga does it).
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit);
}

/** Whether a parsed JSON value nests objects/arrays deeper than `limit`, found without recursion. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
