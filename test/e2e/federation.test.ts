// The gateway as a Federation 2 subgraph: its SDL composed with a second subgraph (a CRM, in
// test/federation/) by @apollo/composition, the supergraph served by a real @apollo/gateway router,
// cross-subgraph queries run end to end, and upstream calls counted at the simulator.
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { EV_IDS, HEAT_PUMP_IDS, INVERTER_IDS, USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { startCrmSubgraph, CRM_TYPE_DEFS, type CrmData } from '../federation/crm-subgraph.js';
import { WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

const USER_GET = 'GET /org/{org_id}/users/{user_id}';
const USER_LIST = 'GET /org/{org_id}/users';

let sim: Simulator;
let subgraph: RunningGateway;
let crm: Awaited<ReturnType<typeof startCrmSubgraph>>;
let router: ApolloServer;
let routerUrl: string;
let subgraphSdl: string;
let composition: ReturnType<typeof composeServices>;

/** Seeded wallboxes that are live (not soft-deleted), with their owners. */
function live() {
  return sim.seed.wallboxes.filter((w) => !w.record.deleted_at).map((w) => ({ id: String(w.record.id), owner: { id: w.userId } }));
}

/** A seeded device of any kind as an entity reference: its id and its owner's. */
function owned(id: string) {
  const { heatPumps, electricVehicles, inverters } = sim.seed;
  const device = [...heatPumps, ...electricVehicles, ...inverters].find((d) => d.record.id === id)!;
  return { id, owner: { id: device.userId } };
}

async function routerQuery(query: string) {
  const response = await fetch(routerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

beforeAll(async () => {
  sim = await startTestSimulator();
  subgraph = await startGateway(sim, { maxConcurrency: 4 });

  const crmData: CrmData = {
    customers: Object.entries(USER_IDS).map(([name, id], i) => ({
      id,
      customerNumber: `K-${1000 + i}`,
      tariff: name === 'oliver' ? null : { name: i % 2 ? 'Spot Hourly' : 'Fix 24', centsPerKwh: 20 + i },
    })),
    // 100 tickets over the 11 live wallboxes: many repeats.
    tickets: Array.from({ length: 100 }, (_, i) => ({ id: `T-${i}`, subject: `Ticket ${i}`, wallbox: live()[i % 11]! })),
    installers: { [WALLBOX_IDS.full]: 'Elektro Huber GmbH' },
    contracts: [
      { number: 'HP-1', kind: 'heatPump', device: owned(HEAT_PUMP_IDS.full) },
      { number: 'HP-2', kind: 'heatPump', device: owned(HEAT_PUMP_IDS.awayMode) },
      { number: 'HP-1b', kind: 'heatPump', device: owned(HEAT_PUMP_IDS.full) },
      { number: 'EV-1', kind: 'electricVehicle', device: owned(EV_IDS.full) },
      { number: 'IV-1', kind: 'inverter', device: owned(INVERTER_IDS.full) },
    ],
  };
  crm = await startCrmSubgraph(crmData);

  // The subgraph SDL, as the running gateway serves it.
  const { body } = await subgraph.graphql('{ _service { sdl } }');
  subgraphSdl = body.data._service.sdl;

  composition = composeServices([
    { name: 'wallboxes', typeDefs: parse(subgraphSdl), url: subgraph.url },
    { name: 'crm', typeDefs: CRM_TYPE_DEFS, url: crm.url },
  ]);
  if (composition.errors) throw new Error(`composition failed: ${composition.errors.map((e) => e.message).join('\n')}`);

  router = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composition.supergraphSdl }) });
  ({ url: routerUrl } = await startStandaloneServer(router, { listen: { port: 0, host: '127.0.0.1' } }));
});

afterEach(() => {
  sim.clearFaults();
  sim.resetCounts();
});

afterAll(async () => {
  await router?.stop();
  await crm?.close();
  await subgraph?.close();
  await sim?.close();
});

describe('the subgraph', () => {
  it('serves its SDL through _service, identical to the committed schema/subgraph.graphql', async () => {
    expect(subgraphSdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])');
    for (const kind of ['Wallbox', 'HeatPump', 'ElectricVehicle', 'Inverter']) {
      expect(subgraphSdl).toMatch(new RegExp(`type ${kind} implements Device\\s+@key\\(fields: "id owner \\{ id \\}"\\)`));
    }
    expect(subgraphSdl).toMatch(/type Owner\s+@key\(fields: "id"\)/);
    const committed = await readFile(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8');
    expect(committed.trim()).toBe(subgraphSdl.trim());
  });

  it('composes with the CRM subgraph with no errors and no hints', () => {
    expect(composition.errors).toBeUndefined();
    expect((composition.hints ?? []).map((h) => h.message)).toEqual([]);
    expect(composition.supergraphSdl).toContain('join__type(graph: WALLBOXES, key: "id owner { id }")');
    expect(composition.supergraphSdl).toContain('join__type(graph: CRM, key: "id owner { id }")');
  });
});

