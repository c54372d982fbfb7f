// The device record. Every device kind of the partner API — wallboxes, heat pumps, electric vehicles,
// solar inverters — answers its detail GET with the same core (statuses, model, owner, price zone,
// lifecycle, pause power, smart optimisation, trading, links, pending actions) plus fields of its own.
// https://developers.podero.com/api-reference/user-wallboxes/get-details-about-a-users-wallbox
// https://developers.podero.com/api-reference/user-heat-pumps/get-details-about-a-users-specific-heat-pump
//
// This file holds the core and decodes it once; a kind (wallboxes.ts, heat-pumps.ts,
// electric-vehicles.ts, inverters.ts) is a DeviceSpec: its collection, its own fields' decoder and its
// own writable settings. The REST names (snake_case) of the core map to the gateway's (camelCase; a
// bare UUID reference gets an `Id` suffix) here, a kind's in its own file, nowhere else.
import { Fields, type ReportUnknown } from '../decode.js';
import { decodeOwner, type Owner } from '../users.js';

export const DEVICE_STATUSES = ['ok', 'warning', 'error', 'unknown'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** The upstream PriceZone enum, in its documented order. */
export const PRICE_ZONES = [
  'AT',
  'AT_HOURLY',
  'BE',
  'CH',
  'EE',
  'DE_LU',
  'HU',
  'IT_CNOR',
  'IT_CSUD',
  'IT_NORD',
  'IT_PUN',
  'IT_SARD',
  'IT_SICI',
  'IT_SUD',
  'PT',
  'RO',
  'SE_1',
  'SE_2',
  'SE_3',
  'SE_4',
  'UK',
] as const;
export type PriceZone = (typeof PRICE_ZONES)[number];

export interface DeviceType {
  shortName: string;
  longName: string | null;
}

export interface DeviceModel {
  deviceType: DeviceType;
  manufacturer: string | null;
  model: string | null;
  cloudServiceInstructions: string | null;
  cloudServiceSignupLink: string | null;
  year: number | null;
  cloudServiceId: string | null;
}

export interface ResolutionLink {
  url: string;
  requiredParameters: string[];
}

/** A pending action. `reauthenticate` is the one documented code; any other is kept as `unknown`. */
export type DeviceAction =
  | { kind: 'reauthenticate'; code: 'reauthenticate'; resolutionLink: ResolutionLink }
  | { kind: 'unknown'; code: string; resolutionLink: ResolutionLink | null };

export type DeviceKind = 'wallbox' | 'heat_pump' | 'electric_vehicle' | 'inverter';

/** What every device kind carries. */
export interface DeviceCore {
  /** Which kind it is (the GraphQL type it is served as). */
  kind: DeviceKind;
  /** The organization it was read in: not a field upstream, the path's; related reads stay in it. */
  orgId: string;
  id: string;
  connectionStatus: DeviceStatus;
  monitoringStatus: DeviceStatus;
  steeringStatus: DeviceStatus;
  deviceModel: DeviceModel;
  owner: Owner;
  createdAt: Date;
  updatedAt: Date;
  priceZone: PriceZone | null;
  deletedAt: Date | null;
  lifecycleState: string;
  lifecycleError: string | null;
  buildingId: string | null;
  pausePowerUntil: Date | null;
  isPausePowerActive: boolean;
  externalDeviceId: string | null;
  isAuthenticated: boolean | null;
  isSmartOptimizationActive: boolean;
  optimizationScore: number | null;
  currentMode: string | null;
  comment: string | null;
  currentStateLastUpdatedAt: Date | null;
  lastMonitoringExecutedAt: Date | null;
  isInverterForcedModeEnabled: boolean;
  isInverterForcedModeActive: boolean;
  inverterForcedModeSince: Date | null;
  isTradingEnabled: boolean;
  actualSteeringState: string;
  embeddableUrl: string | null;
  authorizationUrl: string | null;
  actionNeeded: boolean;
  actions: DeviceAction[];
}

/** A device of one kind: the core and the kind's own fields. */
export type Device<Own = unknown> = DeviceCore & Own;

/** What a kind adds to the device core. */
export interface DeviceSpec<Own = unknown, Settings = object> {
  kind: DeviceKind;
  /** The collection below a user, as in the path (`heat-pumps`). */
  collection: string;
  /** How error messages name one (`heat pump`). */
  noun: string;
  /** Whether upstream lists the kind (`GET {U}/<collection>`): the docs show no wallbox list. */
  listed: boolean;
  /**
   * Adds the kind's own fields to the decoded core, in place (`Object.assign(device, ...)`): object
   * spreads of the shared fragments took V8's generic copy on every device read, and showed as the
   * gateway's hottest function in a CPU profile under load.
   */
  decode(f: Fields, device: DeviceCore): Device<Own>;
  /** The kind's own writable settings: gateway name -> upstream write-side name. */
  settings: Record<keyof Settings, string>;
}

/** Identifies one device read: the partner API finds a device only through its org and owning user. */
export interface DeviceKey {
  orgId: string;
  userId: string;
  id: string;
  includeDeleted: boolean;
}

/** The core and the kind's own fields of one device body. `requestedId`: the id asked for (a list item has its own). */
export function decodeDevice<Own>(
  spec: DeviceSpec<Own>,
  body: unknown,
  requestedId: string | null,
  orgId: string,
  report: ReportUnknown,
  where: string = spec.noun,
): Device<Own> {
  const f = Fields.of(body, where, report);
  return spec.decode(f, decodeCore(f, spec.kind, requestedId, orgId));
}

function decodeCore(f: Fields, kind: DeviceKind, requestedId: string | null, orgId: string): DeviceCore {
  // Defaults are upstream's documented defaults for fields whose type is not nullable.
  return {
    kind,
    orgId,
    // `id` is `uuid | null` upstream; the device asked for is the one answered.
    id: requestedId === null ? f.required(f.uuid('id'), 'id') : f.orDefault(f.uuid('id'), 'id', requestedId),
    connectionStatus: f.oneOf('connection_status', DEVICE_STATUSES) ?? 'unknown',
    monitoringStatus: f.oneOf('monitoring_status', DEVICE_STATUSES) ?? 'unknown',
    steeringStatus: f.oneOf('steering_status', DEVICE_STATUSES) ?? 'unknown',
    deviceModel: decodeDeviceModel(f.required(f.object('device_model'), 'device_model')),
    owner: decodeOwner(f.required(f.object('owner'), 'owner'), 'external_id', orgId),
    createdAt: f.required(f.dateTime('created_at'), 'created_at'),
    updatedAt: f.required(f.dateTime('updated_at'), 'updated_at'),
    priceZone: f.oneOf('price_zone', PRICE_ZONES),
    deletedAt: f.dateTime('deleted_at'),
    lifecycleState: f.orDefault(f.string('lifecycle_state'), 'lifecycle_state', 'authenticated'),
    lifecycleError: f.string('lifecycle_error'),
    buildingId: f.uuid('building'),
    pausePowerUntil: f.dateTime('pause_power_until'),
    isPausePowerActive: f.orDefault(f.boolean('is_pause_power_active'), 'is_pause_power_active', false),
    externalDeviceId: f.string('external_device_id'),
    isAuthenticated: f.boolean('is_authenticated'),
    isSmartOptimizationActive: f.orDefault(f.boolean('is_smart_optimization_active'), 'is_smart_optimization_active', false),
    optimizationScore: f.number('optimization_score'),
    currentMode: f.string('current_mode'),
    comment: f.string('comment'),
    currentStateLastUpdatedAt: f.dateTime('current_state_last_updated_at'),
    lastMonitoringExecutedAt: f.dateTime('last_monitoring_executed_at'),
    isInverterForcedModeEnabled: f.orDefault(f.boolean('is_inverter_forced_mode_enabled'), 'is_inverter_forced_mode_enabled', false),
    isInverterForcedModeActive: f.orDefault(f.boolean('is_inverter_forced_mode_active'), 'is_inverter_forced_mode_active', false),
    inverterForcedModeSince: f.dateTime('inverter_forced_mode_since'),
    isTradingEnabled: f.orDefault(f.boolean('is_trading_enabled'), 'is_trading_enabled', false),
    actualSteeringState: f.orDefault(f.string('actual_steering_state'), 'actual_steering_state', 'unknown'),
    embeddableUrl: f.string('embeddable_url'),
    authorizationUrl: f.string('authorization_url'),
    actionNeeded: f.orDefault(f.boolean('action_needed'), 'action_needed', false),
    actions: decodeActions(f),
  };
}

function decodeDeviceModel(f: Fields): DeviceModel {
  const type = f.required(f.object('device_type'), 'device_type');
  return {
    deviceType: { shortName: type.required(type.string('short_name'), 'short_name'), longName: type.string('long_name') },
    manufacturer: f.string('manufacturer'),
    model: f.string('model'),
    cloudServiceInstructions: f.string('cloud_service_instructions'),
    cloudServiceSignupLink: f.string('cloud_service_signup_link'),
    year: f.int('year'),
    cloudServiceId: f.uuid('cloud_service'),
  };
}

/**
 * `actions` is a discriminated union on `code` that upstream plans to grow
 * (https://developers.podero.com/api-reference/user-heat-pumps/get-details-about-a-users-specific-heat-pump).
 * An item without a code is dropped (reported); a code the gateway does not know, or a
 * `reauthenticate` without the link it needs, is kept as an unknown action so clients still see that
 * something is pending.
 */
function decodeActions(f: Fields): DeviceAction[] {
  const actions: DeviceAction[] = [];
  for (const action of f.objects('actions')) {
    const code = action.string('code');
    if (code === null) {
      action.report('code', 'missing');
      continue;
    }
    const link = action.object('resolution_link');
    const resolutionLink = link && decodeResolutionLink(link);
    if (code === 'reauthenticate' && resolutionLink) {
      actions.push({ kind: 'reauthenticate', code, resolutionLink });
    } else {
      action.report('code', code === 'reauthenticate' ? 'reauthenticate without a resolution_link' : code);
      actions.push({ kind: 'unknown', code, resolutionLink });
    }
  }
  return actions;
}

function decodeResolutionLink(f: Fields): ResolutionLink | null {
  const url = f.string('url');
  if (url === null) return null;
  const parameters = f.array('required_parameters') ?? [];
  return { url, requiredParameters: parameters.filter((p): p is string => typeof p === 'string') };
}
