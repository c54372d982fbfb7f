// Wallbox: every field of the partner API's wallbox detail response (digest §4). Nullability follows
// upstream: non-null only where upstream guarantees a value (required, or a non-nullable type with a
// default). The snake_case -> camelCase mapping happens once, in src/upstream/wallboxes.ts.
import { builder } from './builder.js';
import { BoostStateEnum, DeviceStatusEnum, PriceZoneEnum } from './enums.js';
import { DeviceModelRef } from './device-model.js';
import { OwnerRef } from './owner.js';
import { ActionRef } from './action.js';
import { orgIdOf, userIdOf } from './input.js';
import { authorize, deviceArgs, userScopes } from './scopes.js';
import type { Context } from '../context.js';
import { uuidFrom } from './uuid.js';
import type { Wallbox, WallboxKey } from '../upstream/wallboxes.js';

/** Which wallbox the arguments name (`orgId` falls back to PODERO_ORG_ID, `userId` to an end user's own). */
export function wallboxKey(args: { orgId?: string | null; userId?: string | null; id: string; includeDeleted?: boolean | null }, ctx: Context): WallboxKey {
  return { orgId: orgIdOf(args.orgId, ctx), userId: userIdOf(args.userId, ctx), id: args.id, includeDeleted: args.includeDeleted ?? false };
}

export const WallboxRef = builder.objectRef<Wallbox>('Wallbox');

