// The records the simulator seeds and keeps: upstream JSON, with who owns it, and the state around it
// (pending actions, charging sessions, tokens). Shapes only, and no imports: the seed, the store and the
// endpoints all speak of these, so they stand below all three.

/** A record as the partner API answers it (snake_case JSON). */
export type Json = Record<string, unknown>;

export interface SeedUser {
  orgId: string;
  record: Json;
}

export interface SeedDevice {
  orgId: string;
  userId: string;
  record: Json;
}

export interface SeedBuilding {
  orgId: string;
  userId: string;
  record: Json;
}

/** An EV's charging sessions: the completed ones, newest first, and the one under way while plugged in. */
export interface ChargingSessions {
  completed: Json[];
  current: Json | null;
}

export interface Seed {
  orgId: string;
  users: SeedUser[];
  buildings: SeedBuilding[];
  wallboxes: SeedDevice[];
  heatPumps: SeedDevice[];
  electricVehicles: SeedDevice[];
  inverters: SeedDevice[];
  /** EV id -> its completed charging sessions (newest first) and the one under way, if any. */
  chargingSessions: Record<string, ChargingSessions>;
  /** EV id -> its weekly charge policy; EVs without one have none set. */
  chargePolicies: Record<string, Json>;
}

/** The device kinds of the partner API; each has its own collection below a user. */
export type DeviceKind = 'wallbox' | 'heat_pump' | 'electric_vehicle' | 'inverter';

export type CueState = 'pending' | 'in_progress' | 'done';

/** A pending action as upstream keeps it; a device's `actions` are rendered from its open cues. */
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

export interface StoredDevice {
  kind: DeviceKind;
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

export interface StoredBuilding {
  orgId: string;
  userId: string;
  record: Json;
}

export interface OnboardingSession {
  orgId: string;
  record: Json;
}

export interface ClaimToken {
  orgId: string;
  userId: string;
  expiresAt: number;
  used: boolean;
}
