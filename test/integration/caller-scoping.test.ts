// Per-user scoping with real JWTs. An end user (Anna) may name only herself: every root field that
// names a user is probed with someone else's (Jonas's) and must answer FORBIDDEN without an upstream
// call, while the other fields of the operation still resolve. The walk covers the schema's root fields
// themselves, so a field added without a probe (or without a scope) fails here. Staff act on everyone;
// entities are checked one by one; what upstream answers about someone else never comes back. Ids
// inside a write's input that name another resource of a user are checked too: the walk covers every
// id field of every mutation's input, so one added without a check (and a probe) fails here.
import { GraphQLObjectType, getNamedType, isInputObjectType, type GraphQLInputType } from 'graphql';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { BUILDING_IDS, EV_IDS, HEAT_PUMP_IDS, INVERTER_IDS, USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { ExternalUsers } from '../../src/caller/external-users.js';
import { createLogger } from '../../src/logger.js';
import { createPartnerApi } from '../../src/upstream/index.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { apiCalls, TEST_CLIENT, TOKEN_POST, WALLBOX_GET, startGateway, startStack, type GraphQLResponse, type RunningGateway } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const JONAS = USER_IDS.jonas!;
const ANNAS = WALLBOX_IDS.full;
const JONASS = WALLBOX_IDS.reauth;
const OTHER_ORG = '00000000-0000-4000-8000-000000000000';
/** Any device id: a refused field never gets as far as asking for it. */
const SOME_DEVICE = '00000000-0000-4000-8000-00000000d0d0';
const USER_LIST = 'GET /org/{org_id}/users';
const USER_GET = 'GET /org/{org_id}/users/{user_id}';
const BUILDING_GET = 'GET /org/{org_id}/users/{user_id}/buildings/{building_id}';

const idp = await IdentityProvider.start();
const { sim, gateway, close } = await startStack({ callerAuth: idp.auth() });
afterEach(() => sim.resetCounts());
afterAll(async () => {
  await close();
  await idp.close();
});

async function as(token: Promise<string>, query: string, variables?: Record<string, unknown>, on: RunningGateway = gateway): Promise<GraphQLResponse> {
  return on.graphql(query, variables, { authorization: `Bearer ${await token}` });
}
const anna = () => idp.token({ claims: { sub: 'anna@example.at', podero_user_id: ANNA } });
const staff = (claims: Record<string, unknown> = { podero_role: 'staff' }) => idp.token({ claims: { sub: 'agent-7', ...claims } });

function codes(response: GraphQLResponse): Record<string, string> {
  return Object.fromEntries((response.body.errors ?? []).map((e) => [String(e.path?.join('.') ?? ''), String(e.extensions.code)]));
}

// ---- every root field ------------------------------------------------------------------------------------

type Probe =
  /** The field names a user: a probe that names Jonas, which Anna must be refused. */
  | { names: 'user'; query: string }
  /** Organization-wide: staff and admins only. */
  | { names: 'the organization'; query: string }
  /** About the caller alone (nobody else can be named). */
  | { names: 'the caller' }
  /** Authorized by something the caller holds (an action's secret), not by a user. */
  | { names: 'a secret' }
  /** Public (the subgraph SDL) or checked per item (entities, probed below). */
  | { names: 'nobody' | 'each entity' };

const ROOT_FIELDS: Record<string, Probe> = {
  'Query.wallbox': { names: 'user', query: `{ wallbox(userId: "${JONAS}", id: "${JONASS}") { id } }` },
  'Query.me': { names: 'the caller' },
  'Query._entities': { names: 'each entity' },
  'Query._service': { names: 'nobody' },
  'Mutation.updateWallbox': { names: 'user', query: `mutation { updateWallbox(input: { userId: "${JONAS}", id: "${JONASS}", comment: "mine now" }) { id } }` },
  'Mutation.pauseWallboxPower': { names: 'user', query: `mutation { pauseWallboxPower(userId: "${JONAS}", id: "${JONASS}", until: "2099-01-01T00:00:00Z") { id } }` },
  'Mutation.resumeWallboxPower': { names: 'user', query: `mutation { resumeWallboxPower(userId: "${JONAS}", id: "${JONASS}") { id } }` },
  'Mutation.boostWallbox': { names: 'user', query: `mutation { boostWallbox(userId: "${JONAS}", id: "${JONASS}") { __typename } }` },
  'Mutation.cancelWallboxBoost': { names: 'user', query: `mutation { cancelWallboxBoost(userId: "${JONAS}", id: "${JONASS}") { id } }` },
  'Mutation.createWallboxClaimToken': { names: 'user', query: `mutation { createWallboxClaimToken(userId: "${JONAS}") { token } }` },
  'Mutation.reauthenticateWallbox': { names: 'user', query: `mutation { reauthenticateWallbox(userId: "${JONAS}", id: "${JONASS}") { authenticationUrl } }` },
  'Query.heatPump': { names: 'user', query: `{ heatPump(userId: "${JONAS}", id: "${SOME_DEVICE}") { id } }` },
  'Query.electricVehicle': { names: 'user', query: `{ electricVehicle(userId: "${JONAS}", id: "${SOME_DEVICE}") { id } }` },
  'Query.inverter': { names: 'user', query: `{ inverter(userId: "${JONAS}", id: "${SOME_DEVICE}") { id } }` },
  'Query.user': { names: 'user', query: `{ user(id: "${JONAS}") { id } }` },
  'Query.users': { names: 'the organization', query: '{ users { totalCount } }' },
  'Mutation.updateHeatPump': { names: 'user', query: `mutation { updateHeatPump(input: { userId: "${JONAS}", id: "${SOME_DEVICE}", comment: "mine now" }) { id } }` },
  'Mutation.updateElectricVehicle': { names: 'user', query: `mutation { updateElectricVehicle(input: { userId: "${JONAS}", id: "${SOME_DEVICE}", chargeTargetMax: 90 }) { id } }` },
  'Mutation.updateInverter': { names: 'user', query: `mutation { updateInverter(input: { userId: "${JONAS}", id: "${SOME_DEVICE}", maxBatteryCharge: 90 }) { id } }` },
  'Mutation.boostElectricVehicle': { names: 'user', query: `mutation { boostElectricVehicle(userId: "${JONAS}", id: "${SOME_DEVICE}") { __typename } }` },
  'Mutation.cancelElectricVehicleBoost': { names: 'user', query: `mutation { cancelElectricVehicleBoost(userId: "${JONAS}", id: "${SOME_DEVICE}") { id } }` },
  'Mutation.updateUser': { names: 'user', query: `mutation { updateUser(input: { id: "${JONAS}", town: "Graz" }) { id } }` },
  'Mutation.createBuilding': { names: 'user', query: `mutation { createBuilding(input: { userId: "${JONAS}", name: "Cabin" }) { id } }` },
  'Mutation.updateBuilding': { names: 'user', query: `mutation { updateBuilding(input: { userId: "${JONAS}", id: "${SOME_DEVICE}", name: "Cabin" }) { id } }` },
  'Mutation.createOnboardingSession': {
    names: 'user',
    query: `mutation { createOnboardingSession(input: { userId: "${JONAS}", deviceType: HEAT_PUMP, language: DE, priceZoneDefault: AT, successUrl: "https://app.example/ok", cancelUrl: "https://app.example/no" }) { url } }`,
  },
  'Mutation.startAction': { names: 'a secret' },
  'Mutation.reportActionOutcome': { names: 'a secret' },
};

describe('every root field', () => {
  it('has a probe here, and a scope in the schema', () => {
    const rootFields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root: GraphQLObjectType) => Object.keys(root.getFields()).map((f) => `${root.name}.${f}`));
    expect(rootFields.sort()).toEqual(Object.keys(ROOT_FIELDS).sort());
  });

  const userFields = Object.entries(ROOT_FIELDS).flatMap(([name, probe]) => (probe.names === 'user' ? [[name, probe.query] as const] : []));

  it.each(userFields)('%s: another user is FORBIDDEN for an end user, with no upstream call', async (name, query) => {
    const { status, body } = await as(anna(), query);
    expect(status).toBe(200);
    const field = name.split('.')[1]!;
    expect(body.data).toEqual({ [field]: null });
    expect(body.errors).toEqual([expect.objectContaining({ path: [field], message: 'Not allowed: you may only act on your own user', extensions: { code: 'FORBIDDEN' } })]);
    expect(apiCalls(sim)).toBe(0);
  });

  const orgFields = Object.entries(ROOT_FIELDS).flatMap(([name, probe]) => (probe.names === 'the organization' ? [[name, probe.query] as const] : []));

  it.each(orgFields)('%s: FORBIDDEN for an end user, with no upstream call', async (name, query) => {
    const { body } = await as(anna(), query);
    const field = name.split('.')[1]!;
    expect(body.errors).toEqual([expect.objectContaining({ path: [field], message: 'Not allowed: only staff and admins may do this', extensions: { code: 'FORBIDDEN' } })]);
    expect(apiCalls(sim)).toBe(0);
  });

  it.each([...userFields, ...orgFields.map(([name, query]) => [name, query.replace('users {', `users(orgId: "${OTHER_ORG}") {`)] as const)])(
    '%s: another organization is FORBIDDEN, even for staff, with no upstream call',
    async (name, query) => {
    const withOrg = query.replace(new RegExp(`\\b(userId|id): "${JONAS}"`), `orgId: "${OTHER_ORG}", $1: "${JONAS}"`);
    const field = name.split('.')[1]!;
    const { body } = await as(staff(), withOrg);
    expect(codes({ body } as GraphQLResponse)).toEqual({ [field]: 'FORBIDDEN' });
    expect(body.errors![0]!.message).toBe('Not allowed: this gateway serves its configured organization only');
    expect(apiCalls(sim)).toBe(0);
    },
  );

  it('leaves the other fields of the operation alone: one refused field, the rest resolved', async () => {
    const { body } = await as(anna(), `{ mine: wallbox(id: "${ANNAS}") { id } theirs: wallbox(userId: "${JONAS}", id: "${JONASS}") { id } me { firstName } }`);
    expect(body.data).toEqual({ mine: { id: ANNAS }, theirs: null, me: { firstName: 'Anna' } });
    expect(codes({ body } as GraphQLResponse)).toEqual({ theirs: 'FORBIDDEN' });
    expect(sim.count(WALLBOX_GET)).toBe(1);
  });
});

