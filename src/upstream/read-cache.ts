// The opt-in short cache of upstream reads (PODERO_CACHE_TTL_MS): answers to GETs kept for a few
// seconds and shared between requests. Partitioned by credential: with the organization's credentials
// every caller gets the same answers, but in pass-through mode each caller's Authorization is its own
// partition, so an answer is never served to another caller — or to one who sent none (the cache key
// bug of apollo-server#4486). The gateway's own writes drop what they touch (see `relatedPaths`).
import { LRUCache } from 'lru-cache';

/** What a write whose reach is unknown touched: every read (paths always start with `/`). */
export const EVERYTHING = '*';

export interface CachedRead {
  status: number;
  body: unknown;
}

/** Where cached reads live: this process (MemoryReadCache) or a store replicas share (src/redis/). */
export interface ReadCacheStore {
  get(partition: string, path: string, query: string): Promise<CachedRead | undefined>;
  set(partition: string, path: string, query: string, read: CachedRead, ttlMs: number): Promise<void>;
  /** Drops every partition's reads of the paths a write touched; EVERYTHING when the write's reach is unknown. */
  invalidate(path: string): Promise<void>;
}

/**
 * Whether a cached read of `cached` may be stale after a write to `written`: the same resource, one
 * the write sits below (a boost changes its wallbox), or one below the write (a user's change shows in
 * the owner embedded in their devices).
 */
export function related(cached: string, written: string): boolean {
  return written === EVERYTHING || cached === written || written.startsWith(`${cached}/`) || cached.startsWith(`${written}/`);
}

interface Entry extends CachedRead {
  expiresAt: number;
}

/** This process's cached reads: at most `max` paths, least recently used first out. */
export class MemoryReadCache implements ReadCacheStore {
  /** path -> (partition + query) -> entry */
  readonly #paths: LRUCache<string, Map<string, Entry>>;
  readonly #now: () => number;

  constructor({ max = 10_000, now = Date.now }: { max?: number; now?: () => number } = {}) {
    this.#paths = new LRUCache({ max });
    this.#now = now;
  }

  get(partition: string, path: string, query: string): Promise<CachedRead | undefined> {
    const entry = this.#paths.get(path)?.get(`${partition}?${query}`);
    return Promise.resolve(entry && entry.expiresAt > this.#now() ? { status: entry.status, body: entry.body } : undefined);
  }

  set(partition: string, path: string, query: string, read: CachedRead, ttlMs: number): Promise<void> {
    let entries = this.#paths.get(path);
    if (!entries) this.#paths.set(path, (entries = new Map()));
    entries.set(`${partition}?${query}`, { ...read, expiresAt: this.#now() + ttlMs });
    return Promise.resolve();
  }

  invalidate(path: string): Promise<void> {
    if (path === EVERYTHING) this.#paths.clear();
    else for (const cached of [...this.#paths.keys()]) if (related(cached, path)) this.#paths.delete(cached);
    return Promise.resolve();
  }
}

/**
 * The cache as the upstream client uses it: the store, the time to live, and the reads still in
 * flight, which identical GETs join instead of making their own call. A write bumps the generation:
 * a read that started before it is not stored, and is not joined any more.
 */
export class SharedReads {
  readonly flights = new Map<string, { path: string; promise: Promise<CachedRead> }>();
  #generation = 0;

  constructor(
    readonly store: ReadCacheStore,
    readonly ttlMs: number,
  ) {}

  get generation(): number {
    return this.#generation;
  }

  async invalidate(path: string): Promise<void> {
    this.#generation++;
    for (const [key, flight] of this.flights) if (related(flight.path, path)) this.flights.delete(key);
    await this.store.invalidate(path);
  }
}
