// The wallbox resource (digest §3 #37-#42, §4; the original endpoint page is
// ../shared/upstream/wallbox-detail-endpoint.txt): the detail GET, the settings PUT, boost, claim tokens
// and re-authentication. This file is the one place where the REST field names (snake_case) map to the
// gateway's (camelCase; a bare UUID reference gets an `Id` suffix), in both directions.
import type { ApiSession } from './client.js';
import { Fields, type ReportUnknown } from './decode.js';
import { UpstreamError } from './errors.js';
import { userPath, uuidSegment } from './paths.js';
import { decodeOwner, type Owner } from './users.js';

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

/** `boost_state` (digest §4.2, §6). A value added upstream later is served as 'unknown'. */
export const BOOST_STATES = ['available', 'requested', 'ongoing', 'unavailable', 'unknown'] as const;
export type BoostState = (typeof BOOST_STATES)[number];

/** The `reason` of a 409 answer to a boost (digest §4.3). A reason added later is served as null. */
export const BOOST_REJECTION_REASONS = ['already_charging', 'fully_charged', 'internal_error'] as const;
export type BoostRejectionReason = (typeof BOOST_REJECTION_REASONS)[number];

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
  /** Not on the detail page's field list, but documented with boost (digest §4.2): may be absent. */
  boostState: BoostState | null;
  boostForNextSession: boolean | null;
}

/** Identifies one wallbox read: the partner API needs the org and the owning user to find it. */
export interface WallboxKey {
  orgId: string;
  userId: string;
  id: string;
  includeDeleted: boolean;
}

export function fetchWallbox(api: ApiSession, key: WallboxKey): Promise<Wallbox> {
  return api.read(
    { path: wallboxPath(key), query: key.includeDeleted ? { include_deleted: 'true' } : undefined, resource: wallboxResource(key) },
    (body) => decodeWallbox(body, key.id.toLowerCase(), api.reportUnknown),
  );
}

/** The writable settings of a wallbox, by the name of the `Wallbox` field each one changes. */
export interface WallboxSettings {
  chargeTargetMin?: number | null;
  chargeTargetMax?: number | null;
  chargePowerMaxW?: number;
  minimumChargeLimit?: number | null;
  chargeDeadlineAt?: Date | null;
  isChargePolicyEnabled?: boolean | null;
  isOverChargeAllowed?: boolean | null;
  pausePowerUntil?: Date | null;
  isSmartOptimizationActive?: boolean;
  isTradingEnabled?: boolean;
  isInverterForcedModeEnabled?: boolean;
  priceZone?: PriceZone;
  comment?: string | null;
  externalDeviceId?: string | null;
  buildingId?: string | null;
}

/** Gateway name -> upstream write-side name (the PUT body names a building `building_id`, the GET `building`). */
const SETTING_FIELDS: Record<keyof WallboxSettings, string> = {
  chargeTargetMin: 'charge_target_min',
  chargeTargetMax: 'charge_target_max',
  chargePowerMaxW: 'charge_power_max_w',
  minimumChargeLimit: 'minimum_charge_limit',
  chargeDeadlineAt: 'charge_deadline_at',
  isChargePolicyEnabled: 'is_charge_policy_enabled',
  isOverChargeAllowed: 'is_over_charge_allowed',
  pausePowerUntil: 'pause_power_until',
  isSmartOptimizationActive: 'is_smart_optimization_active',
  isTradingEnabled: 'is_trading_enabled',
  isInverterForcedModeEnabled: 'is_inverter_forced_mode_enabled',
  priceZone: 'price_zone',
  comment: 'comment',
  externalDeviceId: 'external_device_id',
  buildingId: 'building_id',
};

/**
 * `PUT {U}/wallboxes/{id}` with only the settings given (an explicit null is sent as null, an absent
 * setting is not sent). Answers the updated wallbox. Upstream's field-level validation messages come
 * back on the error, named by gateway field.
 */
export async function updateWallbox(api: ApiSession, key: WallboxKey, settings: WallboxSettings): Promise<Wallbox> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(settings) as [keyof WallboxSettings, unknown][]) {
    if (value === undefined) continue;
    body[SETTING_FIELDS[name]] = value instanceof Date ? value.toISOString() : value;
  }
  return api
    .read({ method: 'PUT', path: wallboxPath(key), body, resource: wallboxResource(key) }, (answer) => decodeWallbox(answer, key.id.toLowerCase(), api.reportUnknown))
    .catch((error: unknown) => {
      throw withFieldNames(error);
    });
}

export type BoostOutcome = { accepted: true } | { accepted: false; state: BoostState | null; reason: BoostRejectionReason | null };

/**
 * `POST {U}/wallboxes/{id}/boost`: 204 when the boost started or was armed for the next session; a
 * 409 `{state, reason}` is an answer (the boost was refused), not a failure.
 */
export function boostWallbox(api: ApiSession, key: WallboxKey): Promise<BoostOutcome> {
  return api.read({ method: 'POST', path: `${wallboxPath(key)}/boost`, resource: wallboxResource(key), answers: [409] }, (body, status) => {
    if (status !== 409) return { accepted: true };
    const f = Fields.of(body ?? {}, 'boost rejection', api.reportUnknown);
    return {
      accepted: false,
      state: f.present('state') ? (f.oneOf('state', BOOST_STATES) ?? 'unknown') : null,
      reason: f.oneOf('reason', BOOST_REJECTION_REASONS),
    };
  });
}

