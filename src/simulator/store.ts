// The simulator's state: the seeded organization's users and wallboxes (as upstream JSON), and the
// access tokens it has issued. `reset()` returns to the seed.
import type { Json, Seed } from './seed.js';
import { forbidden, invalidUuids, notFound, type Reply } from './http.js';

export interface StoredWallbox {
  orgId: string;
  userId: string;
  record: Json;
}

export interface StoredUser {
  orgId: string;
  record: Json;
}

export class Store {
  readonly seed: Seed;
  readonly wallboxes = new Map<string, StoredWallbox>();
  readonly users = new Map<string, StoredUser>();
  /** access token -> expiry (ms since epoch) */
  readonly tokens = new Map<string, number>();
  /** every token issued since the last reset, revoked or not */
  issued: string[] = [];

  constructor(seed: Seed) {
    this.seed = seed;
    this.reset();
  }

  reset(): void {
    this.wallboxes.clear();
    this.users.clear();
    for (const w of this.seed.wallboxes) this.wallboxes.set(String(w.record.id), { orgId: w.orgId, userId: w.userId, record: structuredClone(w.record) });
    for (const u of this.seed.users) this.users.set(String(u.record.id), { orgId: u.orgId, record: structuredClone(u.record) });
    this.tokens.clear();
    this.issued = [];
  }

  /**
   * The organization check every `/org/{org_id}/...` route makes: 422 for a malformed id, 403 for an
   * organization other than the seeded one (client-credential tokens are scoped to their organization).
   */
  checkOrg(orgId: string, ids: Record<string, string> = {}): Reply | undefined {
    return invalidUuids({ org_id: orgId, ...ids }) ?? (orgId.toLowerCase() === this.seed.orgId ? undefined : forbidden());
  }

  /** A user's wallbox, or the reply upstream gives when there is none to be had. */
  findWallbox(orgId: string, userId: string, wallboxId: string, includeDeleted = false): StoredWallbox | Reply {
    const refused = this.checkOrg(orgId, { user_id: userId, wallbox_id: wallboxId });
    if (refused) return refused;
    const stored = this.wallboxes.get(wallboxId.toLowerCase());
    if (!stored || stored.userId !== userId.toLowerCase()) return notFound();
    if (stored.record.deleted_at && !includeDeleted) return notFound();
    return stored;
  }
}

export function isReply(value: StoredWallbox | StoredUser | Reply): value is Reply {
  return 'status' in value;
}
