// The partner's own customer ids (a user's `external_user_id` upstream) resolved to Podero user ids,
// for identity providers that know only the partner's id. The partner API has no lookup by external id,
// so the organization's user list (one call) is read and kept: not one upstream lookup per request.
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

export class ExternalUsers {
  readonly #options: Required<Omit<ExternalUsersOptions, 'now'>> & { now: () => number };
  #users: Map<string, string> | undefined;
  #readAt = -Infinity;
  #reading: Promise<Map<string, string>> | undefined;

  constructor(options: ExternalUsersOptions) {
    this.#options = { ttlMs: 5 * 60_000, missRefreshMs: 30_000, now: Date.now, ...options };
  }

  /** The Podero user id for an external id; null when the organization has no (single) such user. */
  async userId(externalId: string): Promise<string | null> {
    const age = this.#options.now() - this.#readAt;
    let users = this.#users && age < this.#options.ttlMs ? this.#users : await this.#read();
    if (!users.has(externalId) && this.#options.now() - this.#readAt >= this.#options.missRefreshMs) users = await this.#read();
    return users.get(externalId) ?? null;
  }

  /** One read at a time; if it fails, the last good list keeps serving (the partner API may be down briefly). */
  #read(): Promise<Map<string, string>> {
    this.#reading ??= this.#fetch()
      .then((users) => {
        this.#users = users;
        this.#readAt = this.#options.now();
        return users;
      })
      .catch((error: unknown) => {
        if (this.#users) return this.#users;
        throw new AuthenticationError('unavailable', 'The partner API user list could not be read to identify the caller', { cause: error });
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
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
