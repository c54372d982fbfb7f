// An Apollo Client 4 for the gateway: a normalized InMemoryCache, the caller's token on every request
// (an auth link), and persisted queries in front of the transports: each operation travels by its id
// in persisted-query-manifest.json, the manifest `npm run manifest` writes from ./operations with
// @apollo/generate-persisted-query-manifest, looked up by @apollo/persisted-query-lists
// (https://www.npmjs.com/package/@apollo/persisted-query-lists).
// - A gateway started with that manifest (PERSISTED_DOCUMENTS, and PERSISTED_DOCUMENTS_ONLY=true to run
//   nothing else) runs each operation by its id at once.
// - A gateway without it still knows the ids, as automatic persisted queries: the ids are the SHA-256 of
//   the documents as Apollo sends them, so an unknown one is answered with PersistedQueryNotFound and the
//   link resends that one request with the full query, which the gateway keeps (APQ).
// An operation missing from the manifest fails in the client ("not found in manifest"): run
// `npm run manifest` after changing ./operations, and ship the new manifest to the gateway with the app.
//
// Subscriptions take one of two transports the gateway serves on the same URL
// (https://www.apollographql.com/docs/react/data/subscriptions):
// - 'http' (the default): the same HttpLink, which in Apollo Client 4 speaks Apollo's multipart protocol
//   for a subscription with no other link or package
//   (https://www.apollographql.com/docs/graphos/routing/operations/subscriptions/multipart-protocol);
//   the persisted-queries link in front serves subscriptions as it serves queries.
// - 'ws': graphql-ws over a WebSocket (GraphQLWsLink) for subscriptions, queries and mutations still
//   over HTTP: one socket carries every subscription of the page, where multipart opens a stream each.
//   GraphQLWsLink sends the document with the id: the gateway checks that they go together.
import { OperationTypeNode } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import manifest from './persisted-query-manifest.json' with { type: 'json' };

export interface ClientOptions {
  /** The fetch HTTP requests go through (default: the global one); tests pass a recording wrapper. */
  fetch?: typeof fetch;
  /**
   * The signed-in user's access token from your identity provider (Auth0, Keycloak, Entra ID,
   * Cognito, ...), asked for before each request so a refreshed token is picked up. Needed when the
   * gateway authenticates callers (AUTH_JWKS_URL); leave it out when it does not.
   */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /**
   * How subscriptions travel: 'http' (multipart, the default) or 'ws' (graphql-ws on the same path).
   * 'ws' needs a global WebSocket, as browsers and Node 22 have: on Node 20 set the `ws` package's
   * first. Passing it to graphql-ws alone is not enough: GraphQLWsLink reads the global one when a
   * subscription is refused (apollographql/apollo-client#11761).
   */
  subscriptions?: 'http' | 'ws';
}

/**
 * The schema's interfaces and unions and the types behind each. The cache needs them to match a
 * fragment on an abstract type (`... on BoostStarted` in a BoostWallboxResult) without the schema
 * (https://www.apollographql.com/docs/react/data/fragments#defining-possibletypes-manually);
 * test/e2e/apollo-client.test.ts checks them against the gateway's schema.
 */
export const POSSIBLE_TYPES: Record<string, string[]> = {
  Action: ['ReauthenticateAction', 'UnknownAction'],
  BoostElectricVehicleResult: ['BoostRejected', 'ElectricVehicleBoostArmed', 'ElectricVehicleBoostStarted'],
  BoostWallboxResult: ['BoostArmed', 'BoostRejected', 'BoostStarted'],
  Device: ['ElectricVehicle', 'HeatPump', 'Inverter', 'Wallbox'],
};

export function createClient(url: string, { fetch, getToken, subscriptions = 'http' }: ClientOptions = {}): ApolloClient {
  const auth = new SetContextLink(async (previous) => {
    const token = await getToken?.();
    return token ? { headers: { ...(previous.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } } : {};
  });
  // In a browser app, import the manifest (bundlers inline JSON) or fetch it: it is public, the gateway
  // holds the same list.
  const persistedQueries = new PersistedQueryLink(generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest }));
  const http = new HttpLink({ uri: url, ...(fetch ? { fetch } : {}) });
  return new ApolloClient({
    link: ApolloLink.from([auth, persistedQueries, subscriptions === 'ws' ? ApolloLink.split(isSubscription, webSocketLink(url, getToken), http) : http]),
    // Wallbox and Owner have an `id`, so the default cache ids apply: `Wallbox:<id>`, `Owner:<id>`.
    // Queries that select `id` share one entry per object, whatever else they select; the types
    // without an id (DeviceModel, actions) are stored inside their wallbox. A subscription's events
    // land in the same entries, so every query showing that wallbox shows its live state too.
    cache: new InMemoryCache({ possibleTypes: POSSIBLE_TYPES }),
  });
}

function isSubscription(operation: ApolloLink.Operation): boolean {
  return operation.operationType === OperationTypeNode.SUBSCRIPTION;
}

/**
 * graphql-ws on the gateway's own URL. A WebSocket carries no Authorization header from a browser, so
 * the token travels in `connection_init`'s payload, which the gateway reads as that header. The
 * socket opens with the first subscription and closes after the last one (graphql-ws's lazy mode), so
 * each new socket asks `getToken` again.
 */
function webSocketLink(url: string, getToken: ClientOptions['getToken']): GraphQLWsLink {
  const client = createWsClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: async () => {
      const token = await getToken?.();
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
  });
  return new GraphQLWsLink(client);
}
