// The wallbox endpoints of the partner API: the detail and the partial update (devices.ts), the
// re-authentication session, and boost (charging.ts). The docs show no wallbox list. This file holds
// what only wallboxes have, and the wallboxes a benchmark has synthesized on the fly.
// https://developers.podero.com/api-reference/user-wallboxes/get-details-about-a-users-wallbox
// https://developers.podero.com/api-reference/user-wallboxes/update-details-of-a-users-wallbox
import { authSessionRoute, devicePath, deviceRoutes, utc, type DeviceKindSpec } from './devices.js';
import { boostRoutes, CHARGE_POLICY_RULES, CHARGE_TARGETS, IS_CHARGE_POLICY_ENABLED, type Charger } from './charging.js';
import type { Route } from '../http.js';
import type { Json } from '../records.js';
import type { Store } from '../store.js';
import { boolean, dateTime, integer } from '../validate.js';

export const WALLBOX: DeviceKindSpec = {
  kind: 'wallbox',
  collection: 'wallboxes',
  idParam: 'wallbox_id',
  listed: false,
  deviceType: { short_name: 'wb', long_name: 'Wallbox' },
  blank: {
    charge_target_min: null,
    charge_target_max: null,
    charge_power_max_w: 7000,
    is_charge_policy_enabled: null,
    charge_policy_last_updated_at: null,
    minimum_charge_limit: null,
    charge_deadline_at: null,
    is_over_charge_allowed: null,
    charge_time_remaining: null,
    charge_rate_w: null,
    is_fully_charged: null,
    is_plugged_in: null,
    is_charging: null,
    charge_state_last_updated_at: null,
    consumption_last_day_kwh: null,
    consumption_last_week_kwh: null,
    consumption_last_month_kwh: null,
    consumption_last_updated_at: null,
    needs_gateway: null,
  },
  boost: true,
  writable: {
    ...CHARGE_TARGETS,
    charge_power_max_w: { check: integer({ gt: 0 }) },
    charge_deadline_at: { check: dateTime, nullable: true, normalize: utc },
    is_charge_policy_enabled: IS_CHARGE_POLICY_ENABLED,
    is_over_charge_allowed: { check: boolean, nullable: true },
  },
  ...CHARGE_POLICY_RULES,
};

/** A wallbox boosts at its own maximum power; the car reports when it is full. */
export const WALLBOX_CHARGER: Charger = {
  boostPowerW: (record) => record.charge_power_max_w as number,
  chargeStateStamp: 'charge_state_last_updated_at',
  isFull: (record) => record.is_fully_charged === true,
  // "Cancel a live boost and disarm a boost armed for the next session"
  // (https://developers.podero.com/api-reference/user-wallboxes/cancel-a-live-boost-and-disarm-a-boost-armed-for-the-next-session).
  unboostStopsLiveBoost: true,
  pluggedIn: (_store, device) => void (device.record.is_fully_charged = false),
  unplugged: (_store, device) => void Object.assign(device.record, { is_fully_charged: false, charge_time_remaining: null }),
};

/** The record the wallbox detail GET answers for a wallbox the simulator does not hold (undefined: none, a 404). */
export type WallboxSynthesizer = (key: { orgId: string; userId: string; wallboxId: string }) => Json | undefined;

export function wallboxRoutes(store: Store, apiBase: () => string, synthesize?: WallboxSynthesizer): Route[] {
  const detail = `GET ${devicePath(WALLBOX)}`;
  const routes = deviceRoutes(store, WALLBOX, apiBase).map((route) => (synthesize && route.name === detail ? orSynthesized(store, route, synthesize) : route));
  return [...routes, ...boostRoutes(store, WALLBOX, WALLBOX_CHARGER), authSessionRoute(store, WALLBOX)];
}

/** The wallbox GET, answering a synthesized record where it would 404 for an id it does not hold. */
function orSynthesized(store: Store, route: Route, synthesize: WallboxSynthesizer): Route {
  return {
    ...route,
    handle: async (ctx) => {
      const reply = await route.handle(ctx);
      const [orgId, userId, wallboxId] = ctx.params as [string, string, string];
      if (reply.status !== 404 || store.devices.has(wallboxId.toLowerCase())) return reply;
      const record = synthesize({ orgId, userId, wallboxId });
      return record ? { status: 200, body: record } : reply;
    },
  };
}
