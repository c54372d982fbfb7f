// Per-request DataLoaders: within one GraphQL request the same resource costs one upstream call, however
// many times it is asked for (aliases, fragments, entity references). Created per request, so nothing
// cached here outlives the request or is seen by another caller.
import DataLoader from 'dataloader';
import type { ApiSession } from './upstream/client.js';
import { fetchWallbox, type Wallbox, type WallboxKey } from './upstream/wallboxes.js';

export interface Loaders {
  wallbox: DataLoader<WallboxKey, Wallbox, string>;
}

/** The partner API has no batch endpoints: a batch is one call per distinct key, concurrent within the session's cap. */
function perKey<K, V>(load: (key: K) => Promise<V>) {
  return (keys: readonly K[]): Promise<(V | Error)[]> =>
    Promise.all(keys.map((key) => load(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))));
}

export function createLoaders(api: ApiSession): Loaders {
  return {
    wallbox: new DataLoader(perKey((key: WallboxKey) => fetchWallbox(api, key)), {
      cacheKeyFn: (k) => `${k.orgId}/${k.userId}/${k.id}/${k.includeDeleted ? 'with-deleted' : 'live'}`,
    }),
  };
}
