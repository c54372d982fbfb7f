// Deterministic seed data for the simulator: one organization, its users, their buildings and their
// devices of every kind, as the partner API would answer them (snake_case JSON). Ids are derived from
// names, so they are the same on every machine and every run; the README and the demo query use them.
// The data itself lives in seed/, one file per resource.
import { buildingRecords } from './seed/buildings.js';
import { seedChargePolicies, seedChargingSessions, seedElectricVehicles } from './seed/electric-vehicles.js';
import { seedHeatPumps } from './seed/heat-pumps.js';
import { seedInverters } from './seed/inverters.js';
import { ORG_ID, userRecords } from './seed/people.js';
import { seedWallboxes } from './seed/wallboxes.js';
import type { ChargingSessions } from './store.js';

export type Json = Record<string, unknown>;

export { DELETED_USER_ID, ORG_ID, seedId, TEAM_USER_IDS, USER_IDS } from './seed/people.js';
export { BUILDING_IDS } from './seed/buildings.js';
export { WALLBOX_IDS } from './seed/wallboxes.js';
export { HEAT_PUMP_IDS } from './seed/heat-pumps.js';
export { EV_IDS } from './seed/electric-vehicles.js';
export { INVERTER_IDS } from './seed/inverters.js';

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

export function createSeed(): Seed {
  return {
    orgId: ORG_ID,
    users: userRecords().map((record) => ({ orgId: ORG_ID, record })),
    buildings: buildingRecords(),
    wallboxes: seedWallboxes(),
    heatPumps: seedHeatPumps(),
    electricVehicles: seedElectricVehicles(),
    inverters: seedInverters(),
    chargingSessions: seedChargingSessions(),
    chargePolicies: seedChargePolicies(),
  };
}
