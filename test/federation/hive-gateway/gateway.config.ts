// Hive Gateway's configuration for test/e2e/hive-gateway.test.ts, which runs the router's CLI with it:
//   hive-gateway supergraph <supergraph.graphql> --config-path gateway.config.ts --host 127.0.0.1 --port <port>
// Reference: https://the-guild.dev/graphql/hive/docs/api-reference/gateway-config
//
// No import of '@graphql-hive/gateway' (its `defineConfig` only types the object): the root's tsc and
// eslint check this file on a clean clone too, before test/setup/hive-gateway.ts has installed the router.

/** The name the test composes this gateway's subgraph under (the supergraph's `join__Graph` value). */
const PODERO = 'podero';

export const gatewayConfig = {
  transportEntries: {
    [PODERO]: {
      options: {
        // Hive Gateway subscribes to a subgraph over GraphQL over SSE unless told otherwise
        // (https://the-guild.dev/graphql/hive/docs/gateway/subscriptions#configure-subgraph-transport).
        // The gateway serves SSE too, but graphql-ws is what a router's subscription to it is meant to use
        // (README "Using the gateway as a Federation 2 subgraph"), so that is the path this proves:
        // the `ws` transport on the subgraph's own /graphql (a location relative to its URL).
        subscriptions: {
          kind: 'ws',
          location: '/graphql',
          options: {
            // A WebSocket carries no per-operation headers: the gateway reads the caller's token from
            // connection_init. `context.headers` holds the client's headers (any case), and for a
            // graphql-ws client also its connection_init payload, merged in with its keys as sent
            // (`Authorization` or `authorization`): hence both spellings. An empty value is left out,
            // so an anonymous client is anonymous at the gateway too. The router opens one socket per
            // distinct set of connection params, so callers never share one.
            connectionParams: { Authorization: '{context.headers.authorization}', authorization: '{context.headers.Authorization}' },
          },
        },
      },
    },
  },
  // Queries and mutations go over HTTP: they carry the client's token as a header (both spellings, as above).
  propagateHeaders: {
    fromClientToSubgraphs: ({ context }: { context: { headers?: Record<string, string | undefined> } }) => ({
      authorization: context.headers?.authorization ?? context.headers?.Authorization,
    }),
  },
};
