// The wallbox resource: `GET {U}/wallboxes/{wallbox_id}` (digest §3 #37, §4; the original endpoint page
// is ../shared/upstream/wallbox-detail-endpoint.txt). This file is the one place where the REST
// field names (snake_case) map to the gateway's (camelCase; a bare UUID reference gets an `Id` suffix).
import type { ApiSession } from './client.js';
import { Fields, type ReportUnknown } from './decode.js';
import { userPath, uuidSegment } from './paths.js';

export const DEVICE_STATUSES = ['ok', 'warning', 'error', 'unknown'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** The upstream PriceZone enum (digest §6), in its documented order. */
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

export interface Owner {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  externalId: string | null;
}

export interface ResolutionLink {
  url: string;
  requiredParameters: string[];
}

/** A pending action. `reauthenticate` is the one documented code; any other is kept as `unknown`. */
export type DeviceAction =
  | { kind: 'reauthenticate'; code: 'reauthenticate'; resolutionLink: ResolutionLink }
  | { kind: 'unknown'; code: string; resolutionLink: ResolutionLink | null };

export interface Wallbox {
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
  chargeTargetMin: number | null;
  chargeTargetMax: number | null;
  chargePowerMaxW: number;
  isChargePolicyEnabled: boolean | null;
  chargePolicyLastUpdatedAt: Date | null;
  minimumChargeLimit: number | null;
  chargeDeadlineAt: Date | null;
  isOverChargeAllowed: boolean | null;
  chargeTimeRemaining: number | null;
  chargeRateW: number | null;
  isFullyCharged: boolean | null;
  isPluggedIn: boolean | null;
  isCharging: boolean | null;
  chargeStateLastUpdatedAt: Date | null;
  consumptionLastDayKwh: number | null;
  consumptionLastWeekKwh: number | null;
  consumptionLastMonthKwh: number | null;
  consumptionLastUpdatedAt: Date | null;
  needsGateway: boolean | null;
  embeddableUrl: string | null;
  authorizationUrl: string | null;
  actionNeeded: boolean;
  actions: DeviceAction[];
}

/** Identifies one wallbox read: the partner API needs the org and the owning user to find it. */
export interface WallboxKey {
  orgId: string;
  userId: string;
  id: string;
  includeDeleted: boolean;
}

export async function fetchWallbox(api: ApiSession, key: WallboxKey): Promise<Wallbox> {
  const id = uuidSegment(key.id, 'id');
  const body = await api.call({
    path: `${userPath(key.orgId, key.userId)}/wallboxes/${id}`,
    query: key.includeDeleted ? { include_deleted: 'true' } : undefined,
    resource: `wallbox ${id} of user ${key.userId.toLowerCase()}`,
  });
  return decodeWallbox(body, id, api.reportUnknown);
}

export function decodeWallbox(body: unknown, requestedId: string, report: ReportUnknown): Wallbox {
  const f = Fields.of(body, 'wallbox', report);
  // Defaults are upstream's documented defaults for fields whose type is not nullable.
  return {
    // `id` is `uuid | null` upstream; the wallbox asked for is the one answered.
    id: f.uuid('id') ?? requestedId,
    connectionStatus: f.oneOf('connection_status', DEVICE_STATUSES) ?? 'unknown',
    monitoringStatus: f.oneOf('monitoring_status', DEVICE_STATUSES) ?? 'unknown',
    steeringStatus: f.oneOf('steering_status', DEVICE_STATUSES) ?? 'unknown',
    deviceModel: decodeDeviceModel(f.required(f.object('device_model'), 'device_model')),
    owner: decodeOwner(f.required(f.object('owner'), 'owner')),
    createdAt: f.required(f.dateTime('created_at'), 'created_at'),
    updatedAt: f.required(f.dateTime('updated_at'), 'updated_at'),
    priceZone: f.oneOf('price_zone', PRICE_ZONES),
    deletedAt: f.dateTime('deleted_at'),
    lifecycleState: f.string('lifecycle_state') ?? 'authenticated',
    lifecycleError: f.string('lifecycle_error'),
    buildingId: f.uuid('building'),
    pausePowerUntil: f.dateTime('pause_power_until'),
    isPausePowerActive: f.boolean('is_pause_power_active') ?? false,
    externalDeviceId: f.string('external_device_id'),
    isAuthenticated: f.boolean('is_authenticated'),
    isSmartOptimizationActive: f.boolean('is_smart_optimization_active') ?? false,
    optimizationScore: f.number('optimization_score'),
    currentMode: f.string('current_mode'),
    comment: f.string('comment'),
    currentStateLastUpdatedAt: f.dateTime('current_state_last_updated_at'),
    lastMonitoringExecutedAt: f.dateTime('last_monitoring_executed_at'),
    isInverterForcedModeEnabled: f.boolean('is_inverter_forced_mode_enabled') ?? false,
    isInverterForcedModeActive: f.boolean('is_inverter_forced_mode_active') ?? false,
    inverterForcedModeSince: f.dateTime('inverter_forced_mode_since'),
    isTradingEnabled: f.boolean('is_trading_enabled') ?? false,
    actualSteeringState: f.string('actual_steering_state') ?? 'unknown',
    chargeTargetMin: f.int('charge_target_min'),
    chargeTargetMax: f.int('charge_target_max'),
    chargePowerMaxW: f.int('charge_power_max_w') ?? 7000,
    isChargePolicyEnabled: f.boolean('is_charge_policy_enabled'),
    chargePolicyLastUpdatedAt: f.dateTime('charge_policy_last_updated_at'),
    minimumChargeLimit: f.int('minimum_charge_limit'),
    chargeDeadlineAt: f.dateTime('charge_deadline_at'),
    isOverChargeAllowed: f.boolean('is_over_charge_allowed'),
    chargeTimeRemaining: f.int('charge_time_remaining'),
    chargeRateW: f.number('charge_rate_w'),
    isFullyCharged: f.boolean('is_fully_charged'),
    isPluggedIn: f.boolean('is_plugged_in'),
    isCharging: f.boolean('is_charging'),
    chargeStateLastUpdatedAt: f.dateTime('charge_state_last_updated_at'),
    consumptionLastDayKwh: f.number('consumption_last_day_kwh'),
    consumptionLastWeekKwh: f.number('consumption_last_week_kwh'),
    consumptionLastMonthKwh: f.number('consumption_last_month_kwh'),
    consumptionLastUpdatedAt: f.dateTime('consumption_last_updated_at'),
    needsGateway: f.boolean('needs_gateway'),
    embeddableUrl: f.string('embeddable_url'),
    authorizationUrl: f.string('authorization_url'),
    actionNeeded: f.boolean('action_needed') ?? false,
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

function decodeOwner(f: Fields): Owner {
  return {
    id: f.required(f.uuid('id'), 'id'),
    email: f.string('email'),
    firstName: f.string('first_name'),
    lastName: f.string('last_name'),
    externalId: f.string('external_id'),
  };
}

/**
 * `actions` is a discriminated union on `code` that upstream plans to grow (digest §5). An item
 * without a code is dropped (reported); a code the gateway does not know, or a `reauthenticate`
 * without the link it needs, is kept as an unknown action so clients still see that something is pending.
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