/** `DELETE {U}/wallboxes/{id}/boost`: cancels a live boost and disarms one armed for the next session (204, idempotent). */
export async function cancelWallboxBoost(api: ApiSession, key: WallboxKey): Promise<void> {
  await api.call({ method: 'DELETE', path: `${wallboxPath(key)}/boost`, resource: wallboxResource(key) });
}

export interface ClaimToken {
  token: string;
  wssUrl: string;
  expiresAt: Date;
}

/** `POST {U}/wallboxes/claim-tokens`: a one-time token (and OCPP WebSocket URL) for pairing a charger to the user (201). */
export function createClaimToken(api: ApiSession, user: { orgId: string; userId: string }): Promise<ClaimToken> {
  return api.read(
    { method: 'POST', path: `${userPath(user.orgId, user.userId)}/wallboxes/claim-tokens`, resource: `a claim token for user ${user.userId}` },
    (body) => {
      const f = Fields.of(body, 'claim token', api.reportUnknown);
      return {
        token: f.required(f.string('token'), 'token'),
        wssUrl: f.required(f.string('wss_url'), 'wss_url'),
        expiresAt: f.required(f.dateTime('expires_at'), 'expires_at'),
      };
    },
  );
}

export interface AuthSession {
  authenticationUrl: string | null;
  deviceId: string | null;
  sessionId: string | null;
}

/** `POST {U}/wallboxes/{id}/auth_session`: a URL to send the owner to, to sign in to the manufacturer's cloud again. */
export async function startWallboxAuthSession(
  api: ApiSession,
  key: WallboxKey,
  urls: { successUrl?: string | undefined; cancelUrl?: string | undefined },
): Promise<AuthSession> {
  const body = { ...(urls.successUrl === undefined ? {} : { success_url: urls.successUrl }), ...(urls.cancelUrl === undefined ? {} : { cancel_url: urls.cancelUrl }) };
  return api.read({ method: 'POST', path: `${wallboxPath(key)}/auth_session`, body, resource: wallboxResource(key) }, (answer) => {
    const f = Fields.of(answer, 'authentication session', api.reportUnknown);
    return { authenticationUrl: f.string('authentication_url'), deviceId: f.uuid('device_id'), sessionId: f.string('session_id') };
  });
}

export function wallboxPath(key: Pick<WallboxKey, 'orgId' | 'userId' | 'id'>): string {
  return `${userPath(key.orgId, key.userId)}/wallboxes/${uuidSegment(key.id, 'id')}`;
}

function wallboxResource(key: Pick<WallboxKey, 'userId' | 'id'>): string {
  return `wallbox ${key.id.toLowerCase()} of user ${key.userId.toLowerCase()}`;
}

const GATEWAY_NAME = new Map(Object.entries(SETTING_FIELDS).map(([gateway, upstream]) => [upstream, gateway]));

/** Upstream's validation messages (`detail[].loc = ["body", "<field>"]`), named by the gateway's input fields. */
function withFieldNames(error: unknown): unknown {
  if (!(error instanceof UpstreamError) || !Array.isArray(error.detail)) return error;
  const fields = (error.detail as { loc?: unknown[]; msg?: string }[])
    .filter((d) => typeof d.msg === 'string')
    .map((d) => {
      const upstream = d.loc?.at(-1);
      const field = typeof upstream === 'string' ? (GATEWAY_NAME.get(upstream) ?? upstream) : undefined;
      return { ...(field ? { field } : {}), message: d.msg! };
    });
  if (fields.length === 0) return error;
  const summary = fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ');
  return new UpstreamError(error.code, `${error.message}: ${summary}`, { status: error.status, detail: error.detail, fields, cause: error });
}

function decodeWallbox(body: unknown, requestedId: string, report: ReportUnknown): Wallbox {
  const f = Fields.of(body, 'wallbox', report);
  // Defaults are upstream's documented defaults for fields whose type is not nullable.
  return {
    // `id` is `uuid | null` upstream; the wallbox asked for is the one answered.
    id: f.orDefault(f.uuid('id'), 'id', requestedId),
    connectionStatus: f.oneOf('connection_status', DEVICE_STATUSES) ?? 'unknown',
    monitoringStatus: f.oneOf('monitoring_status', DEVICE_STATUSES) ?? 'unknown',
    steeringStatus: f.oneOf('steering_status', DEVICE_STATUSES) ?? 'unknown',
    deviceModel: decodeDeviceModel(f.required(f.object('device_model'), 'device_model')),
    owner: decodeOwner(f.required(f.object('owner'), 'owner'), 'external_id'),
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
    chargeTargetMin: f.int('charge_target_min'),
    chargeTargetMax: f.int('charge_target_max'),
    chargePowerMaxW: f.orDefault(f.int('charge_power_max_w'), 'charge_power_max_w', 7000),
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
    actionNeeded: f.orDefault(f.boolean('action_needed'), 'action_needed', false),
    actions: decodeActions(f),
    boostState: f.present('boost_state') ? (f.oneOf('boost_state', BOOST_STATES) ?? 'unknown') : null,
    boostForNextSession: f.boolean('boost_for_next_session'),
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
