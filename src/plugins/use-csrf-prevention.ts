// Cross-site request forgery: a web page on another origin may send a "simple" request (a form post,
// text/plain) without asking the browser first, and the gateway would act on it with the credentials
// it holds. GraphQL requests here must be JSON (or application/graphql): content types a browser only
// sends cross-origin after a CORS preflight, which the gateway answers for CORS_ORIGINS alone. The same
// rule Apollo Server applies. (GET cannot carry a mutation: yoga refuses that by itself.)
import type { Plugin } from 'graphql-yoga';
import { errorResponseBody } from '../error-codes.js';

const ACCEPTED = new Set(['application/json', 'application/graphql', 'application/graphql-response+json']);

export function useCsrfPrevention(): Plugin {
  return {
    onRequest(payload) {
      const { request, fetchAPI } = payload;
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
      if (ACCEPTED.has(type)) return;
      const message = `POST requests must have Content-Type application/json (got ${type === '' ? 'none' : JSON.stringify(type.slice(0, 100))})`;
      payload.endResponse(
        new fetchAPI.Response(errorResponseBody('BAD_REQUEST', message), {
          status: 415,
          headers: { 'content-type': 'application/json' },
        }),
      );
    },
  };
}
