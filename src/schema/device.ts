// The device model in the schema: `interface Device` with every field the partner API's device kinds
// share, each declared once here, and `deviceKind`, which gives a kind (wallbox.ts, heat-pump.ts,
// electric-vehicle.ts, inverter.ts) everything a kind has — its object type implementing Device, its
// root field, its federation entity, its list on Owner, its update mutation — so a kind's file declares
// only its own fields and settings. Which kinds there are, and what they are called, is device-kinds.ts.
// Nullability follows upstream: non-null only where upstream guarantees a value (required, or a
// non-nullable type with a documented default).
import type { ObjectFieldsShape, ObjectRef } from '@pothos/core';
import { builder } from './builder.js';
import { DEVICE_KINDS, LISTED_SPECS, type DeviceKindEntry } from './device-kinds.js';
import { DeviceStatusEnum, PriceZoneEnum } from './enums.js';
import { DeviceModelRef } from './device-model.js';
import { OwnerRef } from './owner.js';
import { ActionRef } from './action.js';
import { InputProblems, orgIdOf, userIdOf } from './input.js';
import { authorize, deviceArgs, ownerScopes, userArgs, userInputFields, userScopes } from './scopes.js';
import { checkReferences } from './references.js';
import { uuidFrom } from './uuid.js';
import type { Context } from '../context.js';
import type { Device, DeviceKey, DeviceSpec } from '../upstream/devices/device.js';
import { updateDevice } from '../upstream/devices/endpoints.js';
import type { CommonSettings } from '../upstream/devices/setting-names.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** Which device the arguments name (`orgId` falls back to PODERO_ORG_ID, `userId` to an end user's own). */
export function deviceKey(args: { orgId?: string | null; userId?: string | null; id: string; includeDeleted?: boolean | null }, ctx: Context): DeviceKey {
  return { orgId: orgIdOf(args.orgId, ctx), userId: userIdOf(args.userId, ctx), id: args.id, includeDeleted: args.includeDeleted ?? false };
}

/** The device itself as a read: where a field below it (sessions, statistics, building) starts from. */
export function keyOf(device: Device): DeviceKey {
  return { orgId: device.orgId, userId: device.owner.id, id: device.id, includeDeleted: false };
}

export const DeviceRef = builder.interfaceRef<Device>('Device').implement({
  description:
    "A device of one of the organization's users — a wallbox, heat pump, electric vehicle or solar inverter — with the fields every kind of device has, as the partner API reports them.",
  resolveType: (device) => DEVICE_KINDS[device.kind].ref,
  fields: (t) => ({
    id: t.expose('id', { type: 'UUID', nullable: false, description: 'Device id.' }),
    connectionStatus: t.expose('connectionStatus', { type: DeviceStatusEnum, description: "Health of the connection to the manufacturer's cloud." }),
    monitoringStatus: t.expose('monitoringStatus', { type: DeviceStatusEnum, description: 'Health of data collection from the device.' }),
    steeringStatus: t.expose('steeringStatus', { type: DeviceStatusEnum, description: 'Health of steering (sending commands to) the device.' }),
    deviceModel: t.field({ type: DeviceModelRef, resolve: (d) => d.deviceModel, description: 'Make and model.' }),
    owner: t.field({ type: OwnerRef, nullable: false, resolve: (d) => d.owner, description: 'The user the device belongs to.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the device was registered.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the device record last changed.' }),
    priceZone: t.expose('priceZone', {
      type: PriceZoneEnum,
      nullable: true,
      description:
        'Price zone the optimisation uses (upstream default AT). Nullable although upstream always sends one: a zone this gateway does not know is served as null rather than failing the device.',
    }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true, description: 'When set, the device is soft-deleted (only returned with includeDeleted).' }),
    lifecycleState: t.exposeString('lifecycleState', {
      description: 'Lifecycle of the device registration (e.g. "authenticated", "error"; upstream does not document the full list).',
    }),
    lifecycleError: t.exposeString('lifecycleError', { nullable: true, description: "Error details when lifecycleState is 'error'." }),
    buildingId: t.expose('buildingId', { type: 'UUID', nullable: true, description: 'Id of the building the device is installed in (upstream `building`); the building itself is `building`.' }),
    pausePowerUntil: t.expose('pausePowerUntil', { type: 'DateTime', nullable: true, description: 'Power is paused until this time; null when not paused.' }),
    isPausePowerActive: t.exposeBoolean('isPausePowerActive', { description: 'Whether a power pause is in effect now.' }),
    externalDeviceId: t.exposeString('externalDeviceId', { nullable: true, description: "The partner's own id for this device (max. 255 characters)." }),
    isAuthenticated: t.exposeBoolean('isAuthenticated', {
      nullable: true,
      description: "Whether the link to the manufacturer's cloud is valid; false means the owner must sign in again.",
    }),
    isSmartOptimizationActive: t.exposeBoolean('isSmartOptimizationActive', { description: 'Whether smart (price-optimised) operation is switched on.' }),
    optimizationScore: t.exposeFloat('optimizationScore', { nullable: true, description: 'Optimisation score of the device.' }),
    currentMode: t.exposeString('currentMode', { nullable: true, description: 'Current operating mode as upstream names it (heat pumps: min, low, mid, max).' }),
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
    embeddableUrl: t.exposeString('embeddableUrl', { nullable: true, description: 'URL of the embeddable onboarding form.' }),
    authorizationUrl: t.exposeString('authorizationUrl', { nullable: true, description: 'Base URL for authorizing the device with the Podero server.' }),
    actionNeeded: t.exposeBoolean('actionNeeded', {
      description: 'True when at least one action is pending and the partner must take it before the device can resume normal operation.',
    }),
    actions: t.field({ type: [ActionRef], resolve: (d) => d.actions, description: 'Pending actions the partner can take on this device; empty when nothing is pending.' }),
  }),
});

