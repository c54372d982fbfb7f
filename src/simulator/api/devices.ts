// The common device record: the thirty-odd fields every device kind carries — statuses, model, owner,
// lifecycle, pause power, smart optimisation, trading, links and pending actions — built, updated and
// rendered once here. Each kind (wallboxes.ts, heat-pumps.ts, electric-vehicles.ts, inverters.ts) adds
// only its own fields and endpoints, on top of the detail GET and the partial-update PUT every kind
// gets from here.
// https://developers.podero.com/api-reference/user-wallboxes/get-details-about-a-users-wallbox
import { randomUUID } from 'node:crypto';
import { apiRoute, notFound, ok, unprocessable, type Problem, type Reply, type RequestContext, type Route } from '../http.js';
import type { DeviceKind, Json, StoredDevice } from '../records.js';
import { isReply, isoTime, type Store } from '../store.js';
import { renderActions } from './cues.js';
import { merged, stampChanges } from './update.js';
import { boolean, dateTime, integer, oneOf, string, uuid, validateBody, type FieldRule } from '../validate.js';

/** The PriceZone enum of the partner API (the `price_zone` options of the device pages). */
export const PRICE_ZONES = [
  'AT', 'AT_HOURLY', 'BE', 'CH', 'EE', 'DE_LU', 'HU', 'IT_CNOR', 'IT_CSUD', 'IT_NORD', 'IT_PUN', 'IT_SARD', 'IT_SICI',
  'IT_SUD', 'PT', 'RO', 'SE_1', 'SE_2', 'SE_3', 'SE_4', 'UK',
] as const;

export const percent = integer({ ge: 0, le: 100 });
/** Date-times are stored in UTC, whatever offset they were written with. */
export const utc = (value: unknown) => isoTime(Date.parse(value as string));
const lowerCase = (value: unknown) => (value as string).toLowerCase();

/** Who a device is and where it starts: what even a device that has never synced has. */
export interface DeviceIdentity {
  id: string;
  owner: Json;
  createdAt: string;
  priceZone: string;
}

/**
 * The least a device record of a kind holds: its required fields, upstream's defaults for the
 * non-nullable ones, and null for everything else — a device right after it was connected, before its
 * first sync. The kind's own fields are placed as upstream places them: after the common settings,
 * before the links; kinds that charge a car carry the boost fields after the links.
 */
export function blankDevice(spec: DeviceKindSpec, identity: DeviceIdentity): Json {
  return {
    connection_status: 'unknown',
    monitoring_status: 'unknown',
    steering_status: 'unknown',
    device_model: {
      device_type: structuredClone(spec.deviceType),
      manufacturer: null,
      model: null,
      cloud_service_instructions: null,
      cloud_service_signup_link: null,
      year: null,
      cloud_service: null,
    },
    owner: identity.owner,
    created_at: identity.createdAt,
    updated_at: identity.createdAt,
    price_zone: identity.priceZone,
    id: identity.id,
    deleted_at: null,
    lifecycle_state: 'authenticated',
    lifecycle_error: null,
    building: null,
    pause_power_until: null,
    is_pause_power_active: false,
    external_device_id: null,
    is_authenticated: null,
    is_smart_optimization_active: false,
    optimization_score: null,
    current_mode: null,
    comment: null,
    current_state_last_updated_at: null,
    last_monitoring_executed_at: null,
    is_inverter_forced_mode_enabled: false,
    is_inverter_forced_mode_active: false,
    inverter_forced_mode_since: null,
    is_trading_enabled: false,
    actual_steering_state: 'unknown',
    ...structuredClone(spec.blank),
    embeddable_url: null,
    authorization_url: null,
    ...(spec.boost && { boost_state: null, boost_for_next_session: null }),
    action_needed: false,
    actions: [],
  };
}

/**
 * The PUT body's common fields, by their write-side names ("only send the fields you want to change",
 * https://developers.podero.com/partner-api/user-journeys/end-user/setting-preferences).
 */
const COMMON_WRITABLE: Record<string, FieldRule> = {
  pause_power_until: { check: dateTime, nullable: true, normalize: utc },
  is_smart_optimization_active: { check: boolean },
  is_trading_enabled: { check: boolean },
  is_inverter_forced_mode_enabled: { check: boolean },
  price_zone: { check: oneOf(PRICE_ZONES) },
  comment: { check: string(300), nullable: true },
  external_device_id: { check: string(255), nullable: true },
  building_id: { check: uuid, nullable: true, normalize: lowerCase },
};

/** Where a write-side field is stored when its read-side name differs. */
const READ_NAMES: Record<string, string> = { building_id: 'building' };

/** What a kind adds to the common device: where it lives, what its PUT writes and checks. */
export interface DeviceKindSpec {
  kind: DeviceKind;
  /** The collection below a user, as in the path (e.g. "heat-pumps"). */
  collection: string;
  /** The name of the id path parameter (a 422 locates a malformed id by it). */
  idParam: string;
  /** Whether upstream lists the kind: the docs show no wallbox list. */
  listed: boolean;
  /** `device_model.device_type`: `{short_name, long_name}` (`wb`, `hp_atw`, `ev`, `inverter`). */
  deviceType: Json;
  /** The kind's own fields as a device shows them before its first sync, in upstream's order. */
  blank: Json;
  /** Whether the kind charges a car: it then carries `boost_state` and `boost_for_next_session`. */
  boost?: boolean;
  /** The kind's own PUT fields; the common ones follow them. */
  writable: Record<string, FieldRule>;
  /** Pairs [low, high] (numbers or date-times) that must stay ordered once the update is merged. */
  ordered?: [string, string][];
  /** Other rules across fields of the merged record. */
  check?: (after: Json) => Problem[];
  /** Fields stamped with the time when any of the listed fields change. */
  stamps?: Record<string, string[]>;
}

