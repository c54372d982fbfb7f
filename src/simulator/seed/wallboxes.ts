// The seeded wallboxes: a charger in every state the gateway has to show, from fully populated to
// just claimed, with pending actions, soft-deleted, and from a newer upstream than the gateway knows.
import type { SeedDevice } from '../records.js';
import { WALLBOX } from '../api/wallboxes.js';
import { CLOUD, fromNewerUpstream, lapsed, reauthenticate, retired, seedKind } from './devices.js';
import { anna, giulia, jonas, lukas, oliver, seedId, sofia } from './people.js';

const wallboxes = seedKind({
  spec: WALLBOX,
  noun: 'charger',
  prefix: 'wallbox',
  tag: 'WB',
  since: '2025-09-14T10:22:31Z',
  synced: {
    charge_target_min: 50,
    charge_target_max: 80,
    charge_power_max_w: 11000,
    is_charge_policy_enabled: false,
    minimum_charge_limit: 30,
    is_over_charge_allowed: false,
    charge_rate_w: 0,
    is_fully_charged: false,
    is_plugged_in: false,
    is_charging: false,
    charge_state_last_updated_at: '2026-11-25T06:40:00Z',
    consumption_last_day_kwh: 12.4,
    consumption_last_week_kwh: 71.9,
    consumption_last_month_kwh: 288.35,
    consumption_last_updated_at: '2026-11-25T00:05:00Z',
    needs_gateway: false,
    // Nothing plugged in: nothing to boost. A seed that plugs a car in says what boost can do.
    boost_state: 'unavailable',
    boost_for_next_session: false,
  },
});
const { model } = wallboxes;

export const WALLBOX_IDS = {
  /** Every field populated; plugged in and charging. The demo query's wallbox. */
  full: seedId('wallbox:anna-garage'),
  /** Plugged in and idle, waiting for surplus: a boost starts at once. */
  annaCarport: seedId('wallbox:anna-carport'),
  annaHourly: seedId('wallbox:anna-office'),
  /** Needs the owner to sign in again: a `reauthenticate` action, lifecycle error. */
  reauth: seedId('wallbox:jonas-driveway'),
  /** Only the required fields; everything nullable is null. */
  sparse: seedId('wallbox:jonas-cabin'),
  /** Two pending actions: a known code and one the gateway does not know. */
  twoActions: seedId('wallbox:lukas-garage'),
  /** Soft-deleted: only visible with include_deleted. */
  deleted: seedId('wallbox:lukas-old-keba'),
  /** Plugged in and fully charged: a boost is refused (409 fully_charged). */
  giuliaPaused: seedId('wallbox:giulia-villa'),
  /** Values from a newer upstream: enum values and a field the gateway does not know. */
  newerUpstream: seedId('wallbox:giulia-studio'),
  forcedMode: seedId('wallbox:sofia-garage'),
  sofiaBarn: seedId('wallbox:sofia-barn'),
  oliver: seedId('wallbox:oliver-drive'),
} as const;

