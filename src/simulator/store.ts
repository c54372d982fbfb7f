// The simulator's state: the seeded organization's users, buildings and devices of every kind (as
// upstream JSON), the cues behind the devices' pending actions, the EVs' charging sessions and charge
// policies, the onboarding sessions, claim tokens and access tokens it has issued. `reset()` returns
// to the seed. Time is read from `now` only, so tests can move the clock.
import { randomBytes } from 'node:crypto';
import type { ChargingSessions, ClaimToken, Cue, DeviceKind, Json, OnboardingSession, Seed, SeedDevice, StoredBuilding, StoredDevice, StoredUser } from './records.js';
import { forbidden, invalidUuids, notFound, type Reply } from './http.js';

const SEEDED_CUE_ID = /\/cues\/([0-9a-f-]{36})\/resolve/i;

export class Store {
  readonly seed: Seed;
  readonly now: () => number;
  readonly devices = new Map<string, StoredDevice>();
  readonly users = new Map<string, StoredUser>();
  readonly buildings = new Map<string, StoredBuilding>();
  /** EV id -> its charging sessions */
  readonly sessions = new Map<string, ChargingSessions>();
  /** EV id -> its weekly charge policy (the `data` of GET …/charge-policy); none for some EVs */
  readonly chargePolicies = new Map<string, Json>();
  readonly onboarding = new Map<string, OnboardingSession>();
  readonly claimTokens = new Map<string, ClaimToken>();
  /** access token -> expiry (ms since epoch) */
  readonly tokens = new Map<string, number>();
  /** every token issued since the last reset, revoked or not */
  issued: string[] = [];
  /**
   * A boost is first `requested`, and charging starts a few seconds later (dynamics.ts starts it), as
   * the partner's guide describes real chargers; off unless dynamics are on, so a boost starts at once.
   */
  boostsWait = false;

  constructor(seed: Seed, now: () => number = Date.now) {
    this.seed = seed;
    this.now = now;
    this.reset();
  }

  reset(): void {
    for (const map of [this.devices, this.users, this.buildings, this.sessions, this.chargePolicies, this.onboarding]) map.clear();
    const { wallboxes, heatPumps, electricVehicles, inverters } = this.seed;
    const kinds: [DeviceKind, SeedDevice[]][] = [['wallbox', wallboxes], ['heat_pump', heatPumps], ['electric_vehicle', electricVehicles], ['inverter', inverters]];
    for (const [kind, seeded] of kinds) for (const d of seeded) this.devices.set(String(d.record.id), this.#fromSeed(kind, d));
    for (const u of this.seed.users) this.users.set(String(u.record.id), { orgId: u.orgId, record: structuredClone(u.record) });
    for (const b of this.seed.buildings) this.buildings.set(String(b.record.id), structuredClone(b));
    // An EV seeded without sessions gets its empty history on first use (api/charging-sessions.ts).
    for (const [id, sessions] of Object.entries(this.seed.chargingSessions)) this.sessions.set(id, structuredClone(sessions));
    for (const [id, policy] of Object.entries(this.seed.chargePolicies)) this.chargePolicies.set(id, structuredClone(policy));
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

  /**
   * A user's device of one kind, or the reply upstream gives when there is none to be had: `params` are
   * the route's org, user and device ids, `idParam` names the last in a 422.
   */
  findDevice(kind: DeviceKind, idParam: string, [orgId, userId, deviceId]: string[], includeDeleted = false): StoredDevice | Reply {
    const refused = this.checkOrg(orgId!, { user_id: userId!, [idParam]: deviceId! });
    if (refused) return refused;
    const stored = this.devices.get(deviceId!.toLowerCase());
    if (!stored || stored.kind !== kind || stored.userId !== userId!.toLowerCase()) return notFound();
    if (stored.record.deleted_at && !includeDeleted) return notFound();
    return stored;
  }

  /** A user's building, or the reply upstream gives when there is none to be had. */
  findBuilding(orgId: string, userId: string, buildingId: string): StoredBuilding | Reply {
    const refused = this.checkOrg(orgId, { user_id: userId, building_id: buildingId });
    if (refused) return refused;
    const building = this.buildings.get(buildingId.toLowerCase());
    return building && building.userId === userId.toLowerCase() ? building : notFound();
  }

  /** A cue of a device that is not soft-deleted (a deleted device's actions are gone with it). */
  findCue(cueId: string): { cue: Cue; device: StoredDevice } | undefined {
    const id = cueId.toLowerCase();
    for (const device of this.devices.values()) {
      if (device.record.deleted_at) continue;
      const cue = device.cues.find((c) => c.cueId === id);
      if (cue) return { cue, device };
    }
    return undefined;
  }

  /** Issues a fresh secret for a cue's resolution link. */
  mintSecret(cue: Cue): void {
    cue.secret = randomBytes(24).toString('base64url');
    cue.secretIssuedAt = this.now();
    cue.secretSpent = false;
  }

  #fromSeed(kind: DeviceKind, { orgId, userId, record: seeded }: SeedDevice): StoredDevice {
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
    return { kind, orgId, userId, record, cues, linklessActions };
  }
}

export function isReply<T extends object>(value: T | Reply): value is Reply {
  return 'status' in value && typeof value.status === 'number';
}

/** How the simulator writes a date-time: UTC, with milliseconds only when there are any (like the seed). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