WallboxRef.implement({
  description: "An EV wallbox (charger) of one of the organization's users, as the partner API reports it.",
  fields: (t) => ({
    id: t.expose('id', { type: 'UUID', nullable: false, description: 'Wallbox id.' }),
    connectionStatus: t.expose('connectionStatus', { type: DeviceStatusEnum, description: "Health of the connection to the manufacturer's cloud." }),
    monitoringStatus: t.expose('monitoringStatus', { type: DeviceStatusEnum, description: 'Health of data collection from the wallbox.' }),
    steeringStatus: t.expose('steeringStatus', { type: DeviceStatusEnum, description: 'Health of steering (sending charge commands to) the wallbox.' }),
    deviceModel: t.field({ type: DeviceModelRef, resolve: (w) => w.deviceModel, description: 'Make and model.' }),
    owner: t.field({ type: OwnerRef, nullable: false, resolve: (w) => w.owner, description: 'The user the wallbox belongs to.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the wallbox was registered.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the wallbox record last changed.' }),
    priceZone: t.expose('priceZone', {
      type: PriceZoneEnum,
      nullable: true,
      description:
        'Price zone the optimisation uses (upstream default AT). Nullable although upstream always sends one: a zone this gateway does not know is served as null rather than failing the wallbox.',
    }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true, description: 'When set, the wallbox is soft-deleted (only returned with includeDeleted).' }),
    lifecycleState: t.exposeString('lifecycleState', {
      description: 'Lifecycle of the device registration (e.g. "authenticated", "error"; upstream does not document the full list).',
    }),
    lifecycleError: t.exposeString('lifecycleError', { nullable: true, description: "Error details when lifecycleState is 'error'." }),
    buildingId: t.expose('buildingId', { type: 'UUID', nullable: true, description: 'Id of the building the wallbox is installed in (upstream `building`).' }),
    pausePowerUntil: t.expose('pausePowerUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'Charging power is paused until this time; null when not paused.',
    }),
    isPausePowerActive: t.exposeBoolean('isPausePowerActive', { description: 'Whether a power pause is in effect now.' }),
    externalDeviceId: t.exposeString('externalDeviceId', { nullable: true, description: "The partner's own id for this device (max. 255 characters)." }),
    isAuthenticated: t.exposeBoolean('isAuthenticated', {
      nullable: true,
      description: "Whether the link to the manufacturer's cloud is valid; false means the owner must sign in again.",
    }),
    isSmartOptimizationActive: t.exposeBoolean('isSmartOptimizationActive', { description: 'Whether smart (price-optimised) charging is switched on.' }),
    optimizationScore: t.exposeFloat('optimizationScore', { nullable: true, description: 'Optimisation score of the device.' }),
    currentMode: t.exposeString('currentMode', { nullable: true, description: 'Current operating mode as upstream names it.' }),
    comment: t.exposeString('comment', { nullable: true, description: 'Free-text comment (max. 300 characters).' }),
    currentStateLastUpdatedAt: t.expose('currentStateLastUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the device state was last refreshed.' }),
    lastMonitoringExecutedAt: t.expose('lastMonitoringExecutedAt', { type: 'DateTime', nullable: true, description: 'When monitoring last ran for the device.' }),
    isInverterForcedModeEnabled: t.exposeBoolean('isInverterForcedModeEnabled', { description: 'Whether inverter forced mode is enabled.' }),
    isInverterForcedModeActive: t.exposeBoolean('isInverterForcedModeActive', { description: 'Whether inverter forced mode is in effect now.' }),
    inverterForcedModeSince: t.expose('inverterForcedModeSince', {
      type: 'DateTime',
      nullable: true,
      description: 'Since when inverter forced mode has been active; null when never (upstream sends 0001-01-01T00:00:00Z for that).',
    }),
    isTradingEnabled: t.exposeBoolean('isTradingEnabled', { description: 'Whether the device takes part in day-ahead trading.' }),
    actualSteeringState: t.exposeString('actualSteeringState', {
      description: 'Steering state the device is in (upstream default "unknown"; upstream does not document the full list).',
    }),
    chargeTargetMin: t.exposeInt('chargeTargetMin', { nullable: true, description: 'Lower charge target, in percent (upstream default 50).' }),
    chargeTargetMax: t.exposeInt('chargeTargetMax', { nullable: true, description: 'Upper charge target, in percent (upstream default 80).' }),
    chargePowerMaxW: t.exposeInt('chargePowerMaxW', { description: 'Maximum charge power, in watts (upstream default 7000).' }),
    isChargePolicyEnabled: t.exposeBoolean('isChargePolicyEnabled', { nullable: true, description: 'Whether the charge policy (targets and deadline) is applied.' }),
    chargePolicyLastUpdatedAt: t.expose('chargePolicyLastUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the charge policy last changed.' }),
    minimumChargeLimit: t.exposeInt('minimumChargeLimit', {
      nullable: true,
      description: 'Charge level, in percent, that is reached as soon as possible regardless of price (upstream default 80).',
    }),
    chargeDeadlineAt: t.expose('chargeDeadlineAt', { type: 'DateTime', nullable: true, description: 'When the charge target must be reached.' }),
    isOverChargeAllowed: t.exposeBoolean('isOverChargeAllowed', { nullable: true, description: 'Whether charging beyond the upper target is allowed when it is cheap.' }),
    chargeTimeRemaining: t.exposeInt('chargeTimeRemaining', { nullable: true, description: 'Remaining charge time as upstream reports it (unit undocumented; minutes in the simulator).' }),
    chargeRateW: t.exposeFloat('chargeRateW', { nullable: true, description: 'Current charge rate, in watts.' }),
    isFullyCharged: t.exposeBoolean('isFullyCharged', { nullable: true, description: 'Whether the connected vehicle is fully charged.' }),
    isPluggedIn: t.exposeBoolean('isPluggedIn', { nullable: true, description: 'Whether a vehicle is plugged in.' }),
    isCharging: t.exposeBoolean('isCharging', { nullable: true, description: 'Whether the wallbox is charging now.' }),
    chargeStateLastUpdatedAt: t.expose('chargeStateLastUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the charge state was last refreshed.' }),
    consumptionLastDayKwh: t.exposeFloat('consumptionLastDayKwh', { nullable: true, description: 'Energy used over the last day, in kWh.' }),
    consumptionLastWeekKwh: t.exposeFloat('consumptionLastWeekKwh', { nullable: true, description: 'Energy used over the last week, in kWh.' }),
    consumptionLastMonthKwh: t.exposeFloat('consumptionLastMonthKwh', { nullable: true, description: 'Energy used over the last month, in kWh.' }),
    consumptionLastUpdatedAt: t.expose('consumptionLastUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the consumption figures were last computed.' }),
    needsGateway: t.exposeBoolean('needsGateway', { nullable: true, description: 'Whether the wallbox needs a local gateway to be reached.' }),
    embeddableUrl: t.exposeString('embeddableUrl', { nullable: true, description: 'URL of the embeddable onboarding form.' }),
    authorizationUrl: t.exposeString('authorizationUrl', { nullable: true, description: 'Base URL for authorizing the device with the Podero server.' }),
    actionNeeded: t.exposeBoolean('actionNeeded', {
      description: 'True when at least one action is pending and the partner must take it before the device can resume normal operation.',
    }),
    actions: t.field({
      type: [ActionRef],
      resolve: (w) => w.actions,
      description: 'Pending actions the partner can take on this wallbox; empty when nothing is pending.',
    }),
    boostState: t.expose('boostState', {
      type: BoostStateEnum,
      nullable: true,
      description: 'Boost ("charge now") state; null when the partner API does not report it.',
    }),
    boostForNextSession: t.exposeBoolean('boostForNextSession', {
      nullable: true,
      description: 'Whether a boost is armed for the next time a vehicle is plugged in.',
    }),
  }),
});