/** The seeded wallboxes, in the order the store takes them. */
const SEEDED: SeedDevice[] = [
  wallboxes.synced('anna-garage', anna, model('Easee', 'Charge Lite', 2023, CLOUD.easee), {
    comment: 'Garage, left bay. Customer prefers charging done by 07:00.',
    is_charge_policy_enabled: true,
    charge_policy_last_updated_at: '2026-10-02T18:03:44Z',
    charge_deadline_at: '2026-11-26T06:00:00Z',
    is_over_charge_allowed: true,
    is_trading_enabled: true,
    charge_time_remaining: 138,
    charge_rate_w: 7360.5,
    is_plugged_in: true,
    is_charging: true,
    actual_steering_state: 'charging',
    pause_power_until: '2026-11-24T17:00:00Z',
    inverter_forced_mode_since: '2026-06-01T11:00:00Z',
    lifecycle_error: null,
  }),
  wallboxes.synced('anna-carport', anna, model('go-e', 'Charger Gemini flex 22 kW', 2022, CLOUD.goe), {
    monitoring_status: 'warning',
    charge_power_max_w: 22000,
    is_plugged_in: true,
    boost_state: 'available',
    building: seedId('building:anna-holiday-home'),
    consumption_last_day_kwh: 0,
    optimization_score: 0.41,
  }),
  wallboxes.synced('anna-office', anna, model('Webasto', 'Unite', 2024, CLOUD.ocpp), {
    price_zone: 'AT_HOURLY',
    steering_status: 'warning',
    is_smart_optimization_active: false,
    current_mode: 'manual',
    minimum_charge_limit: 20,
  }),
  wallboxes.synced('jonas-driveway', jonas, model('Zaptec', 'Go', 2023, CLOUD.zaptec), {
    price_zone: 'SE_3',
    ...lapsed('jonas-driveway', 'Zaptec rejected the stored refresh token (invalid_grant).'),
  }),
  // The null-heavy record: what a wallbox looks like right after a claim, before its first sync.
  wallboxes.sparse(WALLBOX_IDS.sparse, jonas, '2026-11-25T21:04:09Z', 'SE_1'),
  wallboxes.synced('lukas-garage', lukas, model('Wallbox', 'Pulsar Plus', 2021, CLOUD.wallbox), {
    price_zone: 'DE_LU',
    connection_status: 'warning',
    is_authenticated: false,
    action_needed: true,
    actions: [
      reauthenticate('lukas-garage'),
      {
        code: 'accept_terms',
        resolution_link: {
          url: `https://app.podero.com/api/partners/v2.0/cues/${seedId('cue:lukas-terms')}/resolve?secret=sim-lukas-terms`,
          required_parameters: ['successUrl', 'cancelUrl', 'language'],
        },
      },
    ],
  }),
  wallboxes.synced('lukas-old-keba', lukas, model('KEBA', 'KeContact P30 c-series', 2019, CLOUD.keba), {
    price_zone: 'DE_LU',
    ...retired('2026-08-30T12:00:00Z'),
    comment: 'Replaced by the Pulsar Plus in August.',
  }),
  wallboxes.synced('giulia-villa', giulia, model('ABB', 'Terra AC W22-T-RD-M-0', 2022, CLOUD.abb), {
    price_zone: 'IT_NORD',
    monitoring_status: 'error',
    pause_power_until: '2026-12-24T08:00:00Z',
    is_pause_power_active: true,
    is_plugged_in: true,
    is_fully_charged: true,
    charge_target_max: 100,
    charge_power_max_w: 22000,
    actual_steering_state: 'paused',
  }),
  wallboxes.synced('giulia-studio', giulia, model('Alfen', 'Eve Single Pro-line', 2024, CLOUD.alfen), {
    steering_status: 'unknown',
    price_zone: 'IT_CALA',
    ...fromNewerUpstream({ code: 'update_firmware', firmware_version: '6.4.0' }, { is_ocpp_connected: true, mode: 'PLUGGED_IN', boost_state: 'available' }),
  }),
  wallboxes.synced('sofia-garage', sofia, model('Tesla', 'Wall Connector Gen 3', 2023, CLOUD.tesla), {
    price_zone: 'PT',
    is_inverter_forced_mode_enabled: true,
    is_inverter_forced_mode_active: true,
    inverter_forced_mode_since: '2026-11-25T10:30:00Z',
    is_plugged_in: true,
    is_charging: true,
    charge_rate_w: 3680,
    charge_time_remaining: 245,
  }),
  wallboxes.synced('sofia-barn', sofia, model('Easee', 'Home', 2021, CLOUD.easee), {
    price_zone: 'PT',
    monitoring_status: 'error',
    steering_status: 'warning',
    connection_status: 'warning',
    needs_gateway: true,
  }),
  wallboxes.synced('oliver-drive', oliver, model('Ohme', 'Home Pro', 2023, CLOUD.ocpp), {
    price_zone: 'UK',
    connection_status: 'unknown',
    monitoring_status: 'unknown',
    charge_power_max_w: 7400,
    is_trading_enabled: true,
  }),
];

/** A copy of its own for every seed: a test that changes its seed changes no other's. */
export function seedWallboxes(): SeedDevice[] {
  return structuredClone(SEEDED);
}
