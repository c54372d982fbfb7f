// Every field of the upstream wallbox, for every seeded wallbox (fully populated, null-heavy, and one
// from a "newer upstream"), read through the gateway over HTTP and compared with the simulator's JSON.
import { afterAll, describe, expect, it } from 'vitest';
import { isInterfaceType, isObjectType, getNamedType, type GraphQLNamedType } from 'graphql';
import { schema } from '../../src/schema/index.js';
import { WALLBOX_IDS, type Json } from '../../src/simulator/seed.js';
import { startStack } from '../helpers/stack.js';

/** The response fields of the upstream endpoint page (https://developers.podero.com/api-reference/user-wallboxes/get-details-about-a-users-wallbox). */
const UPSTREAM_FIELDS = [
  'connection_status', 'monitoring_status', 'steering_status', 'device_model', 'owner', 'created_at', 'updated_at',
  'price_zone', 'id', 'deleted_at', 'lifecycle_state', 'lifecycle_error', 'building', 'pause_power_until',
  'is_pause_power_active', 'external_device_id', 'is_authenticated', 'is_smart_optimization_active',
  'optimization_score', 'current_mode', 'comment', 'current_state_last_updated_at', 'last_monitoring_executed_at',
  'is_inverter_forced_mode_enabled', 'is_inverter_forced_mode_active', 'inverter_forced_mode_since',
  'is_trading_enabled', 'actual_steering_state', 'charge_target_min', 'charge_target_max', 'charge_power_max_w',
  'is_charge_policy_enabled', 'charge_policy_last_updated_at', 'minimum_charge_limit', 'charge_deadline_at',
  'is_over_charge_allowed', 'charge_time_remaining', 'charge_rate_w', 'is_fully_charged', 'is_plugged_in',
  'is_charging', 'charge_state_last_updated_at', 'consumption_last_day_kwh', 'consumption_last_week_kwh',
  'consumption_last_month_kwh', 'consumption_last_updated_at', 'needs_gateway', 'embeddable_url',
  'authorization_url', 'action_needed', 'actions',
  // Not on the detail page, but documented with boost (https://developers.podero.com/api-reference/user-wallboxes/trigger-a-boost-charge-or-arm-boost-for-the-next-session):
  'boost_state', 'boost_for_next_session',
];

/** The gateway's naming rule: camelCase, and a bare UUID reference gets an `Id` suffix. */
const RENAMED: Record<string, string> = { building: 'buildingId', cloud_service: 'cloudServiceId' };
const camel = (key: string) => RENAMED[key] ?? key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const STATUSES = ['ok', 'warning', 'error', 'unknown'];
const BOOST_STATES = ['available', 'requested', 'ongoing', 'unavailable'];
const PRICE_ZONES = new Set(['AT', 'AT_HOURLY', 'BE', 'CH', 'EE', 'DE_LU', 'HU', 'IT_CNOR', 'IT_CSUD', 'IT_NORD', 'IT_PUN', 'IT_SARD', 'IT_SICI', 'IT_SUD', 'PT', 'RO', 'SE_1', 'SE_2', 'SE_3', 'SE_4', 'UK']);
const isDateKey = (key: string) => /(_at|_until|_since)$/.test(key);

/** What the gateway must answer for one upstream record, derived independently of src/upstream. */
function expected(record: Json): Json {
  const out: Json = {};
  for (const key of UPSTREAM_FIELDS) {
    const value = record[key];
    const name = camel(key);
    if (key.endsWith('_status')) out[name] = STATUSES.includes(value as string) ? (value as string).toUpperCase() : 'UNKNOWN';
    else if (key === 'boost_state') out[name] = value == null ? null : BOOST_STATES.includes(value as string) ? (value as string).toUpperCase() : 'UNKNOWN';
    else if (key === 'price_zone') out[name] = PRICE_ZONES.has(value as string) ? value : null;
    else if (isDateKey(key)) out[name] = value == null || (value as string).startsWith('0001-01-01') ? null : new Date(value as string).toISOString();
    else if (key === 'device_model') {
      const m = value as Json;
      const type = m.device_type as Json;
      out[name] = {
        deviceType: { shortName: type.short_name, longName: type.long_name ?? null },
        ...Object.fromEntries(['manufacturer', 'model', 'cloud_service_instructions', 'cloud_service_signup_link', 'year', 'cloud_service'].map((k) => [camel(k), m[k] ?? null])),
      };
    } else if (key === 'owner') out[name] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [camel(k), v]));
    else if (key === 'actions') {
      out[name] = (value as Json[]).map((a) => {
        const link = a.resolution_link as Json | null;
        const resolutionLink = link ? { url: link.url, requiredParameters: link.required_parameters } : null;
        return a.code === 'reauthenticate' && link
          ? { __typename: 'ReauthenticateAction', code: a.code, resolutionLink }
          : { __typename: 'UnknownAction', code: a.code, resolutionLink };
      });
    } else out[name] = value ?? null;
  }
  return out;
}

