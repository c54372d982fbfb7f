// How the partner API's wallbox JSON maps onto the gateway's values, in one place for every server of
// the benchmark: the GraphQL baselines' resolvers (wallbox-schema.ts) and the floor (floor.ts), which
// answers without GraphQL. This module imports nothing, so the floor loads no graphql-js through it.

export interface WallboxKey {
  orgId: string;
  userId: string;
  id: string;
  includeDeleted: boolean;
}

/** The partner API's wallbox JSON, as far as the benchmark's servers read it. */
export interface UpstreamWallbox {
  id: string;
  connection_status: string;
  monitoring_status: string;
  steering_status: string;
  device_model: { manufacturer: string | null; model: string | null; device_type: { short_name: string; long_name: string | null } };
  owner: { id: string; first_name: string | null; last_name: string | null; external_id: string | null };
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  price_zone: string;
  lifecycle_state: string;
  pause_power_until: string | null;
  is_pause_power_active: boolean;
  is_smart_optimization_active: boolean;
  charge_target_min: number | null;
  charge_target_max: number | null;
  charge_power_max_w: number;
  minimum_charge_limit: number | null;
  charge_deadline_at: string | null;
  charge_rate_w: number | null;
  is_fully_charged: boolean | null;
  is_plugged_in: boolean | null;
  is_charging: boolean | null;
  consumption_last_day_kwh: number | null;
  consumption_last_week_kwh: number | null;
  consumption_last_month_kwh: number | null;
  boost_state: string | null;
  boost_for_next_session: boolean | null;
  action_needed: boolean;
  actions: UpstreamAction[];
}

export interface UpstreamAction {
  code: string;
  resolution_link: { url: string; required_parameters: string[] } | null;
}

/** The PriceZone enum's values (the SDL's enum is written from this list). */
export const PRICE_ZONES: readonly string[] = [
  'AT', 'AT_HOURLY', 'BE', 'CH', 'EE', 'DE_LU', 'HU', 'IT_CNOR', 'IT_CSUD', 'IT_NORD', 'IT_PUN', 'IT_SARD',
  'IT_SICI', 'IT_SUD', 'PT', 'RO', 'SE_1', 'SE_2', 'SE_3', 'SE_4', 'UK',
];

const DEVICE_STATUSES = new Set(['OK', 'WARNING', 'ERROR']);
const BOOST_STATES = new Set(['AVAILABLE', 'REQUESTED', 'ONGOING', 'UNAVAILABLE']);
const PRICE_ZONE_SET = new Set(PRICE_ZONES);

/** A status upstream added after the baselines' schema (wallbox-schema.ts) was written is UNKNOWN, not an error. */
function knownOr(known: Set<string>, value: string | null): string | null {
  if (value === null) return null;
  const name = value.toUpperCase();
  return known.has(name) ? name : 'UNKNOWN';
}

export const deviceStatus = (value: string): string => knownOr(DEVICE_STATUSES, value)!;
export const boostState = (value: string | null): string | null => knownOr(BOOST_STATES, value);
/** A price zone this schema does not know is null (the field is nullable), as the gateway answers it. */
export const priceZone = (value: string): string | null => (PRICE_ZONE_SET.has(value) ? value : null);
/** The concrete type of an action: the only code the schema knows is `reauthenticate`. */
export const actionTypename = (action: UpstreamAction): 'ReauthenticateAction' | 'UnknownAction' =>
  action.code === 'reauthenticate' ? 'ReauthenticateAction' : 'UnknownAction';
