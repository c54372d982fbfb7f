// Reads of the device model beyond wallboxes, over real HTTP against the simulator: every field of every
// seeded heat pump, electric vehicle and inverter compared with the simulator's own JSON (fetched
// directly, with the simulator's token, and mapped here independently of src/upstream); owners and
// their device lists; the users connection; EV sessions, current session and charge policy; heat-pump
// statistics; and Device.building — each with the upstream calls it costs, counted at the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNonNullType, type GraphQLObjectType } from 'graphql';
import { schema } from '../../src/schema/index.js';
import { BUILDING_IDS, createSeed, DELETED_USER_ID, EV_IDS, HEAT_PUMP_IDS, INVERTER_IDS, TEAM_USER_IDS, USER_IDS, type Json, type SeedDevice } from '../../src/simulator/seed.js';
import type { ReceivedRequest } from '../../src/simulator/index.js';
import { RELATED, camel, expectedDevice, iso, selection, unalias, upstreamJson } from '../helpers/device-fields.js';
import { TOKEN_POST, startStack } from '../helpers/stack.js';

/** The simulator's clock, fixed (a Thursday, the day after the seed's last sync), so the statistics' periods are known. */
const NOW = Date.parse('2026-11-26T12:00:00Z');
const { sim, gateway, close } = await startStack({}, { now: () => NOW });
afterAll(close);

const ORG = sim.seed.orgId;
const USER_GET = 'GET /org/{org_id}/users/{user_id}';
const USERS_LIST = 'GET /org/{org_id}/users';
const BUILDING_GET = 'GET /org/{org_id}/users/{user_id}/buildings/{building_id}';
const EV_ROUTE = 'GET /org/{org_id}/users/{user_id}/electric-vehicles/{electric_vehicle_id}';
const SESSIONS = `${EV_ROUTE}/sessions`;
const CURRENT_SESSION = `${EV_ROUTE}/sessions/current`;
const CHARGE_POLICY = `${EV_ROUTE}/charge-policy`;
const HP_ROUTE = 'GET /org/{org_id}/users/{user_id}/heat-pumps/{heat_pump_id}';
const STATISTICS = `${HP_ROUTE}/statistics`;

/** What upstream really answers (`path` below the organization). */
const upstream = <T = Json>(path: string) => upstreamJson<T>(sim, `/org/${ORG}${path}`);

/**
 * Runs one operation through the gateway with the simulator's counts reset just before, so what the
 * simulator received afterwards is what this operation cost (the token request aside).
 */
async function measured(query: string, variables?: Record<string, unknown>) {
  sim.resetCounts();
  const response = await gateway.graphql(query, variables);
  const calls = sim.received().filter((r) => r.route !== TOKEN_POST);
  return { ...response, calls, routes: tally(calls) };
}

function tally(calls: ReceivedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.route] = (counts[call.route] ?? 0) + 1;
  return counts;
}

const queryOf = (call: ReceivedRequest) => Object.fromEntries(new URLSearchParams(call.query));

beforeAll(async () => {
  // The gateway's first call fetches its token: done here, so no test sees it.
  const { body } = await gateway.graphql(`{ user(id: "${USER_IDS.anna}") { id } }`);
  expect(body.errors).toBeUndefined();
});

// ---- mapping upstream JSON to what the gateway must answer, independently of src/upstream ----------

const SESSION_DATES = new Set(['plug_in_time', 'unplug_time', 'inferred_session_end', 'desired_charging_start_time', 'desired_charging_end_time', 'charge_deadline']);
function expectedSession(item: Json): Json {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [camel(k), SESSION_DATES.has(k) ? iso(v) : v]));
}

const expectedPlain = (record: Json): Json => Object.fromEntries(Object.entries(record).map(([k, v]) => [camel(k), v]));

const objectType = (name: string) => schema.getType(name) as GraphQLObjectType;

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** A page of a connection as the gateway answers it. */
interface Connection<N> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: { cursor: string; node: N }[];
}

// ---- the kinds ------------------------------------------------------------------------------------

interface Kind {
  type: 'HeatPump' | 'ElectricVehicle' | 'Inverter';
  /** The root field, and the Owner list. */
  field: string;
  list: string;
  collection: string;
  ids: Record<string, string>;
  seeded: () => SeedDevice[];
  /** The fields the null-heavy record still has: what upstream guarantees (required, or non-nullable with a default). */
  sparseNonNull: string[];
  /** Date-like keys served as text (see expectedDevice). */
  timesOfDay?: string[];
}

/** Every device has these, even right after it was connected. */
const CORE_NON_NULL = [
  'id', 'connectionStatus', 'monitoringStatus', 'steeringStatus', 'deviceModel', 'owner', 'createdAt', 'updatedAt', 'priceZone', 'lifecycleState',
  'isPausePowerActive', 'isSmartOptimizationActive', 'isInverterForcedModeEnabled', 'isInverterForcedModeActive', 'isTradingEnabled', 'actualSteeringState',
  'actionNeeded', 'actions',
];

