// Deterministic seed data for the simulator: one organization, its users and their wallboxes, as the
// partner API would answer them (snake_case JSON). Ids are derived from names, so they are the same on
// every machine and every run; the README and the demo query use them.
import { createHash } from 'node:crypto';

export type Json = Record<string, unknown>;

/** A stable UUID (version 5 layout) derived from a name. */
export function seedId(name: string): string {
  const h = createHash('sha1').update(`podero-simulator:${name}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface SeedUser {
  orgId: string;
  record: Json;
}

export interface SeedWallbox {
  orgId: string;
  userId: string;
  record: Json;
}

export interface Seed {
  orgId: string;
  users: SeedUser[];
  wallboxes: SeedWallbox[];
}

export const ORG_ID = seedId('org:voltwerk-energie');
const NEVER = '0001-01-01T00:00:00Z';

const CLOUD = {
  easee: seedId('cloud:easee'),
  goe: seedId('cloud:go-e'),
  zaptec: seedId('cloud:zaptec'),
  wallbox: seedId('cloud:wallbox-myWallbox'),
  keba: seedId('cloud:keba'),
  abb: seedId('cloud:abb-chargersync'),
  alfen: seedId('cloud:alfen'),
  tesla: seedId('cloud:tesla'),
  ocpp: seedId('cloud:podero-ocpp'),
};

interface Person {
  key: string;
  first: string;
  last: string;
  email: string;
  externalId: string | null;
  street: string;
  zip: string;
  town: string;
  country: string;
  lat: number;
  lon: number;
}

const PEOPLE: Person[] = [
  { key: 'anna', first: 'Anna', last: 'Berger', email: 'anna.berger@example.at', externalId: 'VW-100231', street: 'Mariahilfer Straße 88', zip: '1070', town: 'Wien', country: 'AT', lat: 48.1985, lon: 16.3459 },
  { key: 'jonas', first: 'Jonas', last: 'Lindqvist', email: 'jonas.lindqvist@example.se', externalId: 'VW-100232', street: 'Storgatan 14', zip: '722 12', town: 'Västerås', country: 'SE', lat: 59.6099, lon: 16.5448 },
  { key: 'lukas', first: 'Lukas', last: 'Hofmann', email: 'l.hofmann@example.de', externalId: 'VW-100233', street: 'Lindenallee 3', zip: '50968', town: 'Köln', country: 'DE', lat: 50.9073, lon: 6.9619 },
  { key: 'giulia', first: 'Giulia', last: 'Romano', email: 'giulia.romano@example.it', externalId: null, street: 'Via Solferino 21', zip: '20121', town: 'Milano', country: 'IT', lat: 45.4781, lon: 9.1866 },
  { key: 'sofia', first: 'Sofia', last: 'Ferreira', email: 'sofia.ferreira@example.pt', externalId: 'VW-100235', street: 'Rua de Santa Catarina 512', zip: '4000-446', town: 'Porto', country: 'PT', lat: 41.1496, lon: -8.6067 },
  { key: 'oliver', first: 'Oliver', last: 'Hughes', email: 'oliver.hughes@example.co.uk', externalId: 'VW-100236', street: '27 Mill Lane', zip: 'CB2 1RX', town: 'Cambridge', country: 'GB', lat: 52.2011, lon: 0.1181 },
];

export const USER_IDS = Object.fromEntries(PEOPLE.map((p) => [p.key, seedId(`user:${p.key}`)])) as Record<string, string>;

function userRecord(p: Person): Json {
  return {
    id: USER_IDS[p.key],
    external_user_id: p.externalId,
    role: 'user',
    email: p.email,
    first_name: p.first,
    last_name: p.last,
    street_and_number: p.street,
    street_add_info: null,
    zip_code: p.zip,
    town: p.town,
    country: p.country,
    latitude: p.lat,
    longitude: p.lon,
    location_last_updated: '2026-03-02T09:15:00Z',
  };
}

function owner(p: Person): Json {
  return { id: USER_IDS[p.key], email: p.email, first_name: p.first, last_name: p.last, external_id: p.externalId };
}

function deviceModel(manufacturer: string, model: string, year: number, cloud: string): Json {
  return {
    device_type: { short_name: 'wb', long_name: 'Wallbox' },
    manufacturer,
    model,
    cloud_service_instructions: `Sign in with the ${manufacturer} account the charger is registered to.`,
    cloud_service_signup_link: `https://connect.podero.com/cloud/${manufacturer.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    year,
    cloud_service: cloud,
  };
}

