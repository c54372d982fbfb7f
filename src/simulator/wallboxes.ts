// The wallbox endpoints of the partner API (digest §3 #37, #38, #40-#42, §4): the detail, the partial
// update, the re-authentication session, and boost (§4.3) with the car plugging in and out, which
// happens outside the API and is driven by tests through the simulator's hooks.
import { randomUUID } from 'node:crypto';
import { apiRoute, noContent, notFound, ok, unprocessable, type Reply, type Route } from './http.js';
import type { Json } from './seed.js';
import { isReply, isoTime, type Store, type StoredWallbox } from './store.js';
import { renderActions } from './cues.js';
import { boolean, dateTime, integer, oneOf, string, uuid, validateBody, type FieldRule } from './validate.js';

const WALLBOX = '/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';

/** The PriceZone enum of the partner API (digest §6). */
export const PRICE_ZONES = [
  'AT', 'AT_HOURLY', 'BE', 'CH', 'EE', 'DE_LU', 'HU', 'IT_CNOR', 'IT_CSUD', 'IT_NORD', 'IT_PUN', 'IT_SARD', 'IT_SICI',
  'IT_SUD', 'PT', 'RO', 'SE_1', 'SE_2', 'SE_3', 'SE_4', 'UK',
] as const;

const percent = integer({ ge: 0, le: 100 });
const utc = (value: unknown) => isoTime(Date.parse(value as string));

/** The PUT body's fields, by their write-side names. */
const WRITABLE: Record<string, FieldRule> = {
  charge_target_min: { check: percent, nullable: true },
  charge_target_max: { check: percent, nullable: true },
  minimum_charge_limit: { check: percent, nullable: true },
  charge_power_max_w: { check: integer({ gt: 0 }) },
  charge_deadline_at: { check: dateTime, nullable: true, normalize: utc },
  is_charge_policy_enabled: { check: boolean, nullable: true },
  is_over_charge_allowed: { check: boolean, nullable: true },
  pause_power_until: { check: dateTime, nullable: true, normalize: utc },
  is_smart_optimization_active: { check: boolean },
  is_trading_enabled: { check: boolean },
  is_inverter_forced_mode_enabled: { check: boolean },
  price_zone: { check: oneOf(PRICE_ZONES) },
  comment: { check: string(300), nullable: true },
  external_device_id: { check: string(255), nullable: true },
  building_id: { check: uuid, nullable: true, normalize: (v) => (v as string).toLowerCase() },
};

/** Where a write-side field is stored when its read-side name differs. */
const READ_NAME: Record<string, string> = { building_id: 'building' };

/** Fields whose change is a change of the charge policy (they stamp `charge_policy_last_updated_at`). */
const POLICY_FIELDS = ['charge_target_min', 'charge_target_max', 'minimum_charge_limit', 'charge_deadline_at', 'is_charge_policy_enabled'];

/** What the detail GET answers: the stored record with the actions of its open cues. */
export function renderWallbox(store: Store, wallbox: StoredWallbox, apiBase: string): Json {
  const actions = renderActions(store, wallbox, apiBase);
  return { ...structuredClone(wallbox.record), action_needed: actions.length > 0, actions };
}

export function wallboxRoutes(store: Store, apiBase: () => string): Route[] {
  const find = ([orgId, userId, wallboxId]: string[]) => store.findWallbox(orgId!, userId!, wallboxId!);
  return [
    apiRoute('GET', WALLBOX, ({ params: [orgId, userId, wallboxId], query }) => {
      const found = store.findWallbox(orgId!, userId!, wallboxId!, query.get('include_deleted') === 'true');
      return isReply(found) ? found : ok(renderWallbox(store, found, apiBase()));
    }),
    apiRoute('PUT', WALLBOX, ({ params, body }) => {
      const found = find(params);
      if (isReply(found)) return found;
      const updated = update(store, found, body);
      return isReply(updated) ? updated : ok(renderWallbox(store, found, apiBase()));
    }),
    apiRoute('POST', `${WALLBOX}/boost`, ({ params }) => {
      const found = find(params);
      return isReply(found) ? found : boost(store, found);
    }),
    apiRoute('DELETE', `${WALLBOX}/boost`, ({ params }) => {
      const found = find(params);
      if (isReply(found)) return found;
      const record = found.record;
      if (record.boost_state === 'ongoing' || record.boost_state === 'requested') {
        setCharging(store, record, false);
        record.boost_state = 'available';
      }
      record.boost_for_next_session = false;
      return noContent();
    }),
    apiRoute('POST', `${WALLBOX}/auth_session`, ({ params, body }) => {
      const found = find(params);
      if (isReply(found)) return found;
      const url = { check: string(8000), nullable: true };
      const { problems } = validateBody(body, { success_url: url, cancel_url: url });
      if (problems.length > 0) return unprocessable(problems);
      const sessionId = randomUUID();
      return ok({ authentication_url: `https://connect.podero.com/auth?session_id=${sessionId}`, device_id: found.record.id, session_id: sessionId });
    }),
  ];
}