const KINDS: Kind[] = [
  {
    type: 'HeatPump', field: 'heatPump', list: 'heatPumps', collection: 'heat-pumps', ids: HEAT_PUMP_IDS, seeded: () => sim.seed.heatPumps,
    sparseNonNull: [...CORE_NON_NULL, 'isForecastingEnabled', 'isHotWaterHeatingEnabled', 'isSpaceHeatingEnabled', 'isPoolHeatingEnabled', 'isSpaceCoolingEnabled', 'isHeatingPolicyEnabled', 'isAwayModeEnabled'],
  },
  {
    type: 'ElectricVehicle', field: 'electricVehicle', list: 'electricVehicles', collection: 'electric-vehicles', ids: EV_IDS, seeded: () => sim.seed.electricVehicles,
    sparseNonNull: CORE_NON_NULL, timesOfDay: ['charge_deadline_at'],
  },
  {
    type: 'Inverter', field: 'inverter', list: 'inverters', collection: 'inverters', ids: INVERTER_IDS, seeded: () => sim.seed.inverters,
    sparseNonNull: [...CORE_NON_NULL, 'isBatteryConnected'],
  },
];

function stored(kind: Kind, id: string): SeedDevice {
  const device = kind.seeded().find((d) => d.record.id === id);
  if (!device) throw new Error(`no seeded ${kind.type} ${id}`);
  return device;
}

const deviceQuery = (kind: Kind) => `query ($u: UUID!, $id: UUID!) { ${kind.field}(userId: $u, id: $id, includeDeleted: true) ${selection(objectType(kind.type))} }`;

/** The upstream fields of a kind: those of its fully populated record, as the simulator serves it. */
async function upstreamFields(kind: Kind): Promise<string[]> {
  const full = stored(kind, kind.ids.full!);
  return Object.keys(await upstream(`/users/${full.userId}/${kind.collection}/${full.record.id as string}?include_deleted=true`));
}

describe.each(KINDS)('$type fields', (kind) => {
  it('has one GraphQL field for every upstream field the simulator serves, and no other', async () => {
    const fields = await upstreamFields(kind);
    const own = Object.keys(objectType(kind.type).getFields()).filter((name) => !RELATED[kind.type]!(name));
    expect(own.sort()).toEqual(fields.map(camel).sort());
    // Every seeded record carries those fields (one from a newer upstream carries more, which the gateway leaves out).
    for (const device of kind.seeded()) {
      const keys = Object.keys(await upstream(`/users/${device.userId}/${kind.collection}/${device.record.id as string}?include_deleted=true`));
      expect(keys, `${kind.type} ${device.record.id as string}`).toEqual(expect.arrayContaining(fields));
      if (device.record.id !== kind.ids.newerUpstream) expect(keys.sort()).toEqual([...fields].sort());
    }
  });

  it('seeds a soft-deleted one, which the field reads below include', () => {
    expect(kind.ids.deleted).toBeDefined();
    expect(stored(kind, kind.ids.deleted!).record.deleted_at).toEqual(expect.any(String));
  });

  it.each(Object.entries(kind.ids))('maps every field of %s as the simulator serves it', async (_label, id) => {
    const device = stored(kind, id);
    const fields = await upstreamFields(kind);
    const record = await upstream(`/users/${device.userId}/${kind.collection}/${id}?include_deleted=true`);
    const { body, routes } = await measured(deviceQuery(kind), { u: device.userId, id });
    expect(body.errors).toBeUndefined();
    expect(unalias(body.data[kind.field])).toEqual(expectedDevice(record, fields, kind.timesOfDay));
    // One detail GET, nothing else: the owner's five fields come with the device.
    expect(routes).toEqual({ [`GET /org/{org_id}/users/{user_id}/${kind.collection}/{${snakeId(kind)}}`]: 1 });
  });

  it('serves the null-heavy record with every nullable field null', async () => {
    const device = stored(kind, kind.ids.sparse!);
    const { body } = await measured(deviceQuery(kind), { u: device.userId, id: kind.ids.sparse });
    expect(body.errors).toBeUndefined();
    const served = unalias(body.data[kind.field]) as Json;
    const nonNull = Object.entries(served).filter(([, v]) => v !== null).map(([k]) => k);
    expect(nonNull.sort()).toEqual([...kind.sparseNonNull].sort());
    // Non-null in the schema, or priceZone (nullable only for a zone the gateway does not know).
    const schemaNonNull = Object.values(objectType(kind.type).getFields()).filter((f) => isNonNullType(f.type) && !RELATED[kind.type]!(f.name)).map((f) => f.name);
    expect([...schemaNonNull, 'priceZone'].sort()).toEqual([...kind.sparseNonNull].sort());
    expect(served.owner).toEqual({ id: device.userId, email: null, firstName: null, lastName: null, externalId: null });
    expect(served.deviceModel).toEqual({
      deviceType: { shortName: expect.any(String), longName: null },
      manufacturer: null, model: null, cloudServiceInstructions: null, cloudServiceSignupLink: null, year: null, cloudServiceId: null,
    });
    expect(served.actions).toEqual([]);
  });
});

function snakeId(kind: Kind): string {
  return { HeatPump: 'heat_pump_id', ElectricVehicle: 'electric_vehicle_id', Inverter: 'inverter_id' }[kind.type];
}

