// Automatic persisted queries (APQ, as Apollo Client's persisted-queries link speaks it): after the
// first use of an operation only its SHA-256 hash travels. An unknown hash is answered with
// PersistedQueryNotFound (code PERSISTED_QUERY_NOT_FOUND) and the client resends the query once.
import { createInMemoryAPQStore, useAPQ, type APQStore } from '@graphql-yoga/plugin-apq';
import type { Plugin } from 'graphql-yoga';

export interface PersistedQueriesOptions {
  /** Documents kept (least recently used go first). */
  maxEntries?: number;
  /** How long a document is kept, in milliseconds. */
  ttlMs?: number;
  /** Longer documents run, but are not kept: the store's memory stays bounded by maxEntries × this. */
  maxDocumentLength?: number;
  /** Puts the documents where replicas share them (src/redis/stores.ts), this process's store as its fallback. */
  share?: ((local: APQStore, options: { ttlMs: number; maxDocumentLength: number }) => APQStore) | undefined;
}

export function usePersistedQueries({ maxEntries = 1000, ttlMs = 24 * 3600_000, maxDocumentLength = 16 * 1024, share }: PersistedQueriesOptions = {}): Plugin {
  // The plugin's default store keeps documents for 36 s (its ttl is in milliseconds), so clients would
  // re-send most queries in full; and it would keep documents of any size.
  const store = createInMemoryAPQStore({ max: maxEntries, ttl: ttlMs });
  const bounded: APQStore = {
    get: (hash) => store.get(hash),
    set(hash, document): void {
      if (document.length <= maxDocumentLength) void store.set(hash, document);
    },
  };
  return useAPQ({ store: share ? share(bounded, { ttlMs, maxDocumentLength }) : bounded });
}