// ---- ids inside a write's input ---------------------------------------------------------------------------

type Reference =
  /**
   * Names a resource of the write's own user, checked under that user's path before the write
   * (src/schema/references.ts). `query` sets it from `$ref`; the probes send another user's id, one
   * of the user's own, and null. `device`: a device whose building the probes change (set back after).
   */
  | { names: 'a resource of the user'; query: string; check: string; foreign: string; own: string; device?: string }
  /** Authorized by the secret given with it (upstream's rule, see startAction), not by a user. */
  | { names: 'a secret' }
  /** Not a reference: the partner's own label, which upstream stores as text and never resolves. */
  | { names: 'nothing' };

const ANNAS_HOME = BUILDING_IDS.anna;
const ANNAS_HOLIDAY_HOME = BUILDING_IDS.annaHolidayHome;
const JONASS_HOME = BUILDING_IDS.jonas;
const deviceBuilding = (field: string, device: string): Reference => ({
  names: 'a resource of the user',
  query: `mutation ($ref: UUID) { ${field}(input: { id: "${device}", buildingId: $ref }) { buildingId } }`,
  check: BUILDING_GET,
  foreign: JONASS_HOME,
  own: ANNAS_HOLIDAY_HOME,
  device,
});

/** Every id field in the input of a mutation, as `Mutation.field argument.path`. */
const REFERENCES: Record<string, Reference> = {
  'Mutation.updateWallbox input.buildingId': deviceBuilding('updateWallbox', ANNAS),
  'Mutation.updateHeatPump input.buildingId': deviceBuilding('updateHeatPump', HEAT_PUMP_IDS.full),
  'Mutation.updateElectricVehicle input.buildingId': deviceBuilding('updateElectricVehicle', EV_IDS.full),
  'Mutation.updateInverter input.buildingId': deviceBuilding('updateInverter', INVERTER_IDS.full),
  'Mutation.createOnboardingSession input.buildingId': {
    names: 'a resource of the user',
    query:
      'mutation ($ref: UUID) { createOnboardingSession(input: { deviceType: HEAT_PUMP, language: DE, priceZoneDefault: AT, successUrl: "https://app.example/ok", cancelUrl: "https://app.example/no", buildingId: $ref }) { url } }',
    check: BUILDING_GET,
    foreign: JONASS_HOME,
    own: ANNAS_HOME,
  },
  'Mutation.startAction input.cueId': { names: 'a secret' },
  'Mutation.reportActionOutcome input.cueId': { names: 'a secret' },
  'Mutation.updateWallbox input.externalDeviceId': { names: 'nothing' },
  'Mutation.updateHeatPump input.externalDeviceId': { names: 'nothing' },
  'Mutation.updateElectricVehicle input.externalDeviceId': { names: 'nothing' },
  'Mutation.updateInverter input.externalDeviceId': { names: 'nothing' },
  'Mutation.updateUser input.externalId': { names: 'nothing' },
};

