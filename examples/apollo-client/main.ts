// Runs the example operations against a running gateway and prints what Apollo Client returns and
// what its cache holds.
//   npm start                                   # the gateway in demo mode, in another terminal
//   npx tsx examples/apollo-client/main.ts      # GRAPHQL_URL, USER_ID, WALLBOX_ID override the defaults;
//                                               # ACCESS_TOKEN: a JWT, for a gateway that authenticates callers
import { CombinedGraphQLErrors, type ErrorLike, type NormalizedCacheObject } from '@apollo/client';
import { createClient } from './client.js';
import { WallboxChargingDocument, WallboxPairDocument, WallboxStatusDocument } from './generated/graphql.js';

const url = process.env.GRAPHQL_URL ?? 'http://127.0.0.1:4000/graphql';
// The seeded demo data (src/simulator/seed.ts): Anna Berger's Easee wallbox, and her go-e.
const userId = process.env.USER_ID ?? '7077a6d3-1fc2-5f8e-920c-1a4fca9c3a55';
const wallboxId = process.env.WALLBOX_ID ?? '603bbb50-f1db-5501-80f1-e1be83b80c87';
const otherWallboxId = 'f1f763cf-9bd7-5222-995d-255f2cd332a4';
const unknownWallboxId = '00000000-0000-4000-8000-000000000000';

const client = createClient(url, { getToken: () => process.env.ACCESS_TOKEN });
try {
  const status = await client.query({ query: WallboxStatusDocument, variables: { userId, id: wallboxId } });
  print('WallboxStatus', status.data);

  const charging = await client.query({ query: WallboxChargingDocument, variables: { userId, id: wallboxId } });
  print('WallboxCharging', charging.data);

  // Both queries selected `id`: the cache holds one entry for the wallbox with the fields of both.
  const cached = client.cache.extract() as NormalizedCacheObject; // ApolloCache types it as unknown
  print(`cache: Wallbox:${wallboxId}`, cached[`Wallbox:${wallboxId}`]);
  print(`cache: Owner:${userId}`, cached[`Owner:${userId}`]);

  // One wallbox of two fails: with errorPolicy 'all' the other one's data arrives next to the error.
  const pair = await client.query({
    query: WallboxPairDocument,
    variables: { userId, first: otherWallboxId, second: unknownWallboxId },
    errorPolicy: 'all',
  });
  print('WallboxPair (second id unknown)', pair.data);
  print('WallboxPair error', describe(pair.error));
} catch (error) {
  // errorPolicy 'none' (the default): a GraphQL error rejects the query with CombinedGraphQLErrors.
  print('failed', describe(error as ErrorLike));
  process.exitCode = 1;
} finally {
  client.stop();
}

function describe(error: ErrorLike | undefined): unknown {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => ({ code: e.extensions?.code, path: e.path, message: e.message }));
  return error && `${error.name}: ${error.message}`;
}

function print(label: string, value: unknown): void {
  console.log(`${label}:\n${JSON.stringify(value, null, 2)}\n`);
}
