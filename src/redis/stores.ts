// The shared stores on Redis, each behind the interface its owner defines and each with a local twin
// it falls back to (connection.ts):
//   APQ documents        podero:apq:<sha256>             a string, kept 24 h
//   cached reads         podero:read:<path>              a hash: <partition>?<query> -> answer, for the TTL
//   callers' budgets     podero:budget:<caller>          a hash: tokens, at (a Lua token bucket)
import type { APQStore } from '@graphql-yoga/plugin-apq';
import type { CallBudgetStore } from '../caller/budget.js';
import { EVERYTHING, reach, type CachedRead, type ReadCacheStore } from '../upstream/reads.js';
import type { SharedRedis } from './connection.js';

const PREFIX = 'podero:';

/** APQ documents registered on any replica run by hash on every other. */
export function redisApqStore(redis: SharedRedis, local: APQStore, { ttlMs, maxDocumentLength }: { ttlMs: number; maxDocumentLength: number }): APQStore {
  return {
    get: (hash) =>
      redis.attempt(
        'apq',
        async () => (await redis.client.get(`${PREFIX}apq:${hash}`)) ?? (await local.get(hash)) ?? null,
        async () => (await local.get(hash)) ?? null,
      ),
    async set(hash, document) {
      await local.set(hash, document);
      if (document.length > maxDocumentLength) return;
      await redis.attempt(
        'apq',
        async () => void (await redis.client.set(`${PREFIX}apq:${hash}`, document, 'PX', ttlMs)),
        () => Promise.resolve(),
      );
    },
  };
}

interface StoredRead extends CachedRead {
  expiresAt: number;
}

/**
 * Cached reads any replica made, served by every other: one hash per path, a field per partition and
 * query. A write drops what `reach` names (reads.ts owns the rule): the written path and those above it
 * (exact keys), and those below it (a SCAN of its prefix); a write of unknown reach drops all.
 */
export function redisReadCache(redis: SharedRedis, local: ReadCacheStore): ReadCacheStore {
  const hash = (path: string) => `${PREFIX}read:${path}`;
  /** A read's key (`path?query`) as its hash and field. */
  const place = (partition: string, key: string): [string, string] => {
    const at = key.indexOf('?');
    return at === -1 ? [hash(key), `${partition}?`] : [hash(key.slice(0, at)), `${partition}${key.slice(at)}`];
  };
  return {
    get: (partition, key) =>
      redis.attempt(
        'read-cache',
        async () => {
          const raw = await redis.client.hget(...place(partition, key));
          if (raw === null) return undefined;
          const stored = JSON.parse(raw) as StoredRead;
          return stored.expiresAt > Date.now() ? { status: stored.status, body: stored.body } : undefined;
        },
        () => local.get(partition, key),
      ),
    set: (partition, key, read, ttlMs) =>
      redis.attempt(
        'read-cache',
        async () => {
          const [name, field] = place(partition, key);
          const value: StoredRead = { ...read, expiresAt: Date.now() + ttlMs };
          await redis.client.multi().hset(name, field, JSON.stringify(value)).pexpire(name, ttlMs).exec();
        },
        () => local.set(partition, key, read, ttlMs),
      ),
    async invalidate(written) {
      await local.invalidate(written);
      await redis.attempt(
        'read-cache',
        async () => {
          const touched = reach(written);
          if (touched === EVERYTHING) return unlinkMatching(redis, `${PREFIX}read:*`);
          await redis.client.unlink(...touched.exact.map(hash));
          await unlinkMatching(redis, `${hash(escapeGlob(touched.below))}*`);
        },
        () => Promise.resolve(),
      );
    },
  };
}

async function unlinkMatching(redis: SharedRedis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * A token bucket per caller, refilled continuously, taken from atomically in Redis (one script call),
 * timed by Redis's own clock so that replicas with slightly different clocks agree. Returns 0 when
 * granted, else the milliseconds until it would be.
 */
const TAKE = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + (now - at) * per_ms)
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = math.ceil((cost - tokens) / per_ms) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return wait
`;

/** Callers' budgets shared by all replicas: one caller's limit holds however requests are spread. */
export function redisCallBudget(redis: SharedRedis, local: CallBudgetStore, perMinute: number): CallBudgetStore {
  return {
    take: (caller, cost) =>
      redis.attempt(
        'budget',
        async () => Number(await redis.client.eval(TAKE, 1, `${PREFIX}budget:${caller}`, perMinute, perMinute / 60_000, cost)),
        async () => local.take(caller, cost),
      ),
  };
}
