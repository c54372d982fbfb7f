// What an HTTP request may carry besides its document, checked before anything reads it: GET query
// parameters that are JSON, and variables/extensions that are not nested without bound. (The body size
// is yoga's `maxRequestBodySize`; the document itself is use-operation-limits.ts's.)
//
// Deeply nested JSON is cheap to send and expensive to walk: graphql-js coerces variables recursively,
// and the upstream client serialises JSONObject arguments with JSON.stringify, which overflows the
// stack on deep input. Depth is checked here with an explicit stack, so nothing recursive ever sees it.
import type { Plugin } from 'graphql-yoga';
import { requestError } from './errors.js';

/** Deeper than any variable the schema takes (a representation is 3 levels, a JSON payload a handful). */
export const MAX_JSON_DEPTH = 32;

export function useRequestLimits(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      // yoga's GET parser calls JSON.parse on `variables` and `extensions` and lets a SyntaxError
      // escape as an unexpected (500) error; it is the caller's malformed request.
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof SyntaxError) {
            throw requestError('BAD_REQUEST', 'The variables and extensions parameters must be JSON objects');
          }
          throw error;
        }
      });
    },
    onParams({ params, setResult }) {
      for (const name of ['variables', 'extensions'] as const) {
        if (jsonDepthExceeds(params[name], MAX_JSON_DEPTH)) {
          setResult({ errors: [requestError('BAD_USER_INPUT', `The ${name} are nested more than ${MAX_JSON_DEPTH} levels deep`)] });
          return;
        }
      }
    },
  };
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
