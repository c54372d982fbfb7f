// ElectricVehicle: a Device (device.ts) with charging and boost (charging.ts), its battery level, its
// charging sessions and its weekly charge policy.
// https://developers.podero.com/partner-api/reference/electric-vehicles/attributes
import { builder } from './builder.js';
import { boostMutations, checkChargingSettings, chargingFields, chargingSettingFields } from './charging.js';
import { connectionOf, offsetAfter, pageSize } from './connection.js';
import { deviceKind, keyOf } from './device.js';
import { DEVICE_KINDS } from './device-kinds.js';
import { InputProblems } from './input.js';
import { ownerScopes } from './scopes.js';
import {
  ELECTRIC_VEHICLE,
  WEEKDAYS,
  fetchChargePolicy,
  fetchChargingSessions,
  fetchCurrentSession,
  type ChargePolicy,
  type ChargingSession,
  type DayPolicy,
} from '../upstream/devices/electric-vehicles.js';

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export const ElectricVehicleRef = deviceKind(DEVICE_KINDS.electric_vehicle, {
  description: "An electric vehicle of one of the organization's users, steered through its manufacturer's cloud, as the partner API reports it.",
  fields: (t) => ({
    ...chargingFields(t),
    chargeDeadlineAt: t.exposeString('chargeDeadlineAt', {
      nullable: true,
      description: 'The local time of day ("07:30") by which the charge target must be reached (a time of day, unlike the wallbox\'s date-time).',
    }),
    batteryLevel: t.exposeFloat('batteryLevel', { nullable: true, description: 'State of charge, in percent.' }),
  }),
  settings: {
    fields: (t) => ({
      ...chargingSettingFields(t),
      chargeDeadlineAt: t.string({ description: 'Local time of day ("HH:MM", 24 h) by which the charge target must be reached.' }),
    }),
    check: (settings, problems) => {
      checkChargingSettings(problems);
      if (typeof settings.chargeDeadlineAt === 'string' && !TIME_OF_DAY.test(settings.chargeDeadlineAt)) problems.add('chargeDeadlineAt', 'must be a time of day "HH:MM" (00:00 to 23:59)');
    },
  },
});

boostMutations(ELECTRIC_VEHICLE, ElectricVehicleRef, {
  boost: 'boostElectricVehicle',
  cancel: 'cancelElectricVehicleBoost',
  started: 'ElectricVehicleBoostStarted',
  armed: 'ElectricVehicleBoostArmed',
  result: 'BoostElectricVehicleResult',
  deviceField: 'electricVehicle',
  descriptions: {
    boost:
      '"Charge now": plugged in at home and idle, the boost starts; unplugged, it is armed for the next session; charging, full or plugged in where Podero does not steer (NO_ACTIVE_SESSION), the partner API refuses it (BoostRejected).',
    cancel:
      'Disarms a boost armed for the next session (idempotent). On an EV this does not stop a boost under way (the partner API documents it as a disarm only). Answers the vehicle read again afterwards.',
    started: 'The boost started: the vehicle charges at full rate now.',
    armed: 'The vehicle was not plugged in: the boost is armed and fires at the next session.',
  },
});

// ---- charging sessions ----------------------------------------------------------------------------

const ChargingSessionRef = builder.objectRef<ChargingSession>('ChargingSession').implement({
  description: 'One charging session of an electric vehicle, from plug-in to unplug.',
  fields: (t) => ({
    id: t.exposeString('id', { nullable: true, description: 'Session id.' }),
    plugInTime: t.expose('plugInTime', { type: 'DateTime', nullable: true, description: 'When the vehicle was plugged in.' }),
    unplugTime: t.expose('unplugTime', { type: 'DateTime', nullable: true, description: 'When it was unplugged; null while the session runs.' }),
    inferredSessionEnd: t.expose('inferredSessionEnd', { type: 'DateTime', nullable: true, description: 'When the session is taken to have ended.' }),
    desiredChargingStartTime: t.expose('desiredChargingStartTime', { type: 'DateTime', nullable: true, description: 'When charging was planned to start.' }),
    desiredChargingEndTime: t.expose('desiredChargingEndTime', { type: 'DateTime', nullable: true, description: 'When charging was planned to end.' }),
    chargeDeadline: t.expose('chargeDeadline', { type: 'DateTime', nullable: true, description: 'The deadline the session charged for.' }),
    targetSocPct: t.exposeFloat('targetSocPct', { nullable: true, description: 'Target state of charge, percent.' }),
    initialSocPct: t.exposeFloat('initialSocPct', { nullable: true, description: 'State of charge at plug-in, percent.' }),
    finalSocPct: t.exposeFloat('finalSocPct', { nullable: true, description: 'State of charge at the end, percent.' }),
    energyChargedKwh: t.exposeFloat('energyChargedKwh', { nullable: true, description: 'Energy charged, kWh.' }),
    avgChargePowerKw: t.exposeFloat('avgChargePowerKw', { nullable: true, description: 'Average charge power, kW.' }),
    peakChargePowerKw: t.exposeFloat('peakChargePowerKw', { nullable: true, description: 'Peak charge power, kW.' }),
    actualCostEur: t.exposeFloat('actualCostEur', { nullable: true, description: 'What the energy cost, EUR.' }),
    expectedSavingsEur: t.exposeFloat('expectedSavingsEur', { nullable: true, description: 'Savings expected from optimisation, EUR.' }),
    actualSavingsEur: t.exposeFloat('actualSavingsEur', { nullable: true, description: 'Savings achieved, EUR.' }),
    isAtHome: t.exposeBoolean('isAtHome', { nullable: true, description: 'Whether the vehicle charged at home (where Podero steers it).' }),
    sessionOutcome: t.exposeString('sessionOutcome', {
      nullable: true,
      description: 'How the session ended, as upstream names it (e.g. "not_at_home"; upstream does not document the full list, so this is text, not an enum).',
    }),
  }),
});