/** A device model before the manufacturer's cloud told anything about it. */
const UNKNOWN_MODEL: Json = {
  device_type: { short_name: 'wb', long_name: 'Wallbox' },
  manufacturer: null,
  model: null,
  cloud_service_instructions: null,
  cloud_service_signup_link: null,
  year: null,
  cloud_service: null,
};

/**
 * The least a wallbox record holds: its required fields, upstream's defaults for the non-nullable
 * ones, and null for everything else — a charger right after it was claimed, before its first sync.
 * Every wallbox record the simulator makes starts from this one, so each lists only what differs.
 */
export function blankWallbox(id: string, owner: Json, createdAt: string, priceZone: string): Json {
  return {
    connection_status: 'unknown',
    monitoring_status: 'unknown',
    steering_status: 'unknown',
    device_model: structuredClone(UNKNOWN_MODEL),
    owner,
    created_at: createdAt,
    updated_at: createdAt,
    price_zone: priceZone,
    id,
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
    embeddable_url: null,
    authorization_url: null,
    boost_state: null,
    boost_for_next_session: null,
    action_needed: false,
    actions: [],
  };
}

/** A fully populated wallbox record; each seed below overrides what makes it different. */
function wallbox(key: string, p: Person, model: Json, overrides: Json): Json {
  const id = seedId(`wallbox:${key}`);
  return {
    ...blankWallbox(id, owner(p), '2025-09-14T10:22:31Z', 'AT'),
    connection_status: 'ok',
    monitoring_status: 'ok',
    steering_status: 'ok',
    device_model: model,
    updated_at: '2026-11-25T06:40:12Z',
    building: seedId(`building:${p.key}`),
    external_device_id: `VW-WB-${key.toUpperCase()}`,
    is_authenticated: true,
    is_smart_optimization_active: true,
    optimization_score: 0.82,
    current_mode: 'smart',
    current_state_last_updated_at: '2026-11-25T06:40:00Z',
    last_monitoring_executed_at: '2026-11-25T06:35:00Z',
    inverter_forced_mode_since: NEVER,
    actual_steering_state: 'idle',
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
    embeddable_url: `https://connect.podero.com/embed/wallboxes/${id}`,
    authorization_url: 'https://app.podero.com/oauth2/authorize/',
    // Nothing plugged in: nothing to boost. A seed that plugs a car in says what boost can do.
    boost_state: 'unavailable',
    boost_for_next_session: false,
    ...overrides,
  };
}

function reauthenticate(cue: string): Json {
  const cueId = seedId(`cue:${cue}`);
  return {
    code: 'reauthenticate',
    resolution_link: {
      url: `https://app.podero.com/api/partners/v2.0/cues/${cueId}/resolve?secret=sim-${cue}`,
      required_parameters: ['successUrl', 'cancelUrl'],
    },
  };
}

const [anna, jonas, lukas, giulia, sofia, oliver] = PEOPLE as [Person, Person, Person, Person, Person, Person];

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

