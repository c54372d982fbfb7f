// Every field of the upstream wallbox, for every seeded wallbox (fully populated, null-heavy, and one
// from a "newer upstream"), read through the gateway over HTTP and compared with the simulator's JSON.
import { afterAll, describe, expect, it } from 'vitest';
import type { GraphQLObjectType } from 'graphql';
import { schema } from '../../src/schema/index.js';
import { WALLBOX_IDS, type Json } from '../../src/simulator/seed.js';
import { RELATED, camel, expectedDevice, selection, unalias, upstreamJson } from '../helpers/device-fields.js';
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

const WALLBOX_QUERY = `query ($userId: UUID!, $id: UUID!) {
  wallbox(userId: $userId, id: $id, includeDeleted: true) ${selection(schema.getType('Wallbox')!)}
}`;

const { sim, gateway, close } = await startStack();
afterAll(close);

describe('Wallbox fields', () => {
  it('has one GraphQL field for every upstream field, and no other', () => {
    const wallboxFields = Object.keys((schema.getType('Wallbox') as GraphQLObjectType).getFields()).filter((name) => !RELATED.Wallbox!(name)).sort();
    expect(wallboxFields).toEqual(UPSTREAM_FIELDS.map(camel).sort());
  });

  it.each(sim_wallboxes())('maps every field of %s as the simulator serves it', async (_label, id) => {
    const stored = sim.seed.wallboxes.find((w) => w.record.id === id)!;
    const record = await upstreamJson(sim, `/org/${stored.orgId}/users/${stored.userId}/wallboxes/${id}?include_deleted=true`);

    const { body } = await gateway.graphql(WALLBOX_QUERY, { userId: stored.userId, id });
    expect(body.errors).toBeUndefined();
    expect(unalias(body.data.wallbox)).toEqual(expectedDevice(record, UPSTREAM_FIELDS));
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
