// The partner's own customer ids (a user's `external_user_id` upstream) resolved to Podero user ids,
// for identity providers that know only the partner's id. The partner API has no lookup by external id,
// so the organization's user list (one call) is read and kept: not one upstream lookup per request.
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';
import type { PartnerApi } from '../upstream/client.js';
import { fetchUsers } from '../upstream/users.js';
import { AuthenticationError } from './token.js';

export interface ExternalUsersOptions {
  api: PartnerApi;
  orgId: string;
  logger: Logger;
  /** How long a read of the user list is used. */
  ttlMs?: number;
  /** How soon an id the list does not hold may cause the list to be read again (a user created since). */
  missRefreshMs?: number;
  now?: () => number;
}

/** The one key the list is kept under. */
const LIST = 'users';

export class ExternalUsers {
  readonly #options: Required<Omit<ExternalUsersOptions, 'now'>>;
  readonly #now: () => number;
  /**
   * The list, kept for `ttlMs` by lru-cache, which also makes concurrent readers share one read
   * (`fetch`) and, when a read fails, serves the last good list (the partner API may be down briefly).
   */
  readonly #lists: LRUCache<typeof LIST, Map<string, string>>;
  #readAt = -Infinity;

  constructor({ now = Date.now, ...options }: ExternalUsersOptions) {
    this.#options = { ttlMs: 5 * 60_000, missRefreshMs: 30_000, ...options };
    this.#now = now;
    this.#lists = new LRUCache<typeof LIST, Map<string, string>>({
      max: 1,
      ttl: this.#options.ttlMs,
      perf: { now },
      allowStaleOnFetchRejection: true,
      noDeleteOnFetchRejection: true,
      fetchMethod: async () => {
        const users = await this.#fetch();
        this.#readAt = this.#now();
        return users;
      },
    });
  }

  /** The Podero user id for an external id; null when the organization has no (single) such user. */
  async userId(externalId: string): Promise<string | null> {
    let users = await this.#read(false);
    // A user created since the list was read: read it again, at most once per `missRefreshMs`.
    if (!users.has(externalId) && this.#now() - this.#readAt >= this.#options.missRefreshMs) users = await this.#read(true);
    return users.get(externalId) ?? null;
  }

  async #read(forceRefresh: boolean): Promise<Map<string, string>> {
    try {
      const users = await this.#lists.fetch(LIST, { forceRefresh });
      if (users) return users;
    } catch (error) {
      throw new AuthenticationError('unavailable', 'The partner API user list could not be read to identify the caller', { cause: error });
    }
    throw new AuthenticationError('unavailable', 'The partner API user list could not be read to identify the caller');
  }

  async #fetch(): Promise<Map<string, string>> {
    const session = this.#options.api.session({ maxConcurrency: 1, maxCalls: 1 });
    const users = new Map<string, string>();
    const ambiguous = new Set<string>();
    for (const user of await fetchUsers(session, this.#options.orgId)) {
      if (user.externalId === null) continue;
      if (users.has(user.externalId)) ambiguous.add(user.externalId);
      users.set(user.externalId, user.id);
    }
    // Two users with one external id: neither is picked, rather than a guess.
    for (const id of ambiguous) users.delete(id);
    if (ambiguous.size > 0) this.#options.logger.warn({ count: ambiguous.size }, 'several users share an external_user_id; callers with such an id match no user');
    return users;
  }
}