export function createSeed(): Seed {
  const wb = (p: Person, record: Json): SeedWallbox => ({ orgId: ORG_ID, userId: USER_IDS[p.key]!, record });
  return {
    orgId: ORG_ID,
    users: PEOPLE.map((p) => ({ orgId: ORG_ID, record: userRecord(p) })),
    wallboxes: [
      wb(
        anna,
        wallbox('anna-garage', anna, deviceModel('Easee', 'Charge Lite', 2023, CLOUD.easee), {
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
      ),
      wb(
        anna,
        wallbox('anna-carport', anna, deviceModel('go-e', 'Charger Gemini flex 22 kW', 2022, CLOUD.goe), {
          monitoring_status: 'warning',
          charge_power_max_w: 22000,
          is_plugged_in: true,
          boost_state: 'available',
          building: seedId('building:anna-holiday-home'),
          consumption_last_day_kwh: 0,
          optimization_score: 0.41,
        }),
      ),
      wb(
        anna,
        wallbox('anna-office', anna, deviceModel('Webasto', 'Unite', 2024, CLOUD.ocpp), {
          price_zone: 'AT_HOURLY',
          steering_status: 'warning',
          is_smart_optimization_active: false,
          current_mode: 'manual',
          minimum_charge_limit: 20,
        }),
      ),
      wb(
        jonas,
        wallbox('jonas-driveway', jonas, deviceModel('Zaptec', 'Go', 2023, CLOUD.zaptec), {
          price_zone: 'SE_3',
          connection_status: 'error',
          steering_status: 'error',
          monitoring_status: 'unknown',
          lifecycle_state: 'error',
          lifecycle_error: 'Zaptec rejected the stored refresh token (invalid_grant).',
          is_authenticated: false,
          actual_steering_state: 'unknown',
          action_needed: true,
          actions: [reauthenticate('jonas-driveway')],
        }),
      ),
      wb(jonas, {
        // The null-heavy record: what a wallbox looks like right after a claim, before its first sync.
        ...blankWallbox(WALLBOX_IDS.sparse, { id: USER_IDS.jonas, email: null, first_name: null, last_name: null, external_id: null }, '2026-11-25T21:04:09Z', 'SE_1'),
        device_model: { ...UNKNOWN_MODEL, device_type: { short_name: 'wb', long_name: null } },
        lifecycle_state: 'pending',
      }),
      wb(
        lukas,
        wallbox('lukas-garage', lukas, deviceModel('Wallbox', 'Pulsar Plus', 2021, CLOUD.wallbox), {
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
      ),
      wb(
        lukas,
        wallbox('lukas-old-keba', lukas, deviceModel('KEBA', 'KeContact P30 c-series', 2019, CLOUD.keba), {
          price_zone: 'DE_LU',
          deleted_at: '2026-08-30T12:00:00Z',
          connection_status: 'error',
          is_smart_optimization_active: false,
          comment: 'Replaced by the Pulsar Plus in August.',
        }),
      ),
      wb(
        giulia,
        wallbox('giulia-villa', giulia, deviceModel('ABB', 'Terra AC W22-T-RD-M-0', 2022, CLOUD.abb), {
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
      ),
      wb(
        giulia,
        wallbox('giulia-studio', giulia, deviceModel('Alfen', 'Eve Single Pro-line', 2024, CLOUD.alfen), {
          // A record from a newer upstream than the gateway was written for.
          connection_status: 'degraded',
          steering_status: 'unknown',
          price_zone: 'IT_CALA',
          is_ocpp_connected: true,
          mode: 'PLUGGED_IN',
          boost_state: 'available',
          actions: [{ code: 'update_firmware', resolution_link: null, firmware_version: '6.4.0' }],
          action_needed: true,
        }),
      ),
      wb(
        sofia,
        wallbox('sofia-garage', sofia, deviceModel('Tesla', 'Wall Connector Gen 3', 2023, CLOUD.tesla), {
          price_zone: 'PT',
          is_inverter_forced_mode_enabled: true,
          is_inverter_forced_mode_active: true,
          inverter_forced_mode_since: '2026-11-25T10:30:00Z',
          is_plugged_in: true,
          is_charging: true,
          charge_rate_w: 3680,
          charge_time_remaining: 245,
        }),
      ),
      wb(
        sofia,
        wallbox('sofia-barn', sofia, deviceModel('Easee', 'Home', 2021, CLOUD.easee), {
          price_zone: 'PT',
          monitoring_status: 'error',
          steering_status: 'warning',
          connection_status: 'warning',
          needs_gateway: true,
        }),
      ),
      wb(
        oliver,
        wallbox('oliver-drive', oliver, deviceModel('Ohme', 'Home Pro', 2023, CLOUD.ocpp), {
          price_zone: 'UK',
          connection_status: 'unknown',
          monitoring_status: 'unknown',
          charge_power_max_w: 7400,
          is_trading_enabled: true,
        }),
      ),
    ],
  };
}