export interface DeviceKindOptions<Own, Settings> {
  /** The kind's type. */
  description: string;
  /** The kind's own fields. */
  fields: ObjectFieldsShape<Types, Device<Own>>;
  /** The kind's own settings (the update mutation's input, beside the common ones), and their checks. */
  settings: {
    fields: (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) => Record<string, PothosSchemaTypes.InputFieldRef<Types, unknown>>;
    check?: (settings: Settings, problems: InputProblems) => void;
    /** Own settings whose field is non-null upstream: null is not a value they can take. */
    notNull?: (keyof Settings & string)[];
  };
}

/** Common settings whose field is non-null upstream. */
const COMMON_NOT_NULL = ['isSmartOptimizationActive', 'isTradingEnabled', 'isInverterForcedModeEnabled', 'priceZone'] as const;

/**
 * A kind's entry as the fields every kind has see it: its type read as a plain Device, as they read
 * only the device core (Pothos cannot check resolvers against a shape that is still generic here).
 */
type CoreKind = Omit<DeviceKindEntry, 'ref'> & { ref: ObjectRef<Types, Device> };

/** One kind of device (its entry in device-kinds.ts), on the device model. Returns the kind's object type. */
export function deviceKind<Own, Settings>(entry: DeviceKindEntry<Own, Settings>, options: DeviceKindOptions<Own, Settings>): ObjectRef<Types, Device<Own>> {
  const typed = entry.ref.implement({ description: options.description, interfaces: [DeviceRef], fields: options.fields });
  entityOf(entry);
  readFields(entry);
  updateMutation(entry, options.settings as DeviceKindOptions<unknown, object>['settings']);
  return typed;
}

/**
 * A federation entity. The partner API finds a device only through its owner, so the key is the device
 * id plus the owner's id; the organization is the configured one (PODERO_ORG_ID).
 */
function entityOf({ ref, spec, name }: CoreKind): void {
  builder.asEntity(ref, {
    key: builder.selection<{ id: string; owner: { id: string } }>('id owner { id }'),
    // async: a bad or foreign representation fails its own entity, not the whole `_entities` list.
    resolveReference: async (reference, ctx) => {
      const key = {
        orgId: orgIdOf(null, ctx),
        userId: uuidFrom((reference.owner as { id?: unknown } | undefined)?.id, `${name}.owner.id`),
        id: uuidFrom(reference.id, `${name}.id`),
        includeDeleted: false,
      };
      await authorize(ctx, userScopes(key, ctx));
      return ctx.loaders.device(spec).load(key);
    },
  });
}

