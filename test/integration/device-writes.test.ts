// The writes beyond wallboxes, over real HTTP against the simulator's stateful endpoints: heat pump,
// electric vehicle and inverter settings, EV boost, users, buildings and onboarding sessions. What is
// sent upstream (exactly the fields given, by their upstream names), what comes back, that the next
// read sees it, validation before any call, and upstream's own 422s named by gateway field.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILDING_IDS, EV_IDS, HEAT_PUMP_IDS, INVERTER_IDS, USER_IDS } from '../../src/simulator/seed.js';
import { startStack, type GraphQLResponse } from '../helpers/stack.js';

const ANNA = USER_IDS.anna!;
const JONAS = USER_IDS.jonas!;
const LUKAS = USER_IDS.lukas!;
const SOFIA = USER_IDS.sofia!;
const OLIVER = USER_IDS.oliver!;

const U = '/org/{org_id}/users/{user_id}';
const HP_GET = `GET ${U}/heat-pumps/{heat_pump_id}`;
const HP_PUT = `PUT ${U}/heat-pumps/{heat_pump_id}`;
const EV_GET = `GET ${U}/electric-vehicles/{electric_vehicle_id}`;
const EV_PUT = `PUT ${U}/electric-vehicles/{electric_vehicle_id}`;
const EV_BOOST = `POST ${U}/electric-vehicles/{electric_vehicle_id}/boost`;
const EV_UNBOOST = `DELETE ${U}/electric-vehicles/{electric_vehicle_id}/boost`;
const IV_GET = `GET ${U}/inverters/{inverter_id}`;
const IV_PUT = `PUT ${U}/inverters/{inverter_id}`;
const USER_GET = `GET ${U}`;
const USER_PUT = `PUT ${U}`;
const BUILDING_POST = `POST ${U}/buildings`;
const BUILDING_GET = `GET ${U}/buildings/{building_id}`;
const BUILDING_PUT = `PUT ${U}/buildings/{building_id}`;
const ONBOARDING_POST = 'POST /device-onboarding';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const { sim, gateway, close } = await startStack({
  // A static token: sim.reset() revokes issued tokens, and sim.received() should hold only the calls
  // the operation made, never a token request.
  auth: { mode: 'static-token', token: 'test-static-token-51d2' },
});
afterAll(close);
// Every test starts from the seed, whatever the tests before it wrote.
beforeEach(() => sim.reset());

function codes(response: GraphQLResponse): unknown[] {
  return (response.body.errors ?? []).map((e): unknown => e.extensions.code);
}

/** The single error's `extensions.fields`, by field name. */
function fieldNames(response: GraphQLResponse): string[] {
  expect(response.body.errors, response.text).toHaveLength(1);
  return (response.body.errors![0]!.extensions.fields as { field: string }[]).map((f) => f.field);
}

/** The one body upstream received on a route. */
function sent(route: string): unknown {
  const requests = sim.received(route);
  expect(requests, `${route}: ${JSON.stringify(sim.counts())}`).toHaveLength(1);
  return requests[0]!.body;
}

// ---- settings -----------------------------------------------------------------------------------------

const HEAT_PUMP_FIELDS = `id optimizationLevel minimumTemperatureLimit maximumTemperatureLimit awayModeStart awayModeEnd heatingPolicyName
  isPoolHeatingEnabled comment pausePowerUntil isPausePowerActive priceZone`;
const UPDATE_HEAT_PUMP = `mutation ($input: UpdateHeatPumpInput!) { updateHeatPump(input: $input) { ${HEAT_PUMP_FIELDS} } }`;
const EV_FIELDS = 'id chargeTargetMin chargeTargetMax minimumChargeLimit chargeDeadlineAt isChargePolicyEnabled priceZone externalDeviceId chargePolicyLastUpdatedAt';
const UPDATE_EV = `mutation ($input: UpdateElectricVehicleInput!) { updateElectricVehicle(input: $input) { ${EV_FIELDS} } }`;
const INVERTER_FIELDS = 'id solarPowerRatingKw isBatteryConnected batteryCapacityKwh minBatteryCharge maxBatteryCharge isTradingEnabled buildingId';
const UPDATE_INVERTER = `mutation ($input: UpdateInverterInput!) { updateInverter(input: $input) { ${INVERTER_FIELDS} } }`;

