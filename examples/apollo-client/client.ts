// An Apollo Client 4 for the gateway: a normalized InMemoryCache, the caller's token on every request
// (an auth link), and automatic persisted queries (APQ) in front of the HTTP transport. The gateway runs
// @graphql-yoga/plugin-apq, so after the first use of an operation only its SHA-256 hash travels; an
// unknown hash is answered with PersistedQueryNotFound and the link resends that one request with the
// full query.
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

export interface ClientOptions {
  /** The fetch HTTP requests go through (default: the global one); tests pass a recording wrapper. */
  fetch?: typeof fetch;
  /**
   * The signed-in user's access token from your identity provider (Auth0, Keycloak, Entra ID,
   * Cognito, ...), asked for before each request so a refreshed token is picked up. Needed when the
   * gateway authenticates callers (AUTH_JWKS_URL); leave it out when it does not.
   */
  getToken?: () => string | undefined | Promise<string | undefined>;
}

export function createClient(url: string, { fetch, getToken }: ClientOptions = {}): ApolloClient {
  const auth = new SetContextLink(async (previous) => {
    const token = await getToken?.();
    return token ? { headers: { ...(previous.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } } : {};
  });
  const persistedQueries = new PersistedQueryLink({
    // In a browser, use crypto.subtle.digest('SHA-256', ...) instead; any hex SHA-256 works.
    sha256: (query) => createHash('sha256').update(query).digest('hex'),
  });
  const http = new HttpLink({ uri: url, ...(fetch ? { fetch } : {}) });
  return new ApolloClient({
    link: ApolloLink.from([auth, persistedQueries, http]),
    // Wallbox and Owner have an `id`, so the default cache ids apply: `Wallbox:<id>`, `Owner:<id>`.
    // Queries that select `id` share one entry per object, whatever else they select; the types
    // without an id (DeviceModel, actions) are stored inside their wallbox.
    cache: new InMemoryCache(),
  });
}