/** The root field that reads one, the Owner field that reads one of theirs, and the Owner list of a listed kind. */
function readFields({ ref, spec, name, field, ownerField }: CoreKind): void {
  builder.queryField(field, (t) =>
    t.field({
      type: ref,
      nullable: true,
      description: `A user's ${spec.noun}. Null with a NOT_FOUND error when the partner API does not know it (or it is soft-deleted and includeDeleted is false).`,
      args: { ...deviceArgs, includeDeleted: t.arg.boolean({ defaultValue: false, description: `Also return a soft-deleted ${spec.noun}.` }) },
      authScopes: (_root, args, ctx) => userScopes(args, ctx),
      resolve: (_root, args, ctx) => ctx.loaders.device(spec).load(deviceKey(args, ctx)),
    }),
  );

  // The same field as a subscription: the same arguments, defaults, type and scopes, so a query becomes
  // a subscription by its keyword alone. The scopes are checked when it subscribes (builder.ts), before
  // any poller starts; each event is one state of the device, or the error its stream ends with.
  builder.subscriptionField(field, (t) =>
    t.field({
      type: ref,
      nullable: true,
      description: `A user's ${spec.noun}, live: its state now, then each time what you selected of it changes (polled once for all its subscribers). Ends with NOT_FOUND when the partner API no longer knows it, and with UNAUTHENTICATED when your token expires.`,
      args: { ...deviceArgs, includeDeleted: t.arg.boolean({ defaultValue: false, description: `Also return a soft-deleted ${spec.noun}.` }) },
      authScopes: (_root, args, ctx) => userScopes(args, ctx),
      subscribe: (_root, args, ctx) => ctx.live().device(spec, deviceKey(args, ctx)),
      resolve: eventOf,
    }),
  );

  // One of the owner's devices by id, for frontends that know only the device's id: `me { heatPump(id: ...) }`.
  builder.objectField(OwnerRef, field, (t) =>
    t.field({
      type: ref,
      nullable: true,
      description: `One of this user's ${spec.noun}s. Null with a NOT_FOUND error when the partner API does not know it for this user.`,
      args: {
        id: t.arg({ type: 'UUID', required: true, description: `${name} id.` }),
        includeDeleted: t.arg.boolean({ defaultValue: false, description: `Also return a soft-deleted ${spec.noun}.` }),
      },
      authScopes: (owner, _args, ctx) => ownerScopes(owner, ctx),
      resolve: (owner, args, ctx) => ctx.loaders.device(spec).load({ orgId: owner.orgId, userId: owner.id, id: args.id, includeDeleted: args.includeDeleted ?? false }),
    }),
  );

  if (ownerField === null) return;
  builder.objectField(OwnerRef, ownerField, (t) =>
    t.field({
      type: [ref],
      description: `This user's ${spec.noun}s (not deleted), from the partner API's list: one upstream call, all of them (the list has no paging).`,
      authScopes: (owner, _args, ctx) => ownerScopes(owner, ctx),
      resolve: (owner, _args, ctx) => ctx.loaders.devices(spec).load({ orgId: owner.orgId, userId: owner.id }),
    }),
  );
}

/** `update<Kind>(input)`: the kind's settings and the common ones, checked before the PUT. */
function updateMutation({ ref, spec, name }: CoreKind, settings: DeviceKindOptions<unknown, object>['settings']): void {
  const input = builder.inputType(`Update${name}Input`, {
    description: `Which ${spec.noun}, and the settings to change. Only the settings you set are sent: an explicit null is sent as null, an absent setting is left as it is. Each setting is named as the ${name} field it changes.`,
    fields: (t) => ({ ...deviceInputFields(t, name), ...settings.fields(t), ...commonSettingFields(t) }),
  });
  builder.mutationField(`update${name}`, (t) =>
    t.field({
      type: ref,
      nullable: true,
      description: `Changes ${spec.noun} settings (partner API PUT). Answers the ${spec.noun} as updated upstream.`,
      args: { input: t.arg({ type: input, required: true }) },
      authScopes: (_root, args, ctx) => userScopes(args.input as { orgId?: string | null; userId?: string | null }, ctx),
      resolve: (_root, args, ctx) => {
        const { orgId, userId, id, ...values } = args.input as { orgId?: string | null; userId?: string | null; id: string } & Record<string, unknown>;
        return applyDeviceSettings(ctx, spec, deviceKey({ orgId, userId, id }, ctx), checkSettings(values, settings));
      },
    }),
  );
}