describe('_entities on the subgraph', () => {
  it('resolves 100 Wallbox representations with repeats with one GET per distinct wallbox, concurrently within the cap', async () => {
    sim.injectFault({ route: WALLBOX_GET, delayMs: 60 }); // calls overlap at the simulator
    const wallboxes = live().slice(0, 7);
    const representations = Array.from({ length: 100 }, (_, i) => ({ __typename: 'Wallbox', ...wallboxes[i % 7]! }));
    const { body } = await subgraph.graphql(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Wallbox { id connectionStatus owner { id } } } }`,
      { r: representations },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toHaveLength(100);
    body.data._entities.forEach((entity: { id: string; owner: { id: string } }, i: number) => {
      expect(entity.id).toBe(representations[i]!.id);
      expect(entity.owner.id).toBe(representations[i]!.owner.id);
    });
    expect(sim.count(WALLBOX_GET)).toBe(7);
    expect(sim.maxInFlight).toBe(4); // PODERO_MAX_CONCURRENCY of this subgraph
  });

  it('shares the loaders with ordinary fields: an entity and a query of the same wallbox cost one GET', async () => {
    const w = live()[0]!;
    const { body } = await subgraph.graphql(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Wallbox { id } } wallbox(userId: "${w.owner.id}", id: "${w.id}") { id } }`,
      { r: [{ __typename: 'Wallbox', ...w }] },
    );
    expect(body.errors).toBeUndefined();
    expect(sim.count(WALLBOX_GET)).toBe(1);
  });

  it('rejects a representation with a malformed id with BAD_USER_INPUT, without an upstream call, and still resolves the others', async () => {
    const w = live()[0]!;
    const { body } = await subgraph.graphql(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Wallbox { id } ... on Owner { id } } }`, {
      r: [
        { __typename: 'Wallbox', id: '../../etc', owner: { id: w.owner.id } },
        { __typename: 'Wallbox', id: w.id },
        { __typename: 'Owner', id: 42 },
        { __typename: 'Wallbox', ...w },
      ],
    });
    expect(body.data._entities).toEqual([null, null, null, { id: w.id }]);
    expect(body.errors?.map((e): unknown => e.extensions.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(sim.count(WALLBOX_GET)).toBe(1);
    expect(sim.count(USER_GET) + sim.count(USER_LIST)).toBe(0);
  });

  it('resolves a few Owner representations with one detail call per distinct user', async () => {
    const ids = [USER_IDS.anna!, USER_IDS.jonas!, USER_IDS.anna!, USER_IDS.lukas!];
    const { body } = await subgraph.graphql(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Owner { id firstName } } }`, {
      r: ids.map((id) => ({ __typename: 'Owner', id })),
    });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((o: { firstName: string }) => o.firstName)).toEqual(['Anna', 'Jonas', 'Anna', 'Lukas']);
    expect(sim.count(USER_GET)).toBe(3);
    expect(sim.count(USER_LIST)).toBe(0);
  });

  it('reads the user list once instead of N detail calls when a batch asks for many distinct users', async () => {
    // This subgraph runs with PODERO_MAX_CONCURRENCY=4, so the list is used from 5 distinct users on.
    const unknown = '00000000-0000-4000-8000-000000000001';
    const ids = [...Object.values(USER_IDS), ...Object.values(USER_IDS), unknown];
    const { body } = await subgraph.graphql(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Owner { id lastName } } }`, {
      r: ids.map((id) => ({ __typename: 'Owner', id })),
    });
    expect(body.data._entities).toHaveLength(13);
    expect(body.data._entities.slice(0, 6).map((o: { lastName: string }) => o.lastName)).toEqual(['Berger', 'Lindqvist', 'Hofmann', 'Romano', 'Ferreira', 'Hughes']);
    expect(body.data._entities[12]).toBeNull();
    expect(body.errors).toEqual([expect.objectContaining({ path: ['_entities', 12], extensions: { code: 'NOT_FOUND' } })]);
    expect(sim.count(USER_LIST)).toBe(1);
    expect(sim.count(USER_GET)).toBe(0);
  });
});

describe('through the router', () => {
  it('joins CRM tickets with wallbox data: 100 tickets over 11 wallboxes -> 11 wallbox GETs', async () => {
    const result = await routerQuery(`{ serviceTickets { id wallbox { id connectionStatus installer deviceModel { manufacturer } } } }`);
    expect(result.errors).toBeUndefined();
    const tickets = result.data!.serviceTickets as { wallbox: { id: string; connectionStatus: string; installer: string | null; deviceModel: { manufacturer: string | null } } }[];
    expect(tickets).toHaveLength(100);
    expect(tickets[0]!.wallbox).toEqual({ id: WALLBOX_IDS.full, connectionStatus: 'OK', installer: 'Elektro Huber GmbH', deviceModel: { manufacturer: 'Easee' } });
    expect(new Set(tickets.map((t) => t.wallbox.id)).size).toBe(11);
    expect(sim.count(WALLBOX_GET)).toBe(11);
  });

  it('adds CRM fields to the wallbox owner, and wallbox fields to CRM customers', async () => {
    const result = await routerQuery(`{
      wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id owner { firstName customerNumber tariff { name centsPerKwh } } }
      customers { id customerNumber firstName email }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.wallbox).toEqual({ id: WALLBOX_IDS.full, owner: { firstName: 'Anna', customerNumber: 'K-1000', tariff: { name: 'Fix 24', centsPerKwh: 20 } } });
    const customers = result.data!.customers as { firstName: string; customerNumber: string }[];
    expect(customers.map((c) => c.firstName)).toEqual(['Anna', 'Jonas', 'Lukas', 'Giulia', 'Sofia', 'Oliver']);
    expect(sim.count(WALLBOX_GET)).toBe(1);
    // 6 distinct users with PODERO_MAX_CONCURRENCY=4: one list call, no detail calls.
    expect(sim.count(USER_LIST)).toBe(1);
    expect(sim.count(USER_GET)).toBe(0);
  });

  it('resolves heat pump, EV and inverter entities through the same loaders: one GET per distinct device', async () => {
    const result = await routerQuery(
      '{ maintenanceContracts { number heatPump { id optimizationLevel owner { firstName } } electricVehicle { id batteryLevel } inverter { id isBatteryConnected } } }',
    );
    expect(result.errors).toBeUndefined();
    const contracts = result.data!.maintenanceContracts as { number: string; heatPump: { id: string; optimizationLevel: string } | null; electricVehicle: { id: string } | null; inverter: { id: string } | null }[];
    expect(contracts.map((c) => c.number)).toEqual(['HP-1', 'HP-2', 'HP-1b', 'EV-1', 'IV-1']);
    expect(contracts[0]!.heatPump).toMatchObject({ id: HEAT_PUMP_IDS.full, optimizationLevel: expect.stringMatching(/^(LOW|MID|MAX)$/) });
    expect(contracts[2]!.heatPump!.id).toBe(HEAT_PUMP_IDS.full);
    expect(contracts[3]!.electricVehicle!.id).toBe(EV_IDS.full);
    expect(contracts[4]!.inverter!.id).toBe(INVERTER_IDS.full);
    // Two distinct heat pumps (one named twice), one EV, one inverter: four detail GETs; the owners'
    // first names come with the devices.
    expect(sim.count('GET /org/{org_id}/users/{user_id}/heat-pumps/{heat_pump_id}')).toBe(2);
    expect(sim.count('GET /org/{org_id}/users/{user_id}/electric-vehicles/{electric_vehicle_id}')).toBe(1);
    expect(sim.count('GET /org/{org_id}/users/{user_id}/inverters/{inverter_id}')).toBe(1);
    expect(sim.count(USER_GET)).toBe(0);
  });

  it('adds CRM fields to the devices an owner lists, found through the Device interface', async () => {
    const result = await routerQuery(
      `{ user(id: "${USER_IDS.anna}") { devices { __typename id ... on HeatPump { contractNumber } ... on Inverter { contractNumber } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const devices = (result.data!.user as { devices: { __typename: string; id: string; contractNumber?: string | null }[] }).devices;
    expect(devices.find((d) => d.id === HEAT_PUMP_IDS.full)).toEqual({ __typename: 'HeatPump', id: HEAT_PUMP_IDS.full, contractNumber: 'HP-1' });
    expect(devices.find((d) => d.id === INVERTER_IDS.full)).toEqual({ __typename: 'Inverter', id: INVERTER_IDS.full, contractNumber: 'IV-1' });
    expect(devices.filter((d) => d.__typename === 'ElectricVehicle').length).toBeGreaterThan(0);
  });

  it('passes a subgraph error through with its code and keeps the rest of the data', async () => {
    sim.injectFault({ route: WALLBOX_GET, pathIncludes: WALLBOX_IDS.full, status: 503 });
    const result = await routerQuery(`{ serviceTickets { id wallbox { id connectionStatus } } }`);
    const tickets = result.data!.serviceTickets as { wallbox: { connectionStatus: string | null } | null }[] | null;
    expect(tickets).not.toBeNull();
    // A 503 is retried, then reported as UPSTREAM_UNAVAILABLE.
    expect(result.errors?.some((e) => e.extensions?.code === 'UPSTREAM_UNAVAILABLE')).toBe(true);
    // Tickets of other wallboxes still carry their data.
    expect(tickets!.filter((t) => t.wallbox?.connectionStatus != null).length).toBeGreaterThan(80);
  });
});