it('maps optimization levels Low/Mid/Max to LOW/MID/MAX and a newer one to UNKNOWN', async () => {
  const read = async (id: string) => {
    const device = stored(KINDS[0]!, id);
    const { body } = await measured(`query ($u: UUID!, $id: UUID!) { heatPump(userId: $u, id: $id) { optimizationLevel } }`, { u: device.userId, id });
    return [device.record.optimization_level, body.data.heatPump.optimizationLevel as unknown];
  };
  expect(await read(HEAT_PUMP_IDS.full)).toEqual(['Mid', 'MID']);
  expect(await read(HEAT_PUMP_IDS.awayMode)).toEqual(['Max', 'MAX']);
  expect(await read(HEAT_PUMP_IDS.newerUpstream)).toEqual(['Adaptive', 'UNKNOWN']);
  expect(await read(HEAT_PUMP_IDS.sparse)).toEqual([null, null]);
});

// ---- owners -----------------------------------------------------------------------------------------

const LIST_ROUTES = KINDS.map((k) => `GET /org/{org_id}/users/{user_id}/${k.collection}`);
const PEOPLE = [...Object.entries(USER_IDS), ['staff', TEAM_USER_IDS.staff] as [string, string]];

describe('Owner device lists', () => {
  it.each(PEOPLE)("serves %s's lists as the simulator's list endpoints hold them, one call per list", async (_name, userId) => {
    const lists = await Promise.all(KINDS.map((k) => upstream<Json[]>(`/users/${userId}/${k.collection}`)));
    const [heatPumps, electricVehicles, inverters] = lists.map((items) => items.map((d) => d.id as string));
    const { body, routes } = await measured(
      `query ($id: UUID!) { user(id: $id) { heatPumps { id } electricVehicles { id } inverters { id } devices { __typename id } } }`,
      { id: userId },
    );
    expect(body.errors).toBeUndefined();
    const user = body.data.user;
    expect(user.heatPumps.map((d: Json) => d.id)).toEqual(heatPumps);
    expect(user.electricVehicles.map((d: Json) => d.id)).toEqual(electricVehicles);
    expect(user.inverters.map((d: Json) => d.id)).toEqual(inverters);
    const devices = [...heatPumps!.map((id) => `HeatPump:${id}`), ...electricVehicles!.map((id) => `ElectricVehicle:${id}`), ...inverters!.map((id) => `Inverter:${id}`)];
    expect(user.devices.map((d: Json) => `${d.__typename as string}:${d.id as string}`).sort()).toEqual(devices.sort());
    // The lists leave out soft-deleted devices.
    for (const deleted of [HEAT_PUMP_IDS.deleted, EV_IDS.deleted, INVERTER_IDS.deleted]) expect(devices.join()).not.toContain(deleted);
    // `devices` and the three lists share one call per list endpoint; no detail call; the user GET of `user(id)`.
    expect(routes).toEqual({ [USER_GET]: 1, ...Object.fromEntries(LIST_ROUTES.map((r) => [r, 1])) });
  });

  it("gives a user without devices (a staff member) empty lists", async () => {
    const { body } = await measured(`{ user(id: "${TEAM_USER_IDS.staff}") { heatPumps { id } electricVehicles { id } inverters { id } devices { id } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.user).toEqual({ heatPumps: [], electricVehicles: [], inverters: [], devices: [] });
  });

  it('reads each list once however often `devices` and the lists are selected; a device the list holds needs no detail call later', async () => {
    const { body, routes } = await measured(
      `query ($id: UUID!, $hp: UUID!) { user(id: $id) { a: devices { id } b: devices { __typename } heatPumps { id owner { heatPump(id: $hp) { id comment } } } c: heatPumps { comment } } }`,
      { id: USER_IDS.anna, hp: HEAT_PUMP_IDS.full },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.user.a).toHaveLength(4);
    expect(body.data.user.heatPumps).toEqual([{ id: HEAT_PUMP_IDS.full, owner: { heatPump: { id: HEAT_PUMP_IDS.full, comment: stored(KINDS[0]!, HEAT_PUMP_IDS.full).record.comment } } }]);
    expect(routes).toEqual({ [USER_GET]: 1, ...Object.fromEntries(LIST_ROUTES.map((r) => [r, 1])) });
  });
});

describe("Owner's user-endpoint fields", () => {
  const hp = () => stored(KINDS[0]!, HEAT_PUMP_IDS.full);

  it("serves the five fields a device embeds from the device, without a user GET", async () => {
    const { body, routes } = await measured(`query ($u: UUID!, $id: UUID!) { heatPump(userId: $u, id: $id) { owner { id email firstName lastName externalId } } }`, {
      u: hp().userId,
      id: HEAT_PUMP_IDS.full,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.heatPump.owner).toEqual(expectedPlain(hp().record.owner as Json));
    expect(routes).toEqual({ [HP_ROUTE]: 1 });
  });

  it('reads the user endpoint once when a field only it answers is selected', async () => {
    const one = await measured(`query ($u: UUID!, $id: UUID!) { heatPump(userId: $u, id: $id) { owner { town } } }`, { u: hp().userId, id: HEAT_PUMP_IDS.full });
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data.heatPump.owner).toEqual({ town: 'Wien' });
    expect(one.routes).toEqual({ [HP_ROUTE]: 1, [USER_GET]: 1 });
    expect(one.calls.find((c) => c.route === USER_GET)!.path).toBe(`/api/partners/v2.0/org/${ORG}/users/${USER_IDS.anna}`);

    // Two devices of one owner, several such fields: still one user GET.
    const two = await measured(
      `query ($u: UUID!, $hp: UUID!, $ev: UUID!) { heatPump(userId: $u, id: $hp) { owner { town zipCode } } electricVehicle(userId: $u, id: $ev) { owner { country role } } }`,
      { u: USER_IDS.anna, hp: HEAT_PUMP_IDS.full, ev: EV_IDS.full },
    );
    expect(two.body.errors).toBeUndefined();
    expect(two.body.data).toEqual({ heatPump: { owner: { town: 'Wien', zipCode: '1070' } }, electricVehicle: { owner: { country: 'AT', role: 'USER' } } });
    expect(two.routes).toEqual({ [HP_ROUTE]: 1, [EV_ROUTE]: 1, [USER_GET]: 1 });
  });

  it.each(PEOPLE)("user(id) serves %s's role, address and coordinates as upstream has them", async (_name, userId) => {
    const record = await upstream(`/users/${userId}`);
    const { body, routes } = await measured(
      `query ($id: UUID!) { user(id: $id) { id email firstName lastName externalId role streetAndNumber streetAddInfo zipCode town country latitude longitude locationLastUpdated } }`,
      { id: userId },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.user).toEqual({
      id: record.id,
      email: record.email,
      firstName: record.first_name,
      lastName: record.last_name,
      externalId: record.external_user_id,
      role: (record.role as string).toUpperCase(),
      streetAndNumber: record.street_and_number,
      streetAddInfo: record.street_add_info,
      zipCode: record.zip_code,
      town: record.town,
      country: record.country,
      latitude: record.latitude,
      longitude: record.longitude,
      locationLastUpdated: iso(record.location_last_updated),
    });
    expect(routes).toEqual({ [USER_GET]: 1 });
  });

  it('serves a postcode with a space ("722 12") as the text it is', async () => {
    const { body } = await measured(`{ user(id: "${USER_IDS.jonas}") { zipCode town country } }`);
    expect(body.data.user).toEqual({ zipCode: '722 12', town: 'Västerås', country: 'SE' });
  });
});

// ---- users connection -------------------------------------------------------------------------------

describe('users connection', () => {
  const PAGE = `query ($first: Int, $after: String, $role: UserRole, $d: Boolean) {
    users(first: $first, after: $after, role: $role, includeDeleted: $d) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id role } }
      nodes { id }
    }
  }`;

  /** Every page of `first`, following endCursor; each page's upstream calls are checked. */
  async function walk(first: number, variables: Record<string, unknown> = {}) {
    const pages: (Connection<{ id: string; role: string }> & { nodes: { id: string }[]; query: Record<string, string> })[] = [];
    let after: string | null = null;
    for (;;) {
      const { body, routes, calls } = await measured(PAGE, { ...variables, first, after });
      expect(body.errors).toBeUndefined();
      // Each page is one list call and nothing else.
      expect(routes).toEqual({ [USERS_LIST]: 1 });
      pages.push({ ...body.data.users, query: queryOf(calls[0]!) });
      if (!body.data.users.pageInfo.hasNextPage) return pages;
      after = body.data.users.pageInfo.endCursor;
    }
  }

  it("counts the simulator's users, and pages through all of them once, in upstream order", async () => {
    const all = await upstream<Json[]>('/users');
    expect(all.length).toBeGreaterThan(3);
    const pages = await walk(3);
    expect(pages).toHaveLength(Math.ceil(all.length / 3));
    pages.forEach((page, i) => {
      expect(page.totalCount).toBe(all.length);
      expect(page.pageInfo.hasPreviousPage).toBe(i > 0);
      expect(page.pageInfo.hasNextPage).toBe(i < pages.length - 1);
      expect(page.nodes).toEqual(page.edges.map((e) => ({ id: e.node.id })));
      expect(page.pageInfo.startCursor).toBe(page.edges[0]!.cursor);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
      expect(page.query).toEqual({});
    });
    const ids = pages.flatMap((p) => p.nodes.map((n) => n.id));
    expect(ids).toEqual(all.map((u) => u.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(DELETED_USER_ID);
  });

  it('continues after any edge cursor, not only endCursor', async () => {
    const all = await upstream<Json[]>('/users');
    const { body } = await measured(PAGE, { first: 3 });
    const { body: next } = await measured(PAGE, { first: 2, after: body.data.users.edges[0].cursor });
    expect(next.data.users.nodes.map((n: Json) => n.id)).toEqual(all.slice(1, 3).map((u) => u.id));
    expect(next.data.users.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('filters by role before paging: totalCount counts what the filter kept', async () => {
    const staff = await measured(PAGE, { role: 'STAFF', first: 10 });
    expect(staff.body.errors).toBeUndefined();
    expect(staff.body.data.users.totalCount).toBe(1);
    expect(staff.body.data.users.edges.map((e: Json) => e.node)).toEqual([{ id: TEAM_USER_IDS.staff, role: 'STAFF' }]);
    expect(staff.routes).toEqual({ [USERS_LIST]: 1 });

    const all = await upstream<Json[]>('/users');
    const endUsers = all.filter((u) => u.role === 'user').map((u) => u.id);
    const pages = await walk(4, { role: 'USER' });
    for (const page of pages) expect(page.totalCount).toBe(endUsers.length);
    expect(pages.flatMap((p) => p.edges.map((e) => e.node))).toEqual(endUsers.map((id) => ({ id, role: 'USER' })));
  });

  it('includes the deleted user with includeDeleted', async () => {
    const all = await upstream<Json[]>('/users?include_deleted=true');
    expect(all.map((u) => u.id)).toContain(DELETED_USER_ID);
    const pages = await walk(5, { d: true });
    expect(pages[0]!.totalCount).toBe(all.length);
    expect(pages.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(all.map((u) => u.id));
    for (const page of pages) expect(page.query).toEqual({ include_deleted: 'true' });
  });

  it('refuses a cursor it did not make (BAD_USER_INPUT) without an upstream call', async () => {
    const forged = ['offset:x', 'offset:-1', 'offset:2 OR 1=1', 'cursor:offset:2'].map((text) => Buffer.from(text).toString('base64'));
    for (const after of ['garbage', ...forged]) {
      const { body, calls } = await measured(PAGE, { first: 2, after });
      expect(body.errors?.[0]?.extensions.code, after).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
  });

  it('refuses first: 501 (BAD_USER_INPUT) without an upstream call, and takes 500', async () => {
    const refused = await measured(PAGE, { first: 501 });
    expect(refused.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(refused.calls).toEqual([]);
    const negative = await measured(PAGE, { first: -1 });
    expect(negative.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const taken = await measured(PAGE, { first: 500 });
    expect(taken.body.errors).toBeUndefined();
    expect(taken.body.data.users.pageInfo.hasNextPage).toBe(false);
  });
});

// ---- electric vehicles: sessions, current session, charge policy -----------------------------------

describe('ElectricVehicle sessions', () => {
  const ev = () => stored(KINDS[1]!, EV_IDS.full);
  const FROM = '2026-01-01';
  const TO = '2026-12-31';
  const SESSIONS_QUERY = `query ($u: UUID!, $id: UUID!, $from: Date!, $to: Date!, $first: Int, $after: String) {
    electricVehicle(userId: $u, id: $id) {
      sessions(from: $from, to: $to, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node ${selection(objectType('ChargingSession'))} }
      }
    }
  }`;

  it("walks all 120 completed sessions of Anna's EV in pages of 50, newest first, as upstream gives them", async () => {
    const all = await upstream<{ total: number; items: Json[] }>(`/users/${ev().userId}/electric-vehicles/${EV_IDS.full}/sessions?from=${FROM}&to=${TO}&limit=200&offset=0`);
    expect(all.total).toBe(120);
    expect(all.items).toHaveLength(120);

    const nodes: Json[] = [];
    const pages: Connection<Json>[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { body, calls, routes } = await measured(SESSIONS_QUERY, { u: ev().userId, id: EV_IDS.full, from: FROM, to: TO, first: 50, after });
      expect(body.errors).toBeUndefined();
      const connection = body.data.electricVehicle.sessions as Connection<Json>;
      pages.push(connection);
      nodes.push(...connection.edges.map((e) => e.node));
      // One EV detail GET and one sessions call per page, asking upstream for exactly that page.
      expect(routes).toEqual({ [EV_ROUTE]: 1, [SESSIONS]: 1 });
      const call = calls.find((c) => c.route === SESSIONS)!;
      expect(call.path).toBe(`/api/partners/v2.0/org/${ORG}/users/${ev().userId}/electric-vehicles/${EV_IDS.full}/sessions`);
      expect(queryOf(call)).toEqual({ from: FROM, to: TO, limit: '50', offset: String(page * 50) });
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages.map((p) => p.edges.length)).toEqual([50, 50, 20]);
    expect(pages.map((p) => p.totalCount)).toEqual([120, 120, 120]);
    expect(pages.map((p) => [p.pageInfo.hasPreviousPage, p.pageInfo.hasNextPage])).toEqual([[false, true], [true, true], [true, false]]);
    const ids = nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(120);
    expect(nodes).toEqual(all.items.map(expectedSession));
    const plugIns = nodes.map((n) => Date.parse(n.plugInTime as string));
    expect(plugIns).toEqual([...plugIns].sort((a, b) => b - a));
  });

  it('passes the date range on: a narrower range is a smaller total', async () => {
    const direct = await upstream<{ total: number }>(`/users/${ev().userId}/electric-vehicles/${EV_IDS.full}/sessions?from=2026-11-01&to=2026-11-30`);
    expect(direct.total).toBeGreaterThan(0);
    expect(direct.total).toBeLessThan(120);
    const { body, calls } = await measured(SESSIONS_QUERY, { u: ev().userId, id: EV_IDS.full, from: '2026-11-01', to: '2026-11-30', first: 5 });
    expect(body.data.electricVehicle.sessions.totalCount).toBe(direct.total);
    expect(queryOf(calls.find((c) => c.route === SESSIONS)!)).toEqual({ from: '2026-11-01', to: '2026-11-30', limit: '5', offset: '0' });
  });

  it('refuses first above 200 and from after to (BAD_USER_INPUT) without a sessions call', async () => {
    for (const variables of [{ first: 201, from: FROM, to: TO }, { first: 10, from: '2026-06-02', to: '2026-06-01' }]) {
      const { body, routes } = await measured(SESSIONS_QUERY, { u: ev().userId, id: EV_IDS.full, ...variables });
      expect(body.errors?.[0]?.extensions.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.path).toEqual(['electricVehicle', 'sessions']);
      expect(routes[SESSIONS] ?? 0).toBe(0);
    }
    // The edge of the range: first 200 is taken.
    const { body, calls } = await measured(SESSIONS_QUERY, { u: ev().userId, id: EV_IDS.full, from: FROM, to: TO, first: 200 });
    expect(body.errors).toBeUndefined();
    expect(body.data.electricVehicle.sessions.edges).toHaveLength(120);
    expect(queryOf(calls.find((c) => c.route === SESSIONS)!).limit).toBe('200');
  });

  it('serves the session under way for a plugged-in EV, and null for an unplugged one', async () => {
    const current = await upstream<{ session: Json }>(`/users/${ev().userId}/electric-vehicles/${EV_IDS.full}/sessions/current`);
    expect(current.session).not.toBeNull();
    const query = `query ($u: UUID!, $id: UUID!) { electricVehicle(userId: $u, id: $id) { isPluggedIn currentSession ${selection(objectType('ChargingSession'))} } }`;
    const plugged = await measured(query, { u: ev().userId, id: EV_IDS.full });
    expect(plugged.body.errors).toBeUndefined();
    expect(plugged.body.data.electricVehicle).toEqual({ isPluggedIn: true, currentSession: expectedSession(current.session) });
    expect(plugged.body.data.electricVehicle.currentSession.unplugTime).toBeNull();
    expect(plugged.routes).toEqual({ [EV_ROUTE]: 1, [CURRENT_SESSION]: 1 });

    const zoe = stored(KINDS[1]!, EV_IDS.unplugged);
    const unplugged = await measured(query, { u: zoe.userId, id: EV_IDS.unplugged });
    expect(unplugged.body.errors).toBeUndefined();
    expect(unplugged.body.data.electricVehicle).toEqual({ isPluggedIn: false, currentSession: null });
  });

  it('serves the weekly charge policy with all seven days and its time zone, and null for an EV without one', async () => {
    const policy = await upstream<{ data: Json }>(`/users/${ev().userId}/electric-vehicles/${EV_IDS.full}/charge-policy`);
    const day = (key: string) => {
      const d = policy.data[key] as Json;
      return { chargePercentage: d.charge_percentage, chargeDeadline: d.charge_deadline };
    };
    const query = `query ($u: UUID!, $id: UUID!) { electricVehicle(userId: $u, id: $id) { chargePolicy ${selection(objectType('ChargePolicy'))} } }`;
    const { body, routes } = await measured(query, { u: ev().userId, id: EV_IDS.full });
    expect(body.errors).toBeUndefined();
    expect(body.data.electricVehicle.chargePolicy).toEqual({
      timezone: 'Europe/Vienna',
      monday: day('mon'), tuesday: day('tue'), wednesday: day('wed'), thursday: day('thu'), friday: day('fri'), saturday: day('sat'), sunday: day('sun'),
    });
    expect(body.data.electricVehicle.chargePolicy.saturday).toEqual({ chargePercentage: 60, chargeDeadline: '10:00' });
    expect(body.data.electricVehicle.chargePolicy.monday).toEqual({ chargePercentage: 80, chargeDeadline: '07:30' });
    expect(routes).toEqual({ [EV_ROUTE]: 1, [CHARGE_POLICY]: 1 });

    // The sparse EV has none set (the seed's charge policies leave it out).
    expect(sim.seed.chargePolicies[EV_IDS.sparse]).toBeUndefined();
    const sparse = stored(KINDS[1]!, EV_IDS.sparse);
    const none = await measured(query, { u: sparse.userId, id: EV_IDS.sparse });
    expect(none.body.errors).toBeUndefined();
    expect(none.body.data.electricVehicle).toEqual({ chargePolicy: null });
  });

  it('maps each upstream weekday (mon..sun) to its own day', async () => {
    // The seeded policies repeat one target on every weekday: a simulator whose policy differs every day.
    const seed = createSeed();
    const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    seed.chargePolicies[EV_IDS.full] = {
      ...Object.fromEntries(days.map((d, i) => [d, { charge_percentage: 61 + i, charge_deadline: `0${i + 1}:15` }])),
      timezone: 'Europe/Vienna',
    };
    const other = await startStack({}, { seed });
    try {
      const { body } = await other.gateway.graphql(`query ($u: UUID!, $id: UUID!) { electricVehicle(userId: $u, id: $id) { chargePolicy ${selection(objectType('ChargePolicy'))} } }`, {
        u: ev().userId,
        id: EV_IDS.full,
      });
      expect(body.errors).toBeUndefined();
      const names = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
      expect(body.data.electricVehicle.chargePolicy).toEqual({
        timezone: 'Europe/Vienna',
        ...Object.fromEntries(names.map((name, i) => [name, { chargePercentage: 61 + i, chargeDeadline: `0${i + 1}:15` }])),
      });
    } finally {
      await other.close();
    }
  });
});

// ---- heat pump statistics ---------------------------------------------------------------------------

describe('HeatPump.statistics', () => {
  const hp = () => stored(KINDS[0]!, HEAT_PUMP_IDS.full);
  const query = (args: string) =>
    `query ($u: UUID!, $id: UUID!) { heatPump(userId: $u, id: $id) { statistics${args} { resolution start end savings { total percentage } consumption { total } estimatedConsumptionWh } } }`;

  function expectedPeriod(item: Json): Json {
    const period = item.period as Json;
    const savings = item.savings as Json | null;
    const consumption = item.consumption as Json | null;
    return {
      resolution: (item.resolution as string).slice(1),
      start: iso(period.start_period),
      end: iso(period.end_period),
      savings: savings && { total: savings.total, percentage: savings.percentage },
      consumption: consumption && { total: consumption.total },
      estimatedConsumptionWh: (item.heat_pump as Json).estimated_consumption_wh,
    };
  }

  it('asks for all five resolutions in one call (1DAY,1WEEK,...) and serves each period as upstream computes it', async () => {
    const direct = await upstream<{ data: Json[] }>(`/users/${hp().userId}/heat-pumps/${HEAT_PUMP_IDS.full}/statistics?resolution=1DAY,1WEEK,1MONTH,1QUARTER,1YEAR`);
    const { body, routes, calls } = await measured(query('(resolutions: [DAY, WEEK, MONTH, QUARTER, YEAR])'), { u: hp().userId, id: HEAT_PUMP_IDS.full });
    expect(body.errors).toBeUndefined();
    expect(routes).toEqual({ [HP_ROUTE]: 1, [STATISTICS]: 1 });
    expect(queryOf(calls.find((c) => c.route === STATISTICS)!)).toEqual({ resolution: '1DAY,1WEEK,1MONTH,1QUARTER,1YEAR' });
    const periods = body.data.heatPump.statistics as Json[];
    expect(periods.map((p) => p.resolution)).toEqual(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);
    expect(periods).toEqual(direct.data.map(expectedPeriod));
    for (const p of periods) {
      // Dates: UTC midnights, start before end.
      expect(p.start).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/);
      expect(p.end).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/);
      expect(Date.parse(p.start as string)).toBeLessThan(Date.parse(p.end as string));
      expect(p.savings).not.toBeNull();
      expect(p.consumption).not.toBeNull();
    }
    // The last completed period of each resolution before Thursday 2026-11-26 (UTC).
    expect(periods.map((p) => [p.start, p.end].map((d) => (d as string).slice(0, 10)))).toEqual([
      ['2026-11-25', '2026-11-26'],
      ['2026-11-16', '2026-11-23'],
      ['2026-10-01', '2026-11-01'],
      ['2026-07-01', '2026-10-01'],
      ['2025-01-01', '2026-01-01'],
    ]);
  });

  it('serves savings as null when only CONSUMPTION is asked for, and asks upstream for just that', async () => {
    const { body, calls } = await measured(query('(resolutions: [WEEK], keywords: [CONSUMPTION])'), { u: hp().userId, id: HEAT_PUMP_IDS.full });
    expect(body.errors).toBeUndefined();
    expect(queryOf(calls.find((c) => c.route === STATISTICS)!)).toEqual({ resolution: '1WEEK', keywords: 'consumption' });
    const [week] = body.data.heatPump.statistics as Json[];
    expect(body.data.heatPump.statistics).toHaveLength(1);
    expect(week!.savings).toBeNull();
    expect(week!.consumption).toEqual({ total: expect.any(Number) });
  });

  it('asks for DAY by default, in one call', async () => {
    const { body, routes, calls } = await measured(query(''), { u: hp().userId, id: HEAT_PUMP_IDS.full });
    expect(body.errors).toBeUndefined();
    expect(body.data.heatPump.statistics.map((p: Json) => p.resolution)).toEqual(['DAY']);
    expect(routes[STATISTICS]).toBe(1);
    expect(queryOf(calls.find((c) => c.route === STATISTICS)!)).toEqual({ resolution: '1DAY' });
  });
});

// ---- reads without a batch form, asked for twice ------------------------------------------------------

describe('reads an operation names twice', () => {
  it('cost one upstream call each: charge policy, current session, a sessions page, statistics', async () => {
    const ev = stored(KINDS[1]!, EV_IDS.full);
    const hp = stored(KINDS[0]!, HEAT_PUMP_IDS.full);
    const { body, routes } = await measured(
      `query ($u: UUID!, $ev: UUID!, $hp: UUID!) {
        electricVehicle(userId: $u, id: $ev) {
          a: chargePolicy { timezone } b: chargePolicy { monday { chargePercentage } }
          c: currentSession { id } d: currentSession { isAtHome }
          e: sessions(from: "2026-01-01", to: "2026-12-31", first: 5) { totalCount } f: sessions(from: "2026-01-01", to: "2026-12-31", first: 5) { nodes { id } }
          g: sessions(from: "2026-01-01", to: "2026-12-31", first: 6) { totalCount }
        }
        heatPump(userId: $u, id: $hp) { a: statistics { resolution } b: statistics(resolutions: [DAY]) { start } c: statistics(resolutions: [WEEK]) { start } }
      }`,
      { u: ev.userId, ev: EV_IDS.full, hp: hp.record.id },
    );
    expect(ev.userId).toBe(hp.userId);
    expect(body.errors).toBeUndefined();
    expect(body.data.electricVehicle.a.timezone).toBe('Europe/Vienna');
    expect(body.data.electricVehicle.f.nodes).toHaveLength(5);
    // Two distinct session pages (first: 5 and 6) and two distinct statistics reads (DAY and WEEK).
    expect(routes).toEqual({ [EV_ROUTE]: 1, [CHARGE_POLICY]: 1, [CURRENT_SESSION]: 1, [SESSIONS]: 2, [HP_ROUTE]: 1, [STATISTICS]: 2 });
  });

  it('refuses statistics for no resolution (BAD_USER_INPUT) without a statistics call', async () => {
    const hp = stored(KINDS[0]!, HEAT_PUMP_IDS.full);
    const { body, routes } = await measured(`query ($u: UUID!, $id: UUID!) { heatPump(userId: $u, id: $id) { id statistics(resolutions: []) { start } } }`, { u: hp.userId, id: HEAT_PUMP_IDS.full });
    expect(body.errors).toEqual([expect.objectContaining({ path: ['heatPump', 'statistics'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    expect(routes[STATISTICS]).toBeUndefined();
  });
});

// ---- Device.building --------------------------------------------------------------------------------

describe('Device.building', () => {
  const BUILDING = `building ${selection(objectType('Building'))}`;

  it("serves the device's building as the simulator has it", async () => {
    const hp = stored(KINDS[0]!, HEAT_PUMP_IDS.full);
    expect(hp.record.building).toBe(BUILDING_IDS.anna);
    const record = await upstream(`/users/${hp.userId}/buildings/${BUILDING_IDS.anna}`);
    const { body, routes, calls } = await measured(`query ($u: UUID!, $id: UUID!) { heatPump(userId: $u, id: $id) { buildingId ${BUILDING} } }`, { u: hp.userId, id: HEAT_PUMP_IDS.full });
    expect(body.errors).toBeUndefined();
    expect(body.data.heatPump).toEqual({ buildingId: BUILDING_IDS.anna, building: expectedPlain(record) });
    expect(routes).toEqual({ [HP_ROUTE]: 1, [BUILDING_GET]: 1 });
    expect(calls.find((c) => c.route === BUILDING_GET)!.path).toBe(`/api/partners/v2.0/org/${ORG}/users/${hp.userId}/buildings/${BUILDING_IDS.anna}`);
  });

  it.each(KINDS)('serves null for a $type in no building, without a building call', async (kind) => {
    const device = stored(kind, kind.ids.sparse!);
    expect(device.record.building).toBeNull();
    const { body, routes } = await measured(`query ($u: UUID!, $id: UUID!) { ${kind.field}(userId: $u, id: $id) { buildingId building { id } } }`, { u: device.userId, id: kind.ids.sparse });
    expect(body.errors).toBeUndefined();
    expect(body.data[kind.field]).toEqual({ buildingId: null, building: null });
    expect(routes[BUILDING_GET] ?? 0).toBe(0);
  });

  it('reads a building shared by several devices once', async () => {
    const { body, routes } = await measured(`{ user(id: "${USER_IDS.anna}") { devices { id building { id name } } } }`);
    expect(body.errors).toBeUndefined();
    const devices = body.data.user.devices as Json[];
    expect(devices.length).toBeGreaterThanOrEqual(2);
    const home = sim.seed.buildings.find((b) => b.record.id === BUILDING_IDS.anna)!.record;
    for (const d of devices) expect(d.building).toEqual({ id: BUILDING_IDS.anna, name: home.name });
    expect(routes[BUILDING_GET]).toBe(1);

    // Two root fields on devices of different kinds in the same building: one building call too.
    const two = await measured(
      `query ($u: UUID!, $hp: UUID!, $iv: UUID!) { heatPump(userId: $u, id: $hp) { building { id } } inverter(userId: $u, id: $iv) { building { town } } }`,
      { u: USER_IDS.anna, hp: HEAT_PUMP_IDS.full, iv: INVERTER_IDS.full },
    );
    expect(two.body.errors).toBeUndefined();
    expect(two.body.data).toEqual({ heatPump: { building: { id: BUILDING_IDS.anna } }, inverter: { building: { town: 'Wien' } } });
    expect(two.routes[BUILDING_GET]).toBe(1);
  });
});