// The kinds it asks for, and their order, are device-kinds.ts's: not the order kind files were imported in.
builder.objectField(OwnerRef, 'devices', (t) =>
  t.field({
    type: [DeviceRef],
    description:
      "This user's devices of every kind the partner API lists — heat pumps, electric vehicles, solar inverters — one upstream call per kind. Wallboxes are not among them: the partner API has no list of a user's wallboxes (ask for one by id with `wallbox`).",
    authScopes: (owner, _args, ctx) => ownerScopes(owner, ctx),
    resolve: async (owner, _args, ctx) => {
      const lists = await Promise.all(LISTED_SPECS.map((spec) => ctx.loaders.devices(spec).load({ orgId: owner.orgId, userId: owner.id })));
      return lists.flat();
    },
  }),
);

// A user's whole device list, live, for dashboards: every kind Owner.devices lists, on the same terms.
builder.subscriptionField('devices', (t) =>
  t.field({
    type: [DeviceRef],
    description:
      "A user's devices of every kind the partner API lists (as `Owner.devices`), live: the list now, then each time what you selected of it changes. Ends with NOT_FOUND when the partner API no longer knows the user.",
    args: userArgs,
    authScopes: (_root, args, ctx) => userScopes(args, ctx),
    subscribe: (_root, args, ctx) => ctx.live().devices(LISTED_SPECS, { orgId: orgIdOf(args.orgId, ctx), userId: userIdOf(args.userId, ctx) }),
    resolve: eventOf,
  }),
);

/** One event of a live field: the poller's value, or the error that ends the stream (a field error with its code). */
function eventOf<T>(event: T | Error): T {
  if (event instanceof Error) throw event;
  return event;
}

/**
 * Applies settings; later reads in the same operation are served the device upstream answered with.
 * Every settings write of every kind passes here, so a building it names is checked here, once.
 */
export async function applyDeviceSettings<Own, Settings>(ctx: Context, spec: DeviceSpec<Own, Settings>, key: DeviceKey, settings: Settings & CommonSettings): Promise<Device<Own>> {
  await checkReferences(ctx, key, { buildingId: settings.buildingId });
  // The write drops what it touched from the request's reads (src/upstream/reads.ts); its answer takes the place.
  const updated = await updateDevice(ctx.api, spec, key, settings);
  ctx.loaders.device(spec).prime(key, updated);
  return updated;
}

/** Everything upstream documents about the common settings, and the kind's own checks, before any call. */
function checkSettings<Settings>(settings: Record<string, unknown>, own: DeviceKindOptions<unknown, Settings>['settings']): Settings & CommonSettings {
  const problems = new InputProblems(settings).notNull([...(own.notNull ?? []), ...COMMON_NOT_NULL]).maxLength({ comment: 300, externalDeviceId: 255 });
  own.check?.(settings as Settings, problems);
  problems.notEmpty('setting').throwIfAny();
  return settings as Settings & CommonSettings;
}

/** `orgId`, `userId`, `id` of an update input: which device. */
function deviceInputFields(t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>, name: string) {
  return {
    ...userInputFields(t),
    id: t.field({ type: 'UUID', required: true, description: `${name} id.` }),
  };
}

/** The settings every kind's PUT takes. */
function commonSettingFields(t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) {
  return {
    pausePowerUntil: t.field({ type: 'DateTime', description: 'Pause power until then; null resumes.' }),
    isSmartOptimizationActive: t.boolean({ description: 'Smart (price-optimised) operation on/off (not null).' }),
    isTradingEnabled: t.boolean({ description: 'Day-ahead trading on/off (not null).' }),
    isInverterForcedModeEnabled: t.boolean({ description: 'Inverter forced mode on/off (not null).' }),
    priceZone: t.field({ type: PriceZoneEnum, description: 'Price zone (not null).' }),
    comment: t.string({ description: 'Free-text comment, at most 300 characters.' }),
    externalDeviceId: t.string({ description: "The partner's own id for the device, at most 255 characters." }),
    buildingId: t.field({ type: 'UUID', description: 'Building the device is installed in.' }),
  };
}
