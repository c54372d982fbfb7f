// An EV's charging sessions: plugging in starts one, unplugging completes it; the completed ones are
// listed by date range with limit/offset paging. The simulator does not model the battery filling: a
// session that ends in the simulator reports the battery level the EV shows at that moment.
// https://developers.podero.com/api-reference/electric-vehicle-sessions/list-completed-charging-sessions-for-an-electric-vehicle
// https://developers.podero.com/api-reference/electric-vehicle-sessions/get-the-currently-active-charging-session-for-an-electric-vehicle
import { randomUUID } from 'node:crypto';
import { ok, unprocessable, type Reply } from '../http.js';
import type { ChargingSessions, Json, StoredDevice } from '../records.js';
import { isoTime, type Store } from '../store.js';
import { dateParam, intParam, queryParam } from '../validate.js';

/** Every SessionItem field, in upstream's order, null unless given. */
export function sessionItem(fields: Json): Json {
  return {
    id: null,
    plug_in_time: null,
    unplug_time: null,
    inferred_session_end: null,
    desired_charging_start_time: null,
    desired_charging_end_time: null,
    charge_deadline: null,
    target_soc_pct: null,
    initial_soc_pct: null,
    final_soc_pct: null,
    energy_charged_kwh: null,
    avg_charge_power_kw: null,
    peak_charge_power_kw: null,
    actual_cost_eur: null,
    expected_savings_eur: null,
    actual_savings_eur: null,
    is_at_home: null,
    session_outcome: null,
    ...fields,
  };
}

/**
 * The outcome of a completed session. Only `not_at_home` is documented; `completed` (a session at home
 * that ended normally) is the simulator's assumption for the rest of the enum, which is not visible.
 */
export const SESSION_OUTCOMES = { home: 'completed', away: 'not_at_home' } as const;

function sessionsOf(store: Store, device: StoredDevice): ChargingSessions {
  const id = String(device.record.id);
  let sessions = store.sessions.get(id);
  if (!sessions) store.sessions.set(id, (sessions = { completed: [], current: null }));
  return sessions;
}

/** The EV is plugged in (at home or elsewhere): a session starts, aiming at the EV's charge target. */
export function startSession(store: Store, device: StoredDevice, atHome: boolean, deadline: string | null): void {
  const record = device.record;
  sessionsOf(store, device).current = sessionItem({
    id: randomUUID(),
    plug_in_time: isoTime(store.now()),
    charge_deadline: atHome ? deadline : null,
    target_soc_pct: record.charge_target_max ?? null,
    initial_soc_pct: record.battery_level ?? null,
    energy_charged_kwh: 0,
    is_at_home: atHome,
  });
}

/** The EV is unplugged: the session under way, if any, completes and becomes the newest listed. */
export function endSession(store: Store, device: StoredDevice): void {
  const sessions = sessionsOf(store, device);
  const current = sessions.current;
  if (!current) return;
  const now = isoTime(store.now());
  sessions.completed.unshift({
    ...current,
    unplug_time: now,
    inferred_session_end: now,
    final_soc_pct: device.record.battery_level ?? null,
    session_outcome: current.is_at_home === false ? SESSION_OUTCOMES.away : SESSION_OUTCOMES.home,
  });
  sessions.current = null;
}

/** Whether the EV is plugged in somewhere Podero does not steer (a session away from home). */
export function awayFromHome(store: Store, device: StoredDevice): boolean {
  return device.record.is_plugged_in === true && store.sessions.get(String(device.record.id))?.current?.is_at_home === false;
}

/**
 * `GET …/sessions?from&to&limit&offset`: completed sessions whose plug-in falls on a UTC date from
 * `from` to `to` (both inclusive, both required), newest first, with the total before paging.
 */
export function listSessions(store: Store, device: StoredDevice, query: URLSearchParams): Reply {
  const from = queryParam(query, 'from', dateParam);
  const to = queryParam(query, 'to', dateParam);
  const limit = queryParam(query, 'limit', intParam({ ge: 1, le: 200 }), 50);
  const offset = queryParam(query, 'offset', intParam({ ge: 0 }), 0);
  const problems = [from, to, limit, offset].flatMap((p) => p.problems);
  if (from.value && to.value && from.value > to.value) {
    problems.push({ type: 'value_error', loc: ['query', 'from'], msg: 'Value error, from must not be after to' });
  }
  if (problems.length > 0) return unprocessable(problems);
  const matching = sessionsOf(store, device)
    .completed.filter((s) => {
      const day = String(s.plug_in_time).slice(0, 10);
      return day >= from.value! && day <= to.value!;
    })
    .sort((a, b) => Date.parse(String(b.plug_in_time)) - Date.parse(String(a.plug_in_time)));
  return ok({ total: matching.length, items: matching.slice(offset.value, offset.value! + limit.value!) });
}

/**
 * `GET …/sessions/current`: `{session}` while the EV is plugged in. With no session under way the
 * docs show no answer; the simulator answers `{session: null}` (200), not a 404.
 */
export function currentSession(store: Store, device: StoredDevice): Reply {
  return ok({ session: structuredClone(sessionsOf(store, device).current) });
}