/** Applies a PUT body to the stored record, or says why not (and then changes nothing). */
function update(store: Store, wallbox: StoredWallbox, body: unknown): StoredWallbox | Reply {
  const { values, problems } = validateBody(body, WRITABLE);
  if (problems.length > 0) return unprocessable(problems);
  const before = wallbox.record;
  const after: Json = { ...before };
  for (const [field, value] of Object.entries(values)) after[READ_NAME[field] ?? field] = value;

  const min = after.charge_target_min as number | null;
  const max = after.charge_target_max as number | null;
  if (min != null && max != null && min > max) {
    return unprocessable([
      { type: 'value_error', loc: ['body', 'charge_target_min'], msg: 'Value error, charge_target_min must be less than or equal to charge_target_max' },
    ]);
  }
  const now = store.now();
  after.updated_at = isoTime(now);
  if (POLICY_FIELDS.some((field) => after[field] !== before[field])) after.charge_policy_last_updated_at = isoTime(now);
  after.is_pause_power_active = typeof after.pause_power_until === 'string' && Date.parse(after.pause_power_until) > now;
  wallbox.record = after;
  return wallbox;
}

/** POST …/boost (digest §4.3): charge at full rate now, or arm the boost for the next plug-in. */
function boost(store: Store, wallbox: StoredWallbox): Reply {
  const record = wallbox.record;
  const conflict = (reason: string): Reply => ({ status: 409, body: { state: record.boost_state, reason } });
  if (record.is_fully_charged === true) return conflict('fully_charged');
  if (record.boost_state === 'ongoing' || record.boost_state === 'requested' || record.is_charging === true) return conflict('already_charging');
  if (record.is_plugged_in === true) startBoost(store, record);
  else record.boost_for_next_session = true;
  return noContent();
}

function startBoost(store: Store, record: Json): void {
  setCharging(store, record, true);
  record.boost_state = 'ongoing';
}

function setCharging(store: Store, record: Json, charging: boolean): void {
  record.is_charging = charging;
  record.charge_rate_w = charging ? record.charge_power_max_w : 0;
  record.charge_state_last_updated_at = isoTime(store.now());
}

/** Any wallbox by id, whoever owns it (for the hooks, which stand for the charger, not a partner). */
function byId(store: Store, wallboxId: string): StoredWallbox | Reply {
  const wallbox = store.wallboxes.get(wallboxId.toLowerCase());
  return wallbox && !wallbox.record.deleted_at ? wallbox : notFound();
}

/** A car is plugged in: a boost armed for the next session fires now; otherwise the box waits, idle. */
export function plugIn(store: Store, wallboxId: string): StoredWallbox | Reply {
  const wallbox = byId(store, wallboxId);
  if (isReply(wallbox) || wallbox.record.is_plugged_in === true) return wallbox;
  const record = wallbox.record;
  Object.assign(record, { is_plugged_in: true, is_fully_charged: false, charge_state_last_updated_at: isoTime(store.now()) });
  if (record.boost_for_next_session === true) {
    startBoost(store, record);
    record.boost_for_next_session = false;
  } else record.boost_state = 'available';
  return wallbox;
}

/** The car is unplugged: charging (a boost too) stops; a boost armed for the next session stays armed. */
export function unplug(store: Store, wallboxId: string): StoredWallbox | Reply {
  const wallbox = byId(store, wallboxId);
  if (isReply(wallbox)) return wallbox;
  setCharging(store, wallbox.record, false);
  Object.assign(wallbox.record, { is_plugged_in: false, is_fully_charged: false, charge_time_remaining: null, boost_state: 'unavailable' });
  return wallbox;
}