const ChargingSessionConnection = connectionOf('ChargingSession', ChargingSessionRef, 'Completed charging sessions, newest first, a page at a time.');

builder.objectField(ElectricVehicleRef, 'sessions', (t) =>
  t.field({
    type: ChargingSessionConnection,
    description: 'Completed charging sessions that began from `from` to `to` (UTC dates, both inclusive): one upstream call per page.',
    args: {
      from: t.arg({ type: 'Date', required: true, description: 'First day (UTC), inclusive.' }),
      to: t.arg({ type: 'Date', required: true, description: 'Last day (UTC), inclusive; not before `from`.' }),
      first: t.arg.int({ defaultValue: 50, description: 'Page size, 0 to 200.' }),
      after: t.arg.string({ description: 'Continue after this cursor (an edge\'s `cursor` or `pageInfo.endCursor`).' }),
    },
    authScopes: (ev, _args, ctx) => ownerScopes(ev.owner, ctx),
    resolve: async (ev, args, ctx) => {
      const limit = pageSize(args.first, 50, 200);
      const offset = offsetAfter(args.after);
      const problems = new InputProblems();
      if (args.from.getTime() > args.to.getTime()) problems.add('from', 'must not be after to');
      problems.throwIfAny();
      const day = (d: Date) => d.toISOString().slice(0, 10);
      // Upstream takes 1..200: a page of 0 still reads the total, with one item that is not served.
      const page = await fetchChargingSessions(ctx.api, keyOf(ev), { from: day(args.from), to: day(args.to), limit: Math.max(limit, 1), offset });
      return { items: page.items.slice(0, limit), offset, totalCount: page.total };
    },
  }),
);

builder.objectField(ElectricVehicleRef, 'currentSession', (t) =>
  t.field({
    type: ChargingSessionRef,
    nullable: true,
    description: 'The charging session under way; null when the vehicle is not in one.',
    authScopes: (ev, _args, ctx) => ownerScopes(ev.owner, ctx),
    resolve: (ev, _args, ctx) => fetchCurrentSession(ctx.api, keyOf(ev)),
  }),
);

// ---- weekly charge policy -------------------------------------------------------------------------

const DayPolicyRef = builder.objectRef<DayPolicy>('DayChargePolicy').implement({
  description: "One weekday's charge target.",
  fields: (t) => ({
    chargePercentage: t.exposeInt('chargePercentage', { nullable: true, description: 'Charge to this percentage.' }),
    chargeDeadline: t.exposeString('chargeDeadline', { nullable: true, description: 'By this local time of day ("07:30").' }),
  }),
});

const ChargePolicyRef = builder.objectRef<ChargePolicy>('ChargePolicy').implement({
  description: 'Per-weekday charge targets. They take effect only while the vehicle\'s isChargePolicyEnabled is true.',
  fields: (t) => ({
    timezone: t.exposeString('timezone', { nullable: true, description: 'The time zone the deadlines are in (e.g. "Europe/Vienna").' }),
    ...(Object.fromEntries(
      (Object.keys(WEEKDAYS) as (keyof typeof WEEKDAYS)[]).map((day) => [
        day,
        t.field({ type: DayPolicyRef, nullable: true, resolve: (p) => p[day], description: `The target on ${day[0]!.toUpperCase()}${day.slice(1)}s.` }),
      ]),
    ) as Record<keyof typeof WEEKDAYS, ReturnType<typeof t.field>>),
  }),
});

builder.objectField(ElectricVehicleRef, 'chargePolicy', (t) =>
  t.field({
    type: ChargePolicyRef,
    nullable: true,
    description: 'The weekly charge policy; null when none is set.',
    authScopes: (ev, _args, ctx) => ownerScopes(ev.owner, ctx),
    resolve: (ev, _args, ctx) => fetchChargePolicy(ctx.api, keyOf(ev)),
  }),
);