/** The path of one device of a kind, below the API base. */
export function devicePath(spec: DeviceKindSpec): string {
  return `/org/{org_id}/users/{user_id}/${spec.collection}/{${spec.idParam}}`;
}

/** What the detail GET (and every list item) answers: the stored record with the actions of its open cues. */
export function renderDevice(store: Store, device: StoredDevice, apiBase: string): Json {
  const actions = renderActions(store, device, apiBase);
  return { ...structuredClone(device.record), action_needed: actions.length > 0, actions };
}

/** A route on one device of a kind (`suffix` below its path) that is not soft-deleted. */
export function deviceRoute(
  store: Store,
  spec: DeviceKindSpec,
  method: string,
  suffix: string,
  handle: (device: StoredDevice, ctx: RequestContext) => Reply,
): Route {
  return apiRoute(method, devicePath(spec) + suffix, (ctx) => {
    const device = store.findDevice(spec.kind, spec.idParam, ctx.params);
    return isReply(device) ? device : handle(device, ctx);
  });
}

/** The endpoints every kind has: the list (where upstream has one), the detail GET and the partial-update PUT. */
export function deviceRoutes(store: Store, spec: DeviceKindSpec, apiBase: () => string): Route[] {
  const routes = [
    apiRoute('GET', devicePath(spec), ({ params, query }) => {
      const found = store.findDevice(spec.kind, spec.idParam, params, query.get('include_deleted') === 'true');
      return isReply(found) ? found : ok(renderDevice(store, found, apiBase()));
    }),
    deviceRoute(store, spec, 'PUT', '', (device, { body }) => updateDevice(store, spec, device, body) ?? ok(renderDevice(store, device, apiBase()))),
  ];
  if (!spec.listed) return routes;
  const list = apiRoute('GET', `/org/{org_id}/users/{user_id}/${spec.collection}`, ({ params: [orgId, userId] }) => {
    const user = store.findUser(orgId!, userId!);
    if (isReply(user)) return user;
    // A bare array, no paging (as every list of the partner API); soft-deleted devices are left out.
    const owned = [...store.devices.values()].filter((d) => d.kind === spec.kind && d.userId === user.record.id && !d.record.deleted_at);
    return ok(owned.map((d) => renderDevice(store, d, apiBase())));
  });
  return [list, ...routes];
}

/** Applies a PUT body to the stored record, or answers why not (and then changes nothing). */
function updateDevice(store: Store, spec: DeviceKindSpec, device: StoredDevice, body: unknown): Reply | undefined {
  const { values, problems } = validateBody(body, { ...spec.writable, ...COMMON_WRITABLE });
  if (problems.length > 0) return unprocessable(problems);
  const before = device.record;
  const after = merged(before, values, READ_NAMES);
  const crossProblems = [...(spec.ordered ?? []).flatMap(([low, high]) => disorder(after, low, high)), ...(spec.check?.(after) ?? [])];
  if (crossProblems.length > 0) return unprocessable(crossProblems);
  const now = store.now();
  after.updated_at = isoTime(now);
  stampChanges(before, after, spec.stamps ?? {}, isoTime(now));
  // A pause is a time in the future; null, or a time past, resumes (https://developers.podero.com/partner-api/reference/heat-pumps/attributes).
  after.is_pause_power_active = typeof after.pause_power_until === 'string' && Date.parse(after.pause_power_until) > now;
  device.record = after;
  return undefined;
}

/** The problem when `low` is above `high` in the merged record; none when either is unset. */
function disorder(record: Json, low: string, high: string): Problem[] {
  const rank = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : (value as number | null | undefined));
  const [a, b] = [rank(record[low]), rank(record[high])];
  if (a == null || b == null || a <= b) return [];
  return [{ type: 'value_error', loc: ['body', low], msg: `Value error, ${low} must be less than or equal to ${high}` }];
}

/**
 * `POST …/auth_session`: a re-authentication session for the device, whose URL the partner sends the
 * user to (https://developers.podero.com/api-reference/user-wallboxes/reauthenticate-a-users-wallbox,
 * https://developers.podero.com/api-reference/user-solar-inverters/reauthenticate-a-users-inverter).
 */
export function authSessionRoute(store: Store, spec: DeviceKindSpec): Route {
  return deviceRoute(store, spec, 'POST', '/auth_session', (device, { body }) => {
    const url = { check: string(8000), nullable: true };
    const { problems } = validateBody(body, { success_url: url, cancel_url: url });
    if (problems.length > 0) return unprocessable(problems);
    const sessionId = randomUUID();
    return ok({ authentication_url: `https://connect.podero.com/auth?session_id=${sessionId}`, device_id: device.record.id, session_id: sessionId });
  });
}

/** Any device of the given kinds by id, whoever owns it (for the hooks, which stand for the device, not a partner). */
export function deviceById(store: Store, id: string, kinds: DeviceKind[]): StoredDevice | Reply {
  const device = store.devices.get(id.toLowerCase());
  return device && kinds.includes(device.kind) && !device.record.deleted_at ? device : notFound();
}