/**
 * Fields that are not the wallbox's upstream fields but lead to other resources: the building (the
 * building endpoint; the wallbox's own field is `buildingId`) and, on the owner, what only the user
 * endpoints answer and the owner's device lists.
 */
const RELATED: Record<string, (name: string) => boolean> = {
  Wallbox: (name) => name === 'building',
  Owner: (name) => !['id', 'email', 'firstName', 'lastName', 'externalId'].includes(name),
};

/**
 * A selection of every field of a type, built from the schema, so no field can be left out. Fields of
 * an interface's implementations are aliased `Type__field`, so each implementation's fields are
 * selected whatever their types; `unalias` undoes it.
 */
function selection(type: GraphQLNamedType, aliasPrefix = ''): string {
  if (isInterfaceType(type)) {
    const impls = schema.getPossibleTypes(type).map((t) => `... on ${t.name} ${selection(t, `${t.name}__`)}`);
    return `{ __typename ${impls.join(' ')} }`;
  }
  if (!isObjectType(type)) return '';
  // Fields that need arguments (Owner.wallbox, which leads back to a wallbox) are not part of "every field".
  const fields = Object.values(type.getFields()).filter((f) => f.args.length === 0 && !RELATED[type.name]?.(f.name)).map(
    (f) => `${aliasPrefix ? `${aliasPrefix}${f.name}: ` : ''}${f.name} ${selection(getNamedType(f.type))}`,
  );
  return `{ ${fields.join(' ')} }`;
}

function unalias(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unalias);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/^[A-Za-z]+__/, ''), unalias(v)]));
}

const WALLBOX_QUERY = `query ($userId: UUID!, $id: UUID!) {
  wallbox(userId: $userId, id: $id, includeDeleted: true) ${selection(schema.getType('Wallbox')!)}
}`;

const { sim, gateway, close } = await startStack();
afterAll(close);

describe('Wallbox fields', () => {
  it('has one GraphQL field for every upstream field, and no other', () => {
    const wallboxFields = Object.keys((schema.getType('Wallbox') as import('graphql').GraphQLObjectType).getFields()).filter((name) => !RELATED.Wallbox!(name)).sort();
    expect(wallboxFields).toEqual(UPSTREAM_FIELDS.map(camel).sort());
  });

  it.each(sim_wallboxes())('maps every field of %s as the simulator serves it', async (_label, id) => {
    const stored = sim.seed.wallboxes.find((w) => w.record.id === id)!;
    // What upstream really answers, over HTTP, with the simulator's own token.
    const upstream = await fetch(`${sim.apiUrl.href}/org/${stored.orgId}/users/${stored.userId}/wallboxes/${id}?include_deleted=true`, {
      headers: { authorization: 'Bearer test-static-token-51d2' },
    });
    expect(upstream.status).toBe(200);
    const record = (await upstream.json()) as Json;

    const { body } = await gateway.graphql(WALLBOX_QUERY, { userId: stored.userId, id });
    expect(body.errors).toBeUndefined();
    expect(unalias(body.data.wallbox)).toEqual(expected(record));
  });

  it('serves the null-heavy record with every nullable field null', async () => {
    const { body } = await gateway.graphql(WALLBOX_QUERY, { userId: sim.seed.wallboxes.find((w) => w.record.id === WALLBOX_IDS.sparse)!.userId, id: WALLBOX_IDS.sparse });
    const wallbox = unalias(body.data.wallbox) as Json;
    const nonNull = Object.entries(wallbox).filter(([, v]) => v !== null).map(([k]) => k).sort();
    // Only what upstream guarantees (required, or non-nullable with a default) is left.
    expect(nonNull).toEqual(
      ['id', 'connectionStatus', 'monitoringStatus', 'steeringStatus', 'deviceModel', 'owner', 'createdAt', 'updatedAt', 'priceZone',
        'lifecycleState', 'isPausePowerActive', 'isSmartOptimizationActive', 'isInverterForcedModeEnabled', 'isInverterForcedModeActive',
        'isTradingEnabled', 'actualSteeringState', 'chargePowerMaxW', 'actionNeeded', 'actions'].sort(),
    );
  });
});

