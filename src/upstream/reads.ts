// The one read path: "this GET, for this credential". Every answer the gateway keeps — for the rest
// of one GraphQL request, or for a few seconds across requests (PODERO_CACHE_TTL_MS) — is kept here,
// keyed by the request itself (its path and query, and, across requests, the credential it was read
// with), and dropped here when the gateway writes, by one rule (`related`). As RESTDataSource keys
// its deduplication and cache by the request it makes
// (https://github.com/apollographql/datasource-rest#memoization), so nothing above this file builds
// a key or decides what a write invalidates: loaders only batch, and prime what they learnt.
//
//   per request   RequestReads  each GET once (aliases, fragments, a list item and its detail), and
//                               what loaders decoded from it, dropped together by a write
//   across them   SharedReads   answers kept for the TTL, in this process or in Redis (src/redis/),
//                               partitioned by credential, and GETs in flight that others join
import { LRUCache } from 'lru-cache';
import type { SendResult } from './transport.js';

/** What a write whose reach is unknown touched: every read (paths always start with `/`). */
export const EVERYTHING = '*';

/** A GET's key: its path below the API base and its query string, exactly as sent. */
export function readKey(path: string, query?: Record<string, string>): string {
  return query ? `${path}?${new URLSearchParams(query).toString()}` : path;
}

/** The path of a read's key. */
function pathOf(key: string): string {
  const at = key.indexOf('?');
  return at === -1 ? key : key.slice(0, at);
}

/**
 * The rule for what a write invalidates: a read of `cached` may be stale after a write to `written`
 * when it is the same resource, one the write sits below (a boost changes its wallbox), or one below
 * the write (a user's change shows in the owner embedded in their devices).
 */
export function related(cached: string, written: string): boolean {
  return written === EVERYTHING || cached === written || written.startsWith(`${cached}/`) || cached.startsWith(`${written}/`);
}

/**
 * The same rule as keys for a store that cannot test every key it holds (Redis): the written path and
 * every path above it, exactly, and every path below it, by prefix.
 */
export function reach(written: string): { exact: string[]; below: string } | typeof EVERYTHING {
  if (written === EVERYTHING) return EVERYTHING;
  const segments = written.split('/');
  const exact = segments.map((_s, i) => segments.slice(0, i + 1).join('/')).filter((p) => p.startsWith('/') && p.length > 1);
  return { exact, below: `${written}/` };
}

// ---- per request -------------------------------------------------------------------------------------

interface Entry {
  /** The GET's answer, once it was asked for. */
  answer?: Promise<SendResult>;
  /** What each loader decoded from it (or was primed with), by loader. */
  decoded?: Map<string, unknown>;
}

/** One GraphQL request's reads. Lives in its session; never shared. */
export class RequestReads {
  readonly #entries = new Map<string, Entry>();

  /** The answer to this GET: the one this request already has, or `make()`'s. */
  answer(key: string, make: () => Promise<SendResult>): Promise<SendResult> {
    let entry = this.#entries.get(key);
    if (!entry) this.#entries.set(key, (entry = {}));
    return (entry.answer ??= make());
  }

  /**
   * A loader's cache (DataLoader's `cacheMap`), kept in the same entries as the answers: a write drops
   * both together. `loader` tells loaders that decode the same GET apart (a list, and its items).
   */
  view<V>(loader: string): Map<string, V> {
    const entries = this.#entries;
    const view = {
      get: (key: string) => entries.get(key)?.decoded?.get(loader) as V | undefined,
      set(key: string, value: V) {
        let entry = entries.get(key);
        if (!entry) entries.set(key, (entry = {}));
        (entry.decoded ??= new Map()).set(loader, value);
        return view;
      },
      delete: (key: string) => entries.get(key)?.decoded?.delete(loader) ?? false,
      clear: () => {
        for (const entry of entries.values()) entry.decoded?.delete(loader);
      },
    };
    return view as unknown as Map<string, V>;
  }

  /** After a write: every read it may have changed is dropped, answers and decoded values alike. */
  invalidate(written: string): void {
    // Deleting the entry being visited is safe while iterating a Map.
    for (const key of this.#entries.keys()) if (related(pathOf(key), written)) this.#entries.delete(key);
  }
}

// ---- across requests ---------------------------------------------------------------------------------

export interface CachedRead {
  status: number;
  body: unknown;
}

/** Where answers kept across requests live: this process (MemoryReadCache) or a store replicas share (src/redis/). */
export interface ReadCacheStore {
  get(partition: string, key: string): Promise<CachedRead | undefined>;
  set(partition: string, key: string, read: CachedRead, ttlMs: number): Promise<void>;
  /** Drops every partition's reads a write touched (`related`); EVERYTHING when the write's reach is unknown. */
  invalidate(written: string): Promise<void>;
}

/** This process's kept answers: lru-cache with a time to live per answer, at most `max`, least recently used out first. */
export class MemoryReadCache implements ReadCacheStore {
  readonly #answers: LRUCache<string, CachedRead>;

  constructor({ max = 10_000 }: { max?: number } = {}) {
    this.#answers = new LRUCache({ max });
  }

  get(partition: string, key: string): Promise<CachedRead | undefined> {
    return Promise.resolve(this.#answers.get(`${key} ${partition}`));
  }

  set(partition: string, key: string, read: CachedRead, ttlMs: number): Promise<void> {
    this.#answers.set(`${key} ${partition}`, read, { ttl: ttlMs });
    return Promise.resolve();
  }

  invalidate(written: string): Promise<void> {
    if (written === EVERYTHING) this.#answers.clear();
    else for (const key of [...this.#answers.keys()]) if (related(pathOf(key.slice(0, key.indexOf(' '))), written)) this.#answers.delete(key);
    return Promise.resolve();
  }
}

/**
 * The cache as sessions use it: the store, the time to live, and the GETs still in flight, which
 * identical GETs join instead of making their own call.
 *
 * In-flight sharing is a map here rather than lru-cache's `fetch()`: a write must stop new readers
 * from joining a GET that started before it, yet let those already waiting have its answer (they asked
 * before the write); lru-cache aborts the fetch on `delete` and rejects every waiter. A write also
 * bumps the generation: a GET that started before it is not stored.
 */
export class SharedReads {
  readonly #flights = new Map<string, Promise<CachedRead>>();
  #generation = 0;

  constructor(
    readonly store: ReadCacheStore,
    readonly ttlMs: number,
  ) {}

  /** The answer to a GET for this credential partition: kept, in flight, or `call()`'s (then kept for the TTL). */
  async answer(partition: string, key: string, call: () => Promise<CachedRead>): Promise<CachedRead> {
    const kept = await this.store.get(partition, key);
    if (kept) return kept;
    const flightKey = `${key} ${partition}`;
    let flight = this.#flights.get(flightKey);
    if (!flight) {
      const generation = this.#generation;
      const made = (flight = call().then(async (read) => {
        // Not kept if a write came in meanwhile: the answer may be from before it.
        if (generation === this.#generation) await this.store.set(partition, key, read, this.ttlMs);
        return read;
      }));
      this.#flights.set(flightKey, made);
      // Only this flight: a write may have dropped it, and a newer one for the same key taken its place.
      const done = () => this.#flights.get(flightKey) === made && this.#flights.delete(flightKey);
      void made.then(done, done);
    }
    return flight;
  }

  async invalidate(written: string): Promise<void> {
    this.#generation++;
    for (const key of this.#flights.keys()) if (related(pathOf(key.slice(0, key.indexOf(' '))), written)) this.#flights.delete(key);
    await this.store.invalidate(written);
  }
}