// A federation entity. The partner API finds a wallbox only through its owner, so the key is the
// wallbox id plus the owner's id; the organization is the configured one (PODERO_ORG_ID).
builder.asEntity(WallboxRef, {
  key: builder.selection<{ id: string; owner: { id: string } }>('id owner { id }'),
  // async: a bad or foreign representation fails its own entity, not the whole `_entities` list.
  resolveReference: async (ref, ctx) => {
    const key = {
      orgId: orgIdOf(null, ctx),
      userId: uuidFrom((ref.owner as { id?: unknown } | undefined)?.id, 'Wallbox.owner.id'),
      id: uuidFrom(ref.id, 'Wallbox.id'),
      includeDeleted: false,
    };
    await authorize(ctx, userScopes(key, ctx));
    return ctx.loaders.wallbox.load(key);
  },
});

builder.queryField('wallbox', (t) =>
  t.field({
    type: WallboxRef,
    nullable: true,
    description:
      "A user's wallbox. Null with a NOT_FOUND error when the partner API does not know it (or it is soft-deleted and includeDeleted is false).",
    args: {
      ...deviceArgs,
      includeDeleted: t.arg.boolean({ defaultValue: false, description: 'Also return a soft-deleted wallbox.' }),
    },
    authScopes: (_root, args, ctx) => userScopes(args, ctx),
    resolve: (_root, args, ctx) => ctx.loaders.wallbox.load(wallboxKey(args, ctx)),
  }),
);

// An owner's wallbox, for frontends that know only the wallbox id: `me { wallbox(id: ...) { ... } }`.
// The partner API has no list of a user's wallboxes, so there is no `wallboxes` field.
builder.objectField(OwnerRef, 'wallbox', (t) =>
  t.field({
    type: WallboxRef,
    nullable: true,
    description:
      "One of this user's wallboxes, in the configured organization. Null with a NOT_FOUND error when the partner API does not know it for this user. (The partner API cannot list a user's wallboxes.)",
    args: {
      id: t.arg({ type: 'UUID', required: true, description: 'Wallbox id.' }),
      includeDeleted: t.arg.boolean({ defaultValue: false, description: 'Also return a soft-deleted wallbox.' }),
    },
    authScopes: (owner, _args, ctx) => userScopes({ userId: owner.id }, ctx),
    resolve: (owner, args, ctx) => ctx.loaders.wallbox.load(wallboxKey({ userId: owner.id, id: args.id, includeDeleted: args.includeDeleted }, ctx)),
  }),
);