/**
 * Every argument of a mutation, and every field of its input objects at any depth, that holds an id:
 * of type UUID or ID, or named `…Id`/`…Ids`. The write's own target (`orgId`, `userId`, `id` as
 * arguments or as fields of `input`) is scoped by the root-field probes above and left out.
 */
function idFieldsOfMutations(): string[] {
  const found: string[] = [];
  const walk = (mutation: string, path: string[], type: GraphQLInputType, seen: ReadonlySet<string>) => {
    const name = path.at(-1)!;
    const named = getNamedType(type);
    const target = ['orgId', 'userId', 'id'].includes(name) && (path.length === 1 || (path.length === 2 && path[0] === 'input'));
    if (!target && (['UUID', 'ID'].includes(named.name) || /Ids?$/.test(name))) found.push(`Mutation.${mutation} ${path.join('.')}`);
    if (isInputObjectType(named) && !seen.has(named.name)) {
      for (const field of Object.values(named.getFields())) walk(mutation, [...path, field.name], field.type, new Set([...seen, named.name]));
    }
  };
  for (const mutation of Object.values(schema.getMutationType()!.getFields())) {
    for (const arg of mutation.args) walk(mutation.name, [arg.name], arg.type, new Set());
  }
  return found;
}

/** What the simulator received since the last reset, token requests aside, by route. */
const routes = () => sim.received().flatMap((r) => (r.route === TOKEN_POST ? [] : [r.route]));
const writes = () => routes().filter((route) => !route.startsWith('GET '));