describe('updateHeatPump', () => {
  it('sends only the settings given (null as null, date-times in UTC), answers the updated heat pump, and the next read sees it', async () => {
    const input = {
      userId: ANNA,
      id: HEAT_PUMP_IDS.full,
      optimizationLevel: 'MAX',
      minimumTemperatureLimit: 18.5,
      maximumTemperatureLimit: 24,
      awayModeStart: '2026-12-20T09:00:00+01:00',
      heatingPolicyName: null,
      isPoolHeatingEnabled: true,
      comment: 'Moved to the garage',
      pausePowerUntil: null,
    };
    const { body } = await gateway.graphql(UPDATE_HEAT_PUMP, { input });
    expect(body.errors).toBeUndefined();
    expect(sent(HP_PUT)).toEqual({
      optimization_level: 'Max',
      minimum_temperature_limit: 18.5,
      maximum_temperature_limit: 24,
      away_mode_start: '2026-12-20T08:00:00.000Z',
      heating_policy_name: null,
      is_pool_heating_enabled: true,
      comment: 'Moved to the garage',
      pause_power_until: null,
    });
    const expected = {
      id: HEAT_PUMP_IDS.full,
      optimizationLevel: 'MAX',
      minimumTemperatureLimit: 18.5,
      maximumTemperatureLimit: 24,
      awayModeStart: '2026-12-20T08:00:00.000Z',
      // Not sent: as it was.
      awayModeEnd: '2027-01-03T16:00:00.000Z',
      heatingPolicyName: null,
      isPoolHeatingEnabled: true,
      comment: 'Moved to the garage',
      pausePowerUntil: null,
      isPausePowerActive: false,
      priceZone: 'AT',
    };
    expect(body.data.updateHeatPump).toEqual(expected);
    // The answer is the PUT's: no GET for it.
    expect(sim.count(HP_GET)).toBe(0);

    // A later, separate request reads the heat pump from upstream again.
    const after = await gateway.graphql(`{ heatPump(userId: "${ANNA}", id: "${HEAT_PUMP_IDS.full}") { ${HEAT_PUMP_FIELDS} } }`);
    expect(after.body.data.heatPump).toEqual(expected);
    expect(sim.count(HP_GET)).toBe(1);
  });

  it('serves a heatPump read later in the same operation from the write, without a GET', async () => {
    const { body } = await gateway.graphql(`mutation {
      updateHeatPump(input: { userId: "${ANNA}", id: "${HEAT_PUMP_IDS.full}", minimumTemperatureLimit: 17, optimizationLevel: LOW }) {
        minimumTemperatureLimit optimizationLevel updatedAt
        owner { heatPump(id: "${HEAT_PUMP_IDS.full}") { minimumTemperatureLimit optimizationLevel updatedAt } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const { owner, ...answer } = body.data.updateHeatPump;
    expect(answer).toMatchObject({ minimumTemperatureLimit: 17, optimizationLevel: 'LOW' });
    expect(owner.heatPump).toEqual(answer);
    expect(sim.count(HP_PUT)).toBe(1);
    expect(sim.count(HP_GET)).toBe(0);
  });
});

describe('updateElectricVehicle', () => {
  it('sends only the settings given, answers the updated vehicle, and the next read sees it', async () => {
    const input = {
      userId: ANNA,
      id: EV_IDS.unplugged,
      chargeTargetMin: 25,
      chargeTargetMax: 90,
      chargeDeadlineAt: '06:15',
      minimumChargeLimit: null,
      isChargePolicyEnabled: false,
      priceZone: 'AT_HOURLY',
      externalDeviceId: 'CRM-ZOE-1',
    };
    const { body } = await gateway.graphql(UPDATE_EV, { input });
    expect(body.errors).toBeUndefined();
    expect(sent(EV_PUT)).toEqual({
      charge_target_min: 25,
      charge_target_max: 90,
      charge_deadline_at: '06:15',
      minimum_charge_limit: null,
      is_charge_policy_enabled: false,
      price_zone: 'AT_HOURLY',
      external_device_id: 'CRM-ZOE-1',
    });
    const answer = body.data.updateElectricVehicle;
    expect(answer).toMatchObject({
      id: EV_IDS.unplugged,
      chargeTargetMin: 25,
      chargeTargetMax: 90,
      minimumChargeLimit: null,
      chargeDeadlineAt: '06:15',
      isChargePolicyEnabled: false,
      priceZone: 'AT_HOURLY',
      externalDeviceId: 'CRM-ZOE-1',
    });
    // Upstream stamps a change of the charge policy.
    expect(answer.chargePolicyLastUpdatedAt).not.toBe('2026-10-02T18:03:44.000Z');
    expect(sim.count(EV_GET)).toBe(0);

    const after = await gateway.graphql(`{ electricVehicle(userId: "${ANNA}", id: "${EV_IDS.unplugged}") { ${EV_FIELDS} } }`);
    expect(after.body.data.electricVehicle).toEqual(answer);
  });
});

describe('updateInverter', () => {
  it('sends only the settings given, answers the updated inverter, and the next read sees it', async () => {
    const input = {
      userId: OLIVER,
      id: INVERTER_IDS.noBattery,
      isBatteryConnected: true,
      batteryCapacityKwh: 7.5,
      minBatteryCharge: 15,
      maxBatteryCharge: 90,
      solarPowerRatingKw: 5.1,
      isTradingEnabled: true,
      buildingId: null,
    };
    const { body } = await gateway.graphql(UPDATE_INVERTER, { input });
    expect(body.errors).toBeUndefined();
    expect(sent(IV_PUT)).toEqual({
      is_battery_connected: true,
      battery_capacity_kwh: 7.5,
      min_battery_charge: 15,
      max_battery_charge: 90,
      solar_power_rating_kw: 5.1,
      is_trading_enabled: true,
      building_id: null,
    });
    const expected = {
      id: INVERTER_IDS.noBattery,
      solarPowerRatingKw: 5.1,
      isBatteryConnected: true,
      batteryCapacityKwh: 7.5,
      minBatteryCharge: 15,
      maxBatteryCharge: 90,
      isTradingEnabled: true,
      buildingId: null,
    };
    expect(body.data.updateInverter).toEqual(expected);
    expect(sim.count(IV_GET)).toBe(0);

    const after = await gateway.graphql(`{ inverter(userId: "${OLIVER}", id: "${INVERTER_IDS.noBattery}") { ${INVERTER_FIELDS} } }`);
    expect(after.body.data.inverter).toEqual(expected);
  });
});

describe('settings refused before any upstream call', () => {
  type Case = [label: string, settings: Record<string, unknown>, fields: string[]];
  const kinds: [mutation: string, query: string, userId: string, id: string, cases: Case[]][] = [
    [
      'updateHeatPump',
      UPDATE_HEAT_PUMP,
      ANNA,
      HEAT_PUMP_IDS.full,
      [
        ['null for non-null settings', { isForecastingEnabled: null, isAwayModeEnabled: null, isSmartOptimizationActive: null, priceZone: null }, ['isAwayModeEnabled', 'isForecastingEnabled', 'isSmartOptimizationActive', 'priceZone']],
        ['optimizationLevel UNKNOWN', { optimizationLevel: 'UNKNOWN' }, ['optimizationLevel']],
        ['a minimum temperature above the maximum', { minimumTemperatureLimit: 24, maximumTemperatureLimit: 20 }, ['minimumTemperatureLimit']],
        ['away mode ending before it starts', { awayModeStart: '2027-01-05T00:00:00Z', awayModeEnd: '2027-01-01T00:00:00Z' }, ['awayModeStart']],
        ['a heating policy name over 100 characters', { heatingPolicyName: 'x'.repeat(101) }, ['heatingPolicyName']],
        ['a comment over 300 characters', { comment: 'x'.repeat(301) }, ['comment']],
        ['no setting at all', {}, ['input']],
      ],
    ],
    [
      'updateElectricVehicle',
      UPDATE_EV,
      ANNA,
      EV_IDS.unplugged,
      [
        ['null for non-null settings', { isTradingEnabled: null, isInverterForcedModeEnabled: null }, ['isInverterForcedModeEnabled', 'isTradingEnabled']],
        ['percentages out of range', { chargeTargetMax: 101, minimumChargeLimit: -1 }, ['chargeTargetMax', 'minimumChargeLimit']],
        ['a minimum charge target above the maximum', { chargeTargetMin: 90, chargeTargetMax: 80 }, ['chargeTargetMin']],
        ['a deadline without a leading zero ("7:30")', { chargeDeadlineAt: '7:30' }, ['chargeDeadlineAt']],
        ['a deadline of "24:00"', { chargeDeadlineAt: '24:00' }, ['chargeDeadlineAt']],
        ['an external device id over 255 characters', { externalDeviceId: 'x'.repeat(256) }, ['externalDeviceId']],
        ['a comment over 300 characters', { comment: 'x'.repeat(301) }, ['comment']],
        ['no setting at all', {}, ['input']],
      ],
    ],
    [
      'updateInverter',
      UPDATE_INVERTER,
      ANNA,
      INVERTER_IDS.full,
      [
        ['null for non-null settings', { isBatteryConnected: null, isSmartOptimizationActive: null }, ['isBatteryConnected', 'isSmartOptimizationActive']],
        ['percentages out of range', { minBatteryCharge: -5, maxBatteryCharge: 100.5 }, ['maxBatteryCharge', 'minBatteryCharge']],
        ['a minimum battery charge above the maximum', { minBatteryCharge: 60, maxBatteryCharge: 40 }, ['minBatteryCharge']],
        ['a battery connected without a capacity', { isBatteryConnected: true, batteryCapacityKwh: null }, ['batteryCapacityKwh']],
        ['a negative rating and capacity', { solarPowerRatingKw: -1, batteryCapacityKwh: -0.5 }, ['batteryCapacityKwh', 'solarPowerRatingKw']],
        ['a comment over 300 characters', { comment: 'x'.repeat(301) }, ['comment']],
        ['no setting at all', {}, ['input']],
      ],
    ],
  ];
  const cases = kinds.flatMap(([mutation, query, userId, id, list]) => list.map(([label, settings, fields]) => [mutation, label, query, userId, id, settings, fields] as const));

  it.each(cases)('%s refuses %s with BAD_USER_INPUT naming the field', async (mutation, _label, query, userId, id, settings, fields) => {
    const response = await gateway.graphql(query, { input: { userId, id, ...settings } });
    expect(response.body.data).toEqual({ [mutation]: null });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(fieldNames(response).sort()).toEqual(fields);
    for (const field of fields) expect(response.body.errors![0]!.message).toContain(field);
    expect(sim.received()).toEqual([]);
  });

  it('takes the bounds themselves: 0 and 100 percent, "00:00" and "23:59", min equal to max', async () => {
    // The checks above must not be off by one: the edge values reach upstream and are stored.
    const ev = await gateway.graphql(UPDATE_EV, { input: { userId: ANNA, id: EV_IDS.unplugged, chargeTargetMin: 100, chargeTargetMax: 100, minimumChargeLimit: 0, chargeDeadlineAt: '23:59' } });
    expect(ev.body.errors).toBeUndefined();
    const midnight = await gateway.graphql(UPDATE_EV, { input: { userId: ANNA, id: EV_IDS.unplugged, chargeDeadlineAt: '00:00' } });
    expect(midnight.body.data.updateElectricVehicle).toMatchObject({ chargeTargetMin: 100, chargeTargetMax: 100, minimumChargeLimit: 0, chargeDeadlineAt: '00:00' });
    const inverter = await gateway.graphql(UPDATE_INVERTER, { input: { userId: ANNA, id: INVERTER_IDS.full, minBatteryCharge: 0, maxBatteryCharge: 0 } });
    expect(inverter.body.data.updateInverter).toMatchObject({ minBatteryCharge: 0, maxBatteryCharge: 0 });
    expect(sim.count(EV_PUT)).toBe(2);
    expect(sim.count(IV_PUT)).toBe(1);
  });
});

describe("upstream's own validation", () => {
  const cases: [label: string, query: string, input: Record<string, unknown>, route: string, field: string][] = [
    // Only the minimum is given: upstream compares it with the stored maximum (23) and refuses.
    ['a minimum temperature above the stored maximum', UPDATE_HEAT_PUMP, { userId: ANNA, id: HEAT_PUMP_IDS.full, minimumTemperatureLimit: 25 }, HP_PUT, 'minimumTemperatureLimit'],
    ['an away mode start after the stored end', UPDATE_HEAT_PUMP, { userId: ANNA, id: HEAT_PUMP_IDS.full, awayModeStart: '2027-02-01T00:00:00Z' }, HP_PUT, 'awayModeStart'],
    ['a minimum charge target above the stored maximum', UPDATE_EV, { userId: ANNA, id: EV_IDS.unplugged, chargeTargetMin: 85 }, EV_PUT, 'chargeTargetMin'],
    ['a battery connected where no capacity is stored', UPDATE_INVERTER, { userId: OLIVER, id: INVERTER_IDS.noBattery, isBatteryConnected: true }, IV_PUT, 'batteryCapacityKwh'],
    ['a minimum battery charge above the stored maximum', UPDATE_INVERTER, { userId: ANNA, id: INVERTER_IDS.full, minBatteryCharge: 96 }, IV_PUT, 'minBatteryCharge'],
  ];

  it.each(cases)('passes on a 422 for %s, named by the gateway field', async (_label, query, input, route, field) => {
    const before = structuredClone(sim.deviceRecord(input.id as string));
    const response = await gateway.graphql(query, { input });
    expect(Object.values(response.body.data ?? {})).toEqual([null]);
    expect(response.body.errors).toHaveLength(1);
    const [error] = response.body.errors!;
    expect(error!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: { status: 422 } });
    expect((error!.extensions.fields as { field: string; message: string }[])[0]).toEqual({ field, message: expect.any(String) });
    expect(error!.message).toContain(`${field}: `);
    expect(sim.count(route)).toBe(1);
    // Refused upstream: nothing changed.
    expect(sim.deviceRecord(input.id as string)).toEqual(before);
  });
});

// ---- boost ---------------------------------------------------------------------------------------------

const BOOST_EV = (userId: string, id: string) => `mutation {
  boostElectricVehicle(userId: "${userId}", id: "${id}") {
    __typename
    ... on ElectricVehicleBoostStarted { electricVehicle { id boostState boostForNextSession isCharging chargeRateW } }
    ... on ElectricVehicleBoostArmed { electricVehicle { id boostState boostForNextSession isCharging } }
    ... on BoostRejected { state reason }
  }
}`;
const CANCEL_EV = (userId: string, id: string) => `mutation { cancelElectricVehicleBoost(userId: "${userId}", id: "${id}") { id boostState boostForNextSession isCharging } }`;

describe('boostElectricVehicle', () => {
  it('starts on a vehicle plugged in at home and idle, and answers it read after the boost', async () => {
    const { body } = await gateway.graphql(BOOST_EV(LUKAS, EV_IDS.idle));
    expect(body.errors).toBeUndefined();
    expect(body.data.boostElectricVehicle).toEqual({
      __typename: 'ElectricVehicleBoostStarted',
      electricVehicle: { id: EV_IDS.idle, boostState: 'ONGOING', boostForNextSession: false, isCharging: true, chargeRateW: 11_000 },
    });
    expect(sim.count(EV_BOOST)).toBe(1);
    // The state before (plugged in?) and the vehicle after: the after-read is not the before-read reused.
    expect(sim.count(EV_GET)).toBe(2);
  });

  it('arms for the next session when the vehicle is unplugged', async () => {
    const { body } = await gateway.graphql(BOOST_EV(ANNA, EV_IDS.unplugged));
    expect(body.errors).toBeUndefined();
    expect(body.data.boostElectricVehicle).toEqual({
      __typename: 'ElectricVehicleBoostArmed',
      electricVehicle: { id: EV_IDS.unplugged, boostState: 'UNAVAILABLE', boostForNextSession: true, isCharging: false },
    });
    // Armed for real: plugging in at home starts it.
    expect(sim.plugIn(EV_IDS.unplugged)).toMatchObject({ boost_state: 'ongoing', is_charging: true, boost_for_next_session: false });
  });

  it('turns each 409 into a typed rejection with the state and the reason, never an error', async () => {
    const outcomes = [
      [ANNA, EV_IDS.full, 'ALREADY_CHARGING'],
      [SOFIA, EV_IDS.charged, 'FULLY_CHARGED'],
      [OLIVER, EV_IDS.away, 'NO_ACTIVE_SESSION'],
    ] as const;
    for (const [userId, id, reason] of outcomes) {
      const { body } = await gateway.graphql(BOOST_EV(userId, id));
      expect(body, reason).toEqual({ data: { boostElectricVehicle: { __typename: 'BoostRejected', state: 'UNAVAILABLE', reason } } });
    }
    expect(sim.count(EV_BOOST)).toBe(3);
    // Nothing was armed or started.
    for (const [, id] of outcomes) expect(sim.deviceRecord(id)).toMatchObject({ boost_for_next_session: false });
  });

  it('is refused with NO_ACTIVE_SESSION once the vehicle is plugged in away from home, with the state it is in', async () => {
    // The same car that an unplugged boost arms (above) cannot be boosted at a public charger.
    sim.plugIn(EV_IDS.unplugged, { atHome: false });
    const { body } = await gateway.graphql(BOOST_EV(ANNA, EV_IDS.unplugged));
    expect(body.data.boostElectricVehicle).toEqual({ __typename: 'BoostRejected', state: 'UNAVAILABLE', reason: 'NO_ACTIVE_SESSION' });
  });

  it('cancelElectricVehicleBoost disarms an armed boost (idempotently), and the next plug-in does not boost', async () => {
    await gateway.graphql(BOOST_EV(ANNA, EV_IDS.unplugged));
    expect(sim.deviceRecord(EV_IDS.unplugged)).toMatchObject({ boost_for_next_session: true });
    for (let i = 0; i < 2; i++) {
      const { body } = await gateway.graphql(CANCEL_EV(ANNA, EV_IDS.unplugged));
      expect(body).toEqual({ data: { cancelElectricVehicleBoost: { id: EV_IDS.unplugged, boostState: 'UNAVAILABLE', boostForNextSession: false, isCharging: false } } });
    }
    expect(sim.count(EV_UNBOOST)).toBe(2);
    expect(sim.plugIn(EV_IDS.unplugged)).toMatchObject({ boost_state: 'available', is_charging: false, boost_for_next_session: false });
  });

  it('cancelElectricVehicleBoost only disarms: a boost under way keeps charging', async () => {
    const { body } = await gateway.graphql(BOOST_EV(LUKAS, EV_IDS.idle));
    expect(body.data.boostElectricVehicle.__typename).toBe('ElectricVehicleBoostStarted');
    const cancelled = await gateway.graphql(CANCEL_EV(LUKAS, EV_IDS.idle));
    expect(cancelled.body.data.cancelElectricVehicleBoost).toEqual({ id: EV_IDS.idle, boostState: 'ONGOING', boostForNextSession: false, isCharging: true });
  });
});

// ---- users ---------------------------------------------------------------------------------------------

const USER_FIELDS = 'id email firstName lastName externalId role streetAndNumber streetAddInfo zipCode town country latitude longitude locationLastUpdated';
const UPDATE_USER = `mutation ($input: UpdateUserInput!) { updateUser(input: $input) { ${USER_FIELDS} } }`;

describe('updateUser', () => {
  it('sends only the fields given by their upstream names (country_iso2, external_user_id), answers the user, and user(id) reads it later', async () => {
    const input = { id: ANNA, country: 'de', externalId: 'CRM-9', town: 'Graz', role: 'STAFF', streetAddInfo: null, latitude: 47.0707 };
    const { body } = await gateway.graphql(UPDATE_USER, { input });
    expect(body.errors).toBeUndefined();
    expect(sent(USER_PUT)).toEqual({ country_iso2: 'de', external_user_id: 'CRM-9', town: 'Graz', role: 'staff', street_add_info: null, latitude: 47.0707 });
    const answer = body.data.updateUser;
    expect(answer).toMatchObject({
      id: ANNA,
      // Not sent: as they were.
      email: 'anna.berger@example.at',
      firstName: 'Anna',
      streetAndNumber: 'Mariahilfer Straße 88',
      longitude: 16.3459,
      // Sent.
      externalId: 'CRM-9',
      role: 'STAFF',
      streetAddInfo: null,
      town: 'Graz',
      country: 'DE',
      latitude: 47.0707,
    });
    // The coordinates changed: upstream stamped them.
    expect(answer.locationLastUpdated).not.toBe('2026-03-02T09:15:00.000Z');
    // The answer is the PUT's, owner details and all: no GET.
    expect(sim.count(USER_GET)).toBe(0);

    const after = await gateway.graphql(`{ user(id: "${ANNA}") { ${USER_FIELDS} } }`);
    expect(after.body.data.user).toEqual(answer);
    expect(sim.count(USER_GET)).toBe(1);
  });

  it("serves the user's details later in the same operation from the write, without a user GET", async () => {
    // The heat pump embeds only five owner fields: its owner's town is read through the user loader,
    // which the write filled.
    const { body } = await gateway.graphql(`mutation {
      updateUser(input: { id: "${ANNA}", town: "Graz", role: ADMIN }) { town role heatPump(id: "${HEAT_PUMP_IDS.full}") { owner { id town role } } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.updateUser).toEqual({ town: 'Graz', role: 'ADMIN', heatPump: { owner: { id: ANNA, town: 'Graz', role: 'ADMIN' } } });
    expect(sim.count(USER_PUT)).toBe(1);
    expect(sim.count(HP_GET)).toBe(1);
    expect(sim.count(USER_GET)).toBe(0);
  });

  const invalid: [label: string, fields: Record<string, unknown>, names: string[]][] = [
    ['a malformed e-mail address', { email: 'anna.example.at' }, ['email']],
    ['a three-letter country', { country: 'DEU' }, ['country']],
    ['a latitude of 91', { latitude: 91 }, ['latitude']],
    ['a longitude of -180.5', { longitude: -180.5 }, ['longitude']],
    ['null for the role and e-mail', { role: null, email: null }, ['email', 'role']],
    ['a first name over 150 characters', { firstName: 'x'.repeat(151) }, ['firstName']],
    ['no field at all', {}, ['input']],
  ];

  it.each(invalid)('refuses %s with BAD_USER_INPUT naming the field, without an upstream call', async (_label, fields, names) => {
    const response = await gateway.graphql(UPDATE_USER, { input: { id: ANNA, ...fields } });
    expect(response.body.data).toEqual({ updateUser: null });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(fieldNames(response).sort()).toEqual(names);
    expect(sim.received()).toEqual([]);
  });

  it("passes on upstream's refusal of an e-mail address another user has (409)", async () => {
    const response = await gateway.graphql(UPDATE_USER, { input: { id: ANNA, email: 'L.Hofmann@example.de' } });
    expect(response.body.data).toEqual({ updateUser: null });
    expect(codes(response)).toEqual(['UPSTREAM_ERROR']);
    expect(sim.count(USER_PUT)).toBe(1);
  });
});

// ---- buildings -----------------------------------------------------------------------------------------

const BUILDING_FIELDS = 'id name propertyType occupantType propertySizeM2 numOccupants photovoltaic streetAndNumber streetAddInfo zipCode town country';

describe('createBuilding', () => {
  it('creates a building upstream and answers it with its id; a device moved there resolves it', async () => {
    const { body } = await gateway.graphql(`mutation ($input: CreateBuildingInput!) { createBuilding(input: $input) { ${BUILDING_FIELDS} } }`, {
      input: { userId: ANNA, name: 'Garden office', propertyType: 'Bungalow', numOccupants: 1, photovoltaic: true },
    });
    expect(body.errors).toBeUndefined();
    expect(sent(BUILDING_POST)).toEqual({ name: 'Garden office', property_type: 'Bungalow', num_occupants: 1, photovoltaic: true });
    const created = body.data.createBuilding;
    expect(created).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Garden office',
      propertyType: 'Bungalow',
      occupantType: null,
      propertySizeM2: null,
      numOccupants: 1,
      photovoltaic: true,
      streetAndNumber: null,
      streetAddInfo: null,
      zipCode: null,
      town: null,
      country: null,
    });
    expect(created.id).not.toBe(BUILDING_IDS.anna);

    sim.resetCounts();
    const moved = await gateway.graphql(`mutation {
      updateHeatPump(input: { userId: "${ANNA}", id: "${HEAT_PUMP_IDS.full}", buildingId: "${created.id}" }) { buildingId building { id name propertyType } }
    }`);
    expect(moved.body.errors).toBeUndefined();
    expect(sent(HP_PUT)).toEqual({ building_id: created.id });
    expect(moved.body.data.updateHeatPump).toEqual({ buildingId: created.id, building: { id: created.id, name: 'Garden office', propertyType: 'Bungalow' } });
    expect(sim.received(BUILDING_GET).map((r) => r.path)).toEqual([expect.stringContaining(created.id)]);
  });

  it('requires a name: refused by its type, without an upstream call', async () => {
    for (const input of [{ userId: ANNA }, { userId: ANNA, name: null }]) {
      const response = await gateway.graphql('mutation ($input: CreateBuildingInput!) { createBuilding(input: $input) { id } }', { input });
      expect(codes(response), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
    }
    const tooLong = await gateway.graphql('mutation ($input: CreateBuildingInput!) { createBuilding(input: $input) { id } }', { input: { userId: ANNA, name: 'x'.repeat(101) } });
    expect(fieldNames(tooLong)).toEqual(['name']);
    expect(sim.received()).toEqual([]);
  });
});

describe('updateBuilding', () => {
  const UPDATE_BUILDING = `mutation ($input: UpdateBuildingInput!) { updateBuilding(input: $input) { ${BUILDING_FIELDS} } }`;

  it('sends only the fields given (null as null), answers the building, and devices there read it later', async () => {
    const { body } = await gateway.graphql(UPDATE_BUILDING, { input: { userId: ANNA, id: BUILDING_IDS.anna, town: 'Linz', streetAddInfo: 'Top 4', propertySizeM2: null } });
    expect(body.errors).toBeUndefined();
    expect(sent(BUILDING_PUT)).toEqual({ town: 'Linz', street_add_info: 'Top 4', property_size_m2: null });
    const answer = body.data.updateBuilding;
    expect(answer).toMatchObject({ id: BUILDING_IDS.anna, town: 'Linz', streetAddInfo: 'Top 4', propertySizeM2: null, streetAndNumber: 'Mariahilfer Straße 88', zipCode: '1070' });
    expect(answer.name).toEqual(expect.any(String));

    // Anna's heat pump is in that building.
    const after = await gateway.graphql(`{ heatPump(userId: "${ANNA}", id: "${HEAT_PUMP_IDS.full}") { building { ${BUILDING_FIELDS} } } }`);
    expect(after.body.data.heatPump.building).toEqual(answer);
  });

  it.each([
    ['a property type not in the list', { propertyType: 'Castle' }, ['propertyType']],
    ['a null name', { name: null }, ['name']],
    ['a negative floor area', { propertySizeM2: -1 }, ['propertySizeM2']],
    ['no field at all', {}, ['input']],
  ])('refuses %s with BAD_USER_INPUT naming the field, without an upstream call', async (_label, fields, names) => {
    const response = await gateway.graphql(UPDATE_BUILDING, { input: { userId: ANNA, id: BUILDING_IDS.anna, ...fields } });
    expect(response.body.data).toEqual({ updateBuilding: null });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(fieldNames(response)).toEqual(names);
    expect(sim.received()).toEqual([]);
  });
});

// ---- onboarding ----------------------------------------------------------------------------------------

describe('createOnboardingSession', () => {
  const CREATE = 'mutation ($input: CreateOnboardingSessionInput!) { createOnboardingSession(input: $input) { id url expiresOn deviceId } }';
  const RETURN = { successUrl: 'https://app.example/onboarded?step=2', cancelUrl: 'http://localhost:3000/cancelled' };
  const DAY = 24 * 60 * 60 * 1000;

  it.each([
    ['HEAT_PUMP', 'hp'],
    ['ELECTRIC_VEHICLE', 'ev'],
    ['INVERTER', 'iv'],
    ['WALLBOX', 'wb'],
  ])('sends device type %s as "%s" with the user, language, price zone and return URLs, and answers the Connect UI URL', async (deviceType, upstreamType) => {
    const tomorrow = () => new Date(Date.now() + DAY).toISOString().slice(0, 10);
    const earliest = tomorrow();
    const { body } = await gateway.graphql(CREATE, { input: { userId: JONAS, deviceType, language: 'SV', priceZoneDefault: 'SE_3', ...RETURN } });
    expect(body.errors).toBeUndefined();
    expect(sent(ONBOARDING_POST)).toEqual({
      user_id: JONAS,
      device_type: upstreamType,
      language: 'sv',
      price_zone_default: 'SE_3',
      success_url: RETURN.successUrl,
      cancel_url: RETURN.cancelUrl,
    });
    const session = body.data.createOnboardingSession;
    expect(session).toEqual({ id: expect.stringMatching(UUID), url: expect.stringMatching(/^https:\/\//), expiresOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), deviceId: null });
    expect(session.url).toContain(session.id);
    // Valid until the end of the following day.
    expect([earliest, tomorrow()]).toContain(session.expiresOn);
  });

  it('sends the optional defaults only when given', async () => {
    const { body } = await gateway.graphql(CREATE, {
      input: { userId: ANNA, deviceType: 'HEAT_PUMP', language: 'DE', priceZoneDefault: 'AT', isSmartOptimizationActiveDefault: false, buildingId: BUILDING_IDS.annaHolidayHome, ...RETURN },
    });
    expect(body.errors).toBeUndefined();
    expect(sent(ONBOARDING_POST)).toEqual({
      user_id: ANNA,
      device_type: 'hp',
      language: 'de',
      price_zone_default: 'AT',
      is_smart_optimization_active_default: false,
      building_id: BUILDING_IDS.annaHolidayHome,
      success_url: RETURN.successUrl,
      cancel_url: RETURN.cancelUrl,
    });
  });

  it('refuses return URLs that are not absolute http(s) URLs with BAD_USER_INPUT, without an upstream call', async () => {
    for (const [urls, names] of [
      [{ successUrl: 'javascript:alert(1)', cancelUrl: RETURN.cancelUrl }, ['successUrl']],
      [{ successUrl: '/relative', cancelUrl: 'ftp://files.example/x' }, ['successUrl', 'cancelUrl']],
    ] as const) {
      const response = await gateway.graphql(CREATE, { input: { userId: ANNA, deviceType: 'WALLBOX', language: 'EN', priceZoneDefault: 'AT', ...urls } });
      expect(response.body.data).toEqual({ createOnboardingSession: null });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(fieldNames(response)).toEqual(names);
    }
    expect(sim.received()).toEqual([]);
  });

  it("refuses another organization (the partner API would create it in its credentials' one), without an upstream call", async () => {
    const response = await gateway.graphql(CREATE, {
      input: { orgId: '00000000-0000-4000-8000-000000000000', userId: ANNA, deviceType: 'WALLBOX', language: 'EN', priceZoneDefault: 'AT', ...RETURN },
    });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(fieldNames(response)).toEqual(['orgId']);
    expect(sim.received()).toEqual([]);
  });
});
