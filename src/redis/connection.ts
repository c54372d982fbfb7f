// The one Redis connection of a gateway process (REDIS_URL, ioredis), for the state replicas share:
// APQ documents, cached reads, callers' budgets of upstream calls. Each of those stores keeps a local
// twin and uses it whenever Redis does not answer at once: an unreachable Redis costs a warning and a
// metric, never a 5xx or a hang.
//
// So no command waits for a connection (offline queue off: refused at once while disconnected), none
// waits long for an answer (commandTimeout), and the client keeps reconnecting in the background.
// ioredis is loaded only by a gateway that has REDIS_URL set.
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

export interface RedisObserver {
  /** The connection went up or down. */
  connected(up: boolean): void;
  /** A store answered from its local twin because Redis did not. */
  fallback(store: string): void;
}

export interface SharedRedis {
  client: Redis;
  /** Runs a Redis operation, or the local one when Redis fails or is slow (warned once per outage). */
  attempt<T>(store: string, remote: () => Promise<T>, local: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Redis's answer time budget: a shared read or budget check must not add more than this to a request. */
const COMMAND_TIMEOUT_MS = 250;

export async function connectRedis(url: URL, logger: Logger, observer: RedisObserver): Promise<SharedRedis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url.href, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    // Reconnect for ever, backing off to a try every 2 s.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
  // The address without its password, for log lines.
  const where = `${url.protocol}//${url.hostname}:${url.port || 6379}`;
  let down = false;
  client.on('ready', () => {
    observer.connected(true);
    if (down) logger.info({ redis: where }, 'Redis is back: shared state is used again');
    down = false;
  });
  client.on('error', () => {
    // Every failed reconnect emits one; the outage is logged once, by `attempt`.
  });
  client.on('close', () => observer.connected(false));

  return {
    client,
    async attempt(store, remote, local) {
      try {
        return await remote();
      } catch (error) {
        observer.fallback(store);
        if (!down) {
          down = true;
          logger.warn({ redis: where, store, reason: (error as Error).message }, 'Redis does not answer: using this process\'s own state until it does');
        }
        return local();
      }
    },
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
