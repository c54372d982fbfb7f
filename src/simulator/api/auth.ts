// The partner API's authorization. `POST /oauth2/token/` issues access tokens by OAuth2 client
// credentials, django-oauth-toolkit style (https://developers.podero.com/partner-api/getting-started/get-access-token):
// client authentication by Basic header, `grant_type` in a JSON (or form) body. Every other route but
// a few wants one of those tokens, unexpired and unrevoked, or a static one, as a Bearer header.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Route } from '../http.js';
import type { Store } from '../store.js';

export interface SimulatorClient {
  clientId: string;
  clientSecret: string;
}

export function tokenRoute(store: Store, clients: SimulatorClient[], expiresInS: () => number): Route {
  return {
    method: 'POST',
    name: 'POST /oauth2/token/',
    pattern: /^\/oauth2\/token\/?$/,
    auth: false,
    handle({ headers, body }) {
      const basic = /^Basic (\S+)$/.exec(headers.authorization ?? '');
      const [clientId, clientSecret] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':', 2) : [];
      const client = clients.find((c) => c.clientId === clientId && safeEqual(c.clientSecret, clientSecret ?? ''));
      if (!client) return { status: 401, body: { error: 'invalid_client' } };
      if ((body as { grant_type?: unknown } | undefined)?.grant_type !== 'client_credentials') {
        return { status: 400, body: { error: 'unsupported_grant_type' } };
      }
      const token = randomBytes(24).toString('base64url');
      store.tokens.set(token, store.now() + expiresInS() * 1000);
      store.issued.push(token);
      return { status: 200, body: { access_token: token, expires_in: expiresInS(), token_type: 'Bearer', scope: 'read write' } };
    },
  };
}

/** Whether an Authorization header carries a token the simulator accepts: a static one, or one it issued that is still valid. */
export function bearerAccepted(store: Store, staticTokens: string[], header: string | undefined): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  if (!match) return false;
  const token = match[1]!;
  if (staticTokens.includes(token)) return true;
  const expiresAt = store.tokens.get(token);
  return expiresAt !== undefined && store.now() < expiresAt;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
