// The partner API simulator as the code outside this folder uses it: start one, drive it, and name its
// seeded data. It imports nothing from the rest of src/: it is the partner API's stand-in, not a part
// of the gateway, and could be a package of its own.
export { DEMO_CLIENT, DEMO_TOKEN, Simulator, startSimulator, type SimulatorOptions } from './server.js';
export { SimulatorHookError } from './hooks.js';
export type { SimulatorClient } from './api/auth.js';
export type { PlugInOptions } from './api/charging.js';
export type { PairedDevice } from './api/claim-tokens.js';
export type { WallboxSynthesizer } from './api/wallboxes.js';
export type { DynamicsOptions } from './dynamics.js';
export type { Fault } from './faults.js';
export type { ReceivedRequest } from './traffic.js';
export type { DeviceKind, Json, Seed, SeedBuilding, SeedDevice, SeedUser } from './records.js';
export { BUILDING_IDS, createSeed, DELETED_USER_ID, EV_IDS, HEAT_PUMP_IDS, INVERTER_IDS, ORG_ID, seedId, TEAM_USER_IDS, USER_IDS, WALLBOX_IDS } from './seed.js';