describe('values the gateway does not know', () => {
  it('serves an unknown status as UNKNOWN, an unknown price zone as null, an unknown action as UnknownAction, and logs them', async () => {
    const stored = sim.seed.wallboxes.find((w) => w.record.id === WALLBOX_IDS.newerUpstream)!;
    const { body } = await gateway.graphql(
      `query ($u: UUID!, $id: UUID!) { wallbox(userId: $u, id: $id) { connectionStatus priceZone actions { __typename code ... on UnknownAction { resolutionLink { url } } } } }`,
      { u: stored.userId, id: stored.record.id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.wallbox).toEqual({
      connectionStatus: 'UNKNOWN',
      priceZone: null,
      actions: [{ __typename: 'UnknownAction', code: 'update_firmware', resolutionLink: null }],
    });
    const warnings = gateway.logs.map((l) => JSON.parse(l) as { level: number; field?: string; value?: unknown }).filter((l) => l.level === 40 && l.field);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: expect.stringContaining('connection_status'), value: 'degraded' }),
        expect.objectContaining({ field: expect.stringContaining('price_zone'), value: 'IT_CALA' }),
        expect.objectContaining({ field: expect.stringContaining('actions[0].code'), value: 'update_firmware' }),
      ]),
    );
  });

  it('logs each unknown value once, however often it is read', async () => {
    const stored = sim.seed.wallboxes.find((w) => w.record.id === WALLBOX_IDS.newerUpstream)!;
    for (let i = 0; i < 3; i++) {
      await gateway.graphql(`query ($u: UUID!, $id: UUID!) { wallbox(userId: $u, id: $id) { connectionStatus } }`, { u: stored.userId, id: stored.record.id });
    }
    const degraded = gateway.logs.filter((line) => line.includes('connection_status') && line.includes('"degraded"'));
    expect(degraded).toHaveLength(1);
  });

  it('reads upstream\'s zero time "0001-01-01T00:00:00Z" as null', async () => {
    const stored = sim.seed.wallboxes.find((w) => w.record.id === WALLBOX_IDS.sofiaBarn)!;
    expect(stored.record.inverter_forced_mode_since).toBe('0001-01-01T00:00:00Z');
    const { body } = await gateway.graphql(`query ($u: UUID!, $id: UUID!) { wallbox(userId: $u, id: $id) { inverterForcedModeSince } }`, {
      u: stored.userId,
      id: stored.record.id,
    });
    expect(body.data.wallbox).toEqual({ inverterForcedModeSince: null });
  });

  it('serves a reauthenticate action through the Action interface', async () => {
    const stored = sim.seed.wallboxes.find((w) => w.record.id === WALLBOX_IDS.twoActions)!;
    const { body } = await gateway.graphql(
      `query ($u: UUID!, $id: UUID!) { wallbox(userId: $u, id: $id) { actionNeeded actions { code ... on ReauthenticateAction { resolutionLink { url requiredParameters } } ... on UnknownAction { link: resolutionLink { requiredParameters } } } } }`,
      { u: stored.userId, id: stored.record.id },
    );
    expect(body.data.wallbox.actionNeeded).toBe(true);
    expect(body.data.wallbox.actions).toEqual([
      { code: 'reauthenticate', resolutionLink: { url: expect.stringMatching(/\/cues\/[0-9a-f-]{36}\/resolve\?secret=/), requiredParameters: ['successUrl', 'cancelUrl'] } },
      { code: 'accept_terms', link: { requiredParameters: ['successUrl', 'cancelUrl', 'language'] } },
    ]);
  });
});

describe('includeDeleted', () => {
  const query = `query ($u: UUID!, $id: UUID!, $d: Boolean) { wallbox(userId: $u, id: $id, includeDeleted: $d) { id deletedAt } }`;

  it('hides a soft-deleted wallbox by default (NOT_FOUND) and returns it with includeDeleted', async () => {
    const stored = sim.seed.wallboxes.find((w) => w.record.id === WALLBOX_IDS.deleted)!;
    const hidden = await gateway.graphql(query, { u: stored.userId, id: stored.record.id });
    expect(hidden.body.data.wallbox).toBeNull();
    expect(hidden.body.errors?.[0]?.extensions.code).toBe('NOT_FOUND');

    const shown = await gateway.graphql(query, { u: stored.userId, id: stored.record.id, d: true });
    expect(shown.body.errors).toBeUndefined();
    expect(shown.body.data.wallbox).toEqual({ id: stored.record.id, deletedAt: new Date(String(stored.record.deleted_at)).toISOString() });
  });

  it('treats an explicit null like the default (false)', async () => {
    const stored = sim.seed.wallboxes.find((w) => w.record.id === WALLBOX_IDS.deleted)!;
    const { body } = await gateway.graphql(query, { u: stored.userId, id: stored.record.id, d: null });
    expect(body.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

function sim_wallboxes(): [string, string][] {
  return Object.entries(WALLBOX_IDS);
}
