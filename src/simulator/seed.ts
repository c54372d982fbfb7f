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
import type { Seed } from './records.js';

export { DELETED_USER_ID, ORG_ID, seedId, TEAM_USER_IDS, USER_IDS } from './seed/people.js';
export { BUILDING_IDS } from './seed/buildings.js';
export { WALLBOX_IDS } from './seed/wallboxes.js';
export { HEAT_PUMP_IDS } from './seed/heat-pumps.js';
export { EV_IDS } from './seed/electric-vehicles.js';
export { INVERTER_IDS } from './seed/inverters.js';

// The seed's shapes live in records.ts, below the store that takes a seed; they are named here too,
// for the code that builds or reads one.
export type { Json, Seed, SeedBuilding, SeedDevice, SeedUser } from './records.js';

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