describe('ids inside a write\'s input', () => {
  it('every id field of every mutation input is in the table of references (a new one needs a check and a probe)', () => {
    expect(idFieldsOfMutations().sort()).toEqual(Object.keys(REFERENCES).sort());
  });

  const checked = Object.entries(REFERENCES).flatMap(([name, ref]) => (ref.names === 'a resource of the user' ? [[name, ref] as const] : []));
  const fieldOf = (name: string) => name.split(' ')[0]!.split('.')[1]!;
  const inputField = (name: string) => name.split('.').at(-1)!;
  /** Sets the probed device's reference back to what it is now (other tests read the seed). */
  const setBackLater = (ref: Extract<Reference, { names: 'a resource of the user' }>) => {
    const now = ref.device === undefined ? undefined : (sim.deviceRecord(ref.device)!.building as string | null);
    return async () => {
      if (now === undefined) return;
      const { body } = await as(anna(), ref.query, { ref: now });
      expect(body.errors).toBeUndefined();
    };
  };

  it.each(checked)('%s: another user\'s is BAD_USER_INPUT naming the field, read under the user\'s own path, with nothing written', async (name, ref) => {
    const { status, body } = await as(anna(), ref.query, { ref: ref.foreign });
    expect(status).toBe(200);
    expect(body.data).toEqual({ [fieldOf(name)]: null });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: [fieldOf(name)], extensions: { code: 'BAD_USER_INPUT', fields: [{ field: inputField(name), message: expect.stringMatching(/^names no \w+ of this user$/) }] } }),
    ]);
    expect(routes()).toEqual([ref.check]);
    expect(sim.received(ref.check)[0]!.path).toContain(`/users/${ANNA}/`);
    expect(writes()).toEqual([]);
  });

  it.each(checked)('%s: the user\'s own is checked, then written; null is written without a check', async (name, ref) => {
    const setBack = setBackLater(ref);
    try {
      const own = await as(anna(), ref.query, { ref: ref.own });
      expect(own.body.errors).toBeUndefined();
      expect(own.body.data[fieldOf(name)]).not.toBeNull();
      if (ref.device) expect(own.body.data[fieldOf(name)]).toEqual({ [inputField(name)]: ref.own });
      expect(routes().filter((route) => route === ref.check)).toHaveLength(1);
      expect(writes()).toHaveLength(1);

      sim.resetCounts();
      const cleared = await as(anna(), ref.query, { ref: null });
      expect(cleared.body.errors).toBeUndefined();
      if (ref.device) expect(cleared.body.data[fieldOf(name)]).toEqual({ [inputField(name)]: null });
      expect(routes()).not.toContain(ref.check);
      expect(writes()).toHaveLength(1);
    } finally {
      await setBack();
    }
  });

  it('staff are checked too: a building of one user on a device of another is wrong whoever sets it', async () => {
    const { body } = await as(staff(), `mutation { updateWallbox(input: { userId: "${ANNA}", id: "${ANNAS}", buildingId: "${JONASS_HOME}" }) { id } }`);
    expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'buildingId', message: 'names no building of this user' }] } })]);
    expect(routes()).toEqual([BUILDING_GET]);
  });

  it('a reference is not checked until the input\'s own problems are fixed: those fail with no upstream call', async () => {
    const { body } = await as(anna(), `mutation { updateWallbox(input: { id: "${ANNAS}", buildingId: "${JONASS_HOME}", comment: "${'x'.repeat(301)}" }) { id } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'comment' }] });
    expect(apiCalls(sim)).toBe(0);
  });

  it.each([
    ['503', 'UPSTREAM_UNAVAILABLE', { status: 503 }],
    ['no answer', 'UPSTREAM_TIMEOUT', { hang: true }],
  ] as const)('a check that meets %s fails the write with %s, and nothing is written', async (_label, code, fault) => {
    const once = await startGateway(sim, { callerAuth: idp.auth(), retries: 0, timeoutMs: 300 });
    try {
      sim.injectFault({ route: BUILDING_GET, ...fault });
      for (const [name, ref] of checked) {
        sim.resetCounts();
        const { body } = await as(anna(), ref.query, { ref: ref.own }, once);
        expect(body.data, name).toEqual({ [fieldOf(name)]: null });
        expect(body.errors?.[0]?.extensions.code, name).toBe(code);
        expect(routes(), name).toEqual([ref.check]);
      }
    } finally {
      sim.clearFaults();
      await once.close();
    }
  });
});

describe('roles', () => {
  it('an end user may change their own user, but not its role; staff may', async () => {
    const own = await as(anna(), `mutation { updateUser(input: { town: "Graz" }) { id town } }`);
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.updateUser).toEqual({ id: ANNA, town: 'Graz' });
    sim.resetCounts();

    const promote = await as(anna(), `mutation { updateUser(input: { role: STAFF }) { id } }`);
    expect(promote.body.errors).toEqual([expect.objectContaining({ message: 'Not allowed: only staff and admins may do this', extensions: { code: 'FORBIDDEN' } })]);
    expect(apiCalls(sim)).toBe(0);

    const byStaff = await as(staff(), `mutation { updateUser(input: { id: "${JONAS}", role: STAFF }) { role } }`);
    expect(byStaff.body.errors).toBeUndefined();
    expect(byStaff.body.data.updateUser).toEqual({ role: 'STAFF' });
    await as(staff(), `mutation { updateUser(input: { id: "${JONAS}", role: USER }) { role } }`);
  });

  it('an end user may not change their external id (with AUTH_EXTERNAL_USER_CLAIM it decides whose user a token is)', async () => {
    const { body } = await as(anna(), `mutation { updateUser(input: { externalId: "VW-100232" }) { id } }`);
    expect(body.errors).toEqual([expect.objectContaining({ message: 'Not allowed: only staff and admins may do this', extensions: { code: 'FORBIDDEN' } })]);
    expect(apiCalls(sim)).toBe(0);
  });

  it('an end user may read their own user, but not with deleted users (that reads everyone): FORBIDDEN, no call', async () => {
    const own = await as(anna(), '{ user { id } }');
    expect(own.body.data.user).toEqual({ id: ANNA });
    sim.resetCounts();
    const { body } = await as(anna(), '{ user(includeDeleted: true) { id } }');
    expect(body.errors).toEqual([expect.objectContaining({ message: 'Not allowed: only staff and admins may do this', extensions: { code: 'FORBIDDEN' } })]);
    expect(apiCalls(sim)).toBe(0);
  });
});

describe('entities', () => {
  const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Wallbox { id } ... on Owner { id firstName } } }';

  it('are checked one by one: someone else\'s Wallbox or Owner is FORBIDDEN without an upstream call, the caller\'s own resolves', async () => {
    const { body } = await as(anna(), query, {
      r: [
        { __typename: 'Wallbox', id: JONASS, owner: { id: JONAS } },
        { __typename: 'Owner', id: JONAS },
        { __typename: 'Owner', id: ANNA },
        { __typename: 'Wallbox', id: ANNAS, owner: { id: ANNA } },
      ],
    });
    expect(body.data._entities).toEqual([null, null, { id: ANNA, firstName: 'Anna' }, { id: ANNAS }]);
    expect(codes({ body } as GraphQLResponse)).toEqual({ '_entities.0': 'FORBIDDEN', '_entities.1': 'FORBIDDEN' });
    expect(sim.received().map((r) => r.route).sort()).toEqual([USER_GET, WALLBOX_GET]);
    for (const request of sim.received()) expect(request.path).toContain(ANNA);
  });

  it('resolve for staff, whoever they belong to', async () => {
    const { body } = await as(staff(), query, { r: [{ __typename: 'Wallbox', id: JONASS, owner: { id: JONAS } }, { __typename: 'Owner', id: JONAS }] });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([{ id: JONASS }, { id: JONAS, firstName: 'Jonas' }]);
  });
});

describe('staff and admins', () => {
  it.each([
    ['a staff role', { podero_role: 'staff' }, {}],
    ['an admin role', { podero_role: 'admin' }, {}],
    ['Entra ID app roles (a `roles` list)', { roles: ['Reader', 'staff'] }, { roleClaim: 'roles' }],
    ['Keycloak realm roles (`realm_access.roles`)', { realm_access: { roles: ['offline_access', 'admin'] } }, { roleClaim: 'realm_access.roles' }],
    ['Cognito groups (`cognito:groups`)', { 'cognito:groups': ['staff'] }, { roleClaim: 'cognito:groups' }],
  ] as const)('act on every user with %s', async (_label, claims, auth) => {
    const on = Object.keys(auth).length ? await startGateway(sim, { callerAuth: idp.auth(auth) }) : gateway;
    try {
      const { body } = await as(staff(claims), `{ a: wallbox(userId: "${JONAS}", id: "${JONASS}") { id } b: wallbox(userId: "${ANNA}", id: "${ANNAS}") { id } me { id } }`, undefined, on);
      expect(body).toEqual({ data: { a: { id: JONASS }, b: { id: ANNAS }, me: null } });
    } finally {
      if (on !== gateway) await on.close();
    }
  });

  it('must name the user: no userId is BAD_USER_INPUT naming it, with no upstream call', async () => {
    const { body } = await as(staff(), `{ wallbox(id: "${ANNAS}") { id } }`);
    expect(body.errors?.[0]).toMatchObject({ path: ['wallbox'], extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'userId' }] } });
    expect(apiCalls(sim)).toBe(0);
  });

  it('a role the gateway does not know is an end user', async () => {
    const { body } = await as(staff({ podero_role: 'superuser', podero_user_id: ANNA }), `{ wallbox(userId: "${JONAS}", id: "${JONASS}") { id } }`);
    expect(codes({ body } as GraphQLResponse)).toEqual({ wallbox: 'FORBIDDEN' });
  });
});

describe('for frontends', () => {
  it('`me` is the caller, and `me { wallbox(id) }` needs no id but the wallbox\'s', async () => {
    const { body } = await as(anna(), `{ me { id firstName wallbox(id: "${ANNAS}") { id owner { id } } } }`);
    expect(body).toEqual({ data: { me: { id: ANNA, firstName: 'Anna', wallbox: { id: ANNAS, owner: { id: ANNA } } } } });
  });

  it('an end user no Podero user matches sees nothing: `me` is null, a wallbox is FORBIDDEN', async () => {
    const { body } = await as(idp.token({ claims: { sub: 'stranger' } }), `{ me { id } wallbox(id: "${ANNAS}") { id } }`);
    expect(body.data).toEqual({ me: null, wallbox: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['wallbox'], message: 'Not allowed: no Podero user matches your token', extensions: { code: 'FORBIDDEN' } });
    expect(apiCalls(sim)).toBe(0);
  });

  it('a query 60 levels deep through the owner ↔ wallbox cycle is stopped by the depth limit, before any upstream call', async () => {
    let selection = 'id';
    for (let i = 0; i < 30; i++) selection = `wallbox(id: "${ANNAS}") { owner { ${selection} } }`;
    const response = await as(anna(), `{ me { ${selection} } }`);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions.code).toBe('MAX_DEPTH_LIMIT');
    expect(apiCalls(sim)).toBe(0);
  });
});

it('never passes on what upstream answers about another user (defence in depth)', async () => {
  // Upstream, asked for Anna's wallbox, answers with Jonas's.
  sim.injectFault({ route: WALLBOX_GET, pathIncludes: ANNAS, times: 1, status: 200, body: sim.wallboxRecord(JONASS) });
  const { body } = await as(anna(), `{ wallbox(id: "${ANNAS}") { id owner { id } } }`);
  expect(body.data).toEqual({ wallbox: null });
  expect(codes({ body } as GraphQLResponse)).toEqual({ wallbox: 'FORBIDDEN' });
  expect(JSON.stringify(body)).not.toContain(JONAS);
});

describe('external user ids (AUTH_EXTERNAL_USER_CLAIM)', () => {
  it('maps the partner\'s customer id to the Podero user, reading the user list once for many requests', async () => {
    const mapped = await startGateway(sim, { callerAuth: idp.auth({ externalUserClaim: 'sub', userClaim: 'podero_user_id' }) });
    try {
      sim.resetCounts();
      const token = idp.token({ claims: { sub: 'VW-100231' } }); // Anna's external_user_id in the seed
      const results = await Promise.all(Array.from({ length: 10 }, () => as(token, `{ me { id } wallbox(id: "${ANNAS}") { id } }`, undefined, mapped)));
      for (const { body } of results) expect(body).toEqual({ data: { me: { id: ANNA }, wallbox: { id: ANNAS } } });
      expect(sim.count(USER_LIST)).toBe(1);
      const stranger = await as(idp.token({ claims: { sub: 'VW-999999' } }), '{ me { id } }', undefined, mapped);
      expect(stranger.body).toEqual({ data: { me: null } });
    } finally {
      await mapped.close();
    }
  });

  it('reads the list again for an id it does not hold, at most once per 30 s, and keeps the last list while upstream fails', async () => {
    let time = 0;
    const logger = createLogger('silent');
    const partner = createPartnerApi({ apiUrl: sim.apiUrl, auth: { mode: 'client-credentials', ...TEST_CLIENT, tokenUrl: sim.tokenUrl }, timeoutMs: 2000, logger });
    const users = new ExternalUsers({ api: partner.api, orgId: sim.seed.orgId, logger, now: () => time });
    try {
      sim.resetCounts();
      expect(await users.userId('VW-100231')).toBe(ANNA);
      expect(await users.userId('nobody')).toBeNull(); // just read: not again
      time += 31_000;
      expect(await users.userId('nobody')).toBeNull(); // 31 s later: read again
      expect(sim.count(USER_LIST)).toBe(2);
      sim.injectFault({ route: USER_LIST, status: 503 });
      time += 10 * 60_000;
      expect(await users.userId('VW-100232')).toBe(JONAS); // stale, upstream down: the last list serves
    } finally {
      sim.clearFaults();
      await partner.close();
    }
  });
});
