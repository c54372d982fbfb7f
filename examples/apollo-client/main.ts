// Runs the example operations against a running gateway and prints what Apollo Client returns and
// what its cache holds, then a live wallbox card: its state, "Charge now", and the boost as it starts.
//   npm start                                   # the gateway in demo mode, in another terminal; with
//                                               # PERSISTED_DOCUMENTS=examples/apollo-client/persisted-query-manifest.json
//                                               # PERSISTED_DOCUMENTS_ONLY=true it runs these operations and no others
//   npx tsx examples/apollo-client/main.ts      # GRAPHQL_URL, USER_ID, WALLBOX_ID override the defaults;
//                                               # ACCESS_TOKEN: a JWT, for a gateway that authenticates callers;
//                                               # SUBSCRIPTIONS=ws: the live card over a WebSocket
import { CombinedGraphQLErrors, type ApolloClient, type ErrorLike, type NormalizedCacheObject } from '@apollo/client';
import { WebSocket } from 'ws';
import { createClient } from './client.js';
import { ChargeNowDocument, WallboxChargingDocument, WallboxLiveDocument, WallboxPairDocument, WallboxStatusDocument } from './generated/graphql.js';

const url = process.env.GRAPHQL_URL ?? 'http://127.0.0.1:4000/graphql';
// The seeded demo data (src/simulator/seed.ts): Anna Berger's Easee wallbox, and her go-e.
const userId = process.env.USER_ID ?? '7077a6d3-1fc2-5f8e-920c-1a4fca9c3a55';
const wallboxId = process.env.WALLBOX_ID ?? '603bbb50-f1db-5501-80f1-e1be83b80c87';
const otherWallboxId = 'f1f763cf-9bd7-5222-995d-255f2cd332a4';
const unknownWallboxId = '00000000-0000-4000-8000-000000000000';

/** How long the live card waits for the boost to start before it gives up. */
const LIVE_CARD_MS = 30_000;

const subscriptions = process.env.SUBSCRIPTIONS === 'ws' ? 'ws' : 'http';
// Node 20 has no global WebSocket (browsers and Node 22 do); see ClientOptions.subscriptions.
globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;
const client = createClient(url, { getToken: () => process.env.ACCESS_TOKEN, subscriptions });
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

  // The go-e in the carport is plugged in and idle: a boost starts there.
  await liveCard(client, { userId, id: otherWallboxId });
} catch (error) {
  // errorPolicy 'none' (the default): a GraphQL error rejects the query with CombinedGraphQLErrors.
  print('failed', describe(error as ErrorLike));
  process.exitCode = 1;
} finally {
  client.stop();
}

/**
 * A live card: prints each WallboxLive event; after the first, presses "Charge now" (ChargeNow), and
 * ends once the boost is ONGOING. In demo mode the charger takes a few seconds to start: the card shows
 * REQUESTED first, and the gateway polls every 3 s until it starts. Nothing here asks again: the events
 * come from the gateway.
 */
function liveCard(apollo: ApolloClient, variables: { userId: string; id: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    let pressed = false;
    const finish = (error?: ErrorLike) => {
      clearTimeout(timer);
      // Not from inside `next`: Apollo Client 4 throws then (apollographql/apollo-client#13137).
      setTimeout(() => subscription.unsubscribe());
      if (error) reject(error instanceof Error ? error : new Error(error.message));
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`the boost did not start within ${LIVE_CARD_MS / 1000} s`)), LIVE_CARD_MS);
    const subscription = apollo.subscribe({ query: WallboxLiveDocument, variables }).subscribe({
      next: ({ data, error }) => {
        if (error) return finish(error);
        print(`WallboxLive (over ${subscriptions})`, data);
        if (data?.wallbox?.boostState === 'ONGOING') return finish();
        if (pressed) return;
        pressed = true;
        apollo.mutate({ mutation: ChargeNowDocument, variables }).then((boost) => print('ChargeNow', boost.data), finish);
      },
      error: finish,
    });
  });
}

function describe(error: ErrorLike | undefined): unknown {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => ({ code: e.extensions?.code, path: e.path, message: e.message }));
  return error && `${error.name}: ${error.message}`;
}

function print(label: string, value: unknown): void {
  console.log(`${label}:\n${JSON.stringify(value, null, 2)}\n`);
}
