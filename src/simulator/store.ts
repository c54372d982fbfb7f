// The simulator's state: the seeded organization's users and wallboxes (as upstream JSON), the cues
// behind the wallboxes' pending actions, the claim tokens and access tokens it has issued. `reset()`
// returns to the seed. Time is read from `now` only, so tests can move the clock.
import { randomBytes } from 'node:crypto';
import type { Json, Seed } from './seed.js';
import { forbidden, invalidUuids, notFound, type Reply } from './http.js';

export type CueState = 'pending' | 'in_progress' | 'done';

/** A pending action as upstream keeps it; the wallbox's `actions` are rendered from its open cues. */
export interface Cue {
  cueId: string;
  code: string;
  state: CueState;
  /** The secret offered in the resolution link now. */
  secret: string;
  secretIssuedAt: number;
  /** Spent by a resolve: the next rendering offers a fresh one. */
  secretSpent: boolean;
  requiredParameters: string[];
  /** The secret the current attempt was started with: `/state` must present it. */
  attempt: { secret: string; issuedAt: number } | null;
}

export interface StoredWallbox {
  orgId: string;
  userId: string;
  /** The upstream JSON without `actions` and `action_needed`, which are rendered. */
  record: Json;
  cues: Cue[];
  /** Seeded actions without a resolution link: nothing can resolve them, so they are served as seeded. */
  linklessActions: Json[];
}

export interface StoredUser {
  orgId: string;
  record: Json;
}

export interface ClaimToken {
  orgId: string;
  userId: string;
  expiresAt: number;
  used: boolean;
}

const SEEDED_CUE_ID = /\/cues\/([0-9a-f-]{36})\/resolve/i;

export class Store {
  readonly seed: Seed;
  readonly now: () => number;
  readonly wallboxes = new Map<string, StoredWallbox>();
  readonly users = new Map<string, StoredUser>();
  readonly claimTokens = new Map<string, ClaimToken>();
  /** access token -> expiry (ms since epoch) */
  readonly tokens = new Map<string, number>();
  /** every token issued since the last reset, revoked or not */
  issued: string[] = [];

  constructor(seed: Seed, now: () => number = Date.now) {
    this.seed = seed;
    this.now = now;
    this.reset();
  }

  reset(): void {
    this.wallboxes.clear();
    this.users.clear();
    for (const w of this.seed.wallboxes) this.wallboxes.set(String(w.record.id), this.#fromSeed(w.orgId, w.userId, w.record));
    for (const u of this.seed.users) this.users.set(String(u.record.id), { orgId: u.orgId, record: structuredClone(u.record) });
    this.claimTokens.clear();
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

  /** A user of the organization, or the reply upstream gives when there is none to be had. */
  findUser(orgId: string, userId: string): StoredUser | Reply {
    const refused = this.checkOrg(orgId, { user_id: userId });
    if (refused) return refused;
    const user = this.users.get(userId.toLowerCase());
    return user && !user.record.deleted_at ? user : notFound();
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

  /** A cue of a wallbox that is not soft-deleted (a deleted device's actions are gone with it). */
  findCue(cueId: string): { cue: Cue; wallbox: StoredWallbox } | undefined {
    const id = cueId.toLowerCase();
    for (const wallbox of this.wallboxes.values()) {
      if (wallbox.record.deleted_at) continue;
      const cue = wallbox.cues.find((c) => c.cueId === id);
      if (cue) return { cue, wallbox };
    }
    return undefined;
  }

  /** Issues a fresh secret for a cue's resolution link. */
  mintSecret(cue: Cue): void {
    cue.secret = randomBytes(24).toString('base64url');
    cue.secretIssuedAt = this.now();
    cue.secretSpent = false;
  }

  #fromSeed(orgId: string, userId: string, seeded: Json): StoredWallbox {
    const { actions, action_needed: _derived, ...record } = structuredClone(seeded);
    const cues: Cue[] = [];
    const linklessActions: Json[] = [];
    for (const action of (actions ?? []) as Json[]) {
      const link = action.resolution_link as { url: string; required_parameters: string[] } | null;
      const cueId = link && SEEDED_CUE_ID.exec(link.url)?.[1];
      if (!cueId) {
        linklessActions.push(action);
        continue;
      }
      const cue: Cue = {
        cueId: cueId.toLowerCase(),
        code: String(action.code),
        state: 'pending',
        secret: '',
        secretIssuedAt: 0,
        secretSpent: false,
        requiredParameters: [...link.required_parameters],
        attempt: null,
      };
      this.mintSecret(cue);
      cues.push(cue);
    }
    return { orgId, userId, record, cues, linklessActions };
  }
}

export function isReply(value: StoredWallbox | StoredUser | Reply): value is Reply {
  return 'status' in value;
}

/** How the simulator writes a date-time: UTC, with milliseconds only when there are any (like the seed). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
