// What the seeded devices of every kind have in common: the manufacturer clouds, the device model, the
// common fields of a device that is connected and in sync, a pending re-authentication, and the
// helpers each kind's seed is written with.
import type { Json, SeedDevice } from '../records.js';
import { blankDevice, type DeviceKindSpec } from '../api/devices.js';
import { ORG_ID, owner, seedId, USER_IDS, type Person } from './people.js';

export const NEVER = '0001-01-01T00:00:00Z';

export const CLOUD = {
  easee: seedId('cloud:easee'),
  goe: seedId('cloud:go-e'),
  zaptec: seedId('cloud:zaptec'),
  wallbox: seedId('cloud:wallbox-myWallbox'),
  keba: seedId('cloud:keba'),
  abb: seedId('cloud:abb-chargersync'),
  alfen: seedId('cloud:alfen'),
  tesla: seedId('cloud:tesla'),
  ocpp: seedId('cloud:podero-ocpp'),
  vaillant: seedId('cloud:vaillant-myvaillant'),
  viessmann: seedId('cloud:viessmann-vicare'),
  daikin: seedId('cloud:daikin-onecta'),
  nibe: seedId('cloud:nibe-myuplink'),
  volkswagen: seedId('cloud:volkswagen-we-connect'),
  renault: seedId('cloud:renault-my-renault'),
  bmw: seedId('cloud:bmw-connected-drive'),
  nissan: seedId('cloud:nissan-connect'),
  fronius: seedId('cloud:fronius-solarweb'),
  sma: seedId('cloud:sma-sunny-portal'),
  huawei: seedId('cloud:huawei-fusionsolar'),
  enphase: seedId('cloud:enphase-enlighten'),
};

/** A device model as upstream describes it; `noun` is what the owner calls the device. */
function deviceModel(deviceType: Json, noun: string, manufacturer: string, model: string, year: number, cloud: string): Json {
  return {
    device_type: deviceType,
    manufacturer,
    model,
    cloud_service_instructions: `Sign in with the ${manufacturer} account the ${noun} is registered to.`,
    cloud_service_signup_link: `https://connect.podero.com/cloud/${manufacturer.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    year,
    cloud_service: cloud,
  };
}


/**
 * The common fields of a device that is connected, authenticated and in sync; a kind's seed adds its
 * own fields and each device overrides what makes it different.
 */
function connected(id: string, p: Person, model: Json, externalId: string, collection: string): Json {
  return {
    connection_status: 'ok',
    monitoring_status: 'ok',
    steering_status: 'ok',
    device_model: model,
    updated_at: '2026-11-25T06:40:12Z',
    building: seedId(`building:${p.key}`),
    external_device_id: externalId,
    is_authenticated: true,
    is_smart_optimization_active: true,
    optimization_score: 0.82,
    current_mode: 'smart',
    current_state_last_updated_at: '2026-11-25T06:40:00Z',
    last_monitoring_executed_at: '2026-11-25T06:35:00Z',
    inverter_forced_mode_since: NEVER,
    actual_steering_state: 'idle',
    embeddable_url: `https://connect.podero.com/embed/${collection}/${id}`,
    authorization_url: 'https://app.podero.com/oauth2/authorize/',
  };
}

/** A `reauthenticate` action whose link names a cue (the simulator serves it with its own secret). */
export function reauthenticate(cue: string): Json {
  const cueId = seedId(`cue:${cue}`);
  return {
    code: 'reauthenticate',
    resolution_link: {
      url: `https://app.podero.com/api/partners/v2.0/cues/${cueId}/resolve?secret=sim-${cue}`,
      required_parameters: ['successUrl', 'cancelUrl'],
    },
  };
}

/** The lifecycle of a device whose manufacturer link lapsed: the owner must sign in again. */
export function lapsed(cue: string, error: string): Json {
  return {
    connection_status: 'error',
    steering_status: 'error',
    monitoring_status: 'unknown',
    lifecycle_state: 'error',
    lifecycle_error: error,
    is_authenticated: false,
    actual_steering_state: 'unknown',
    action_needed: true,
    actions: [reauthenticate(cue)],
  };
}

/** The owner as a device knows them before its first sync: only the id. */
function sparseOwner(p: Person): Json {
  return { id: USER_IDS[p.key], email: null, first_name: null, last_name: null, external_id: null };
}

/** A seeded device as the store takes it: the record and who owns it. */
function owned(p: Person, record: Json): SeedDevice {
  return { orgId: ORG_ID, userId: USER_IDS[p.key]!, record };
}

/** How one kind's devices are seeded. */
export interface SeedKind {
  spec: DeviceKindSpec;
  /** What the owner calls the device ("charger", "heat pump", ...). */
  noun: string;
  /** The kind's prefix in seeded ids: `seedId("<prefix>:<key>")`. */
  prefix: string;
  /** The kind's tag in external ids: "VW-<tag>-<KEY>". */
  tag: string;
  /** When the kind's devices were connected, unless a seed says otherwise. */
  since: string;
  /** The kind's own fields on a device that is connected and in sync. */
  synced: Json;
}

/** The helpers a kind's seed is written with. */
export function seedKind(kind: SeedKind) {
  return {
    model: (manufacturer: string, model: string, year: number, cloud: string) =>
      deviceModel(structuredClone(kind.spec.deviceType), kind.noun, manufacturer, model, year, cloud),
    /** A device of `p` that is connected and in sync; `overrides` make it different. */
    synced(key: string, p: Person, model: Json, overrides: Json = {}): SeedDevice {
      const id = seedId(`${kind.prefix}:${key}`);
      return owned(p, {
        ...blankDevice(kind.spec, { id, owner: owner(p), createdAt: kind.since, priceZone: 'AT' }),
        ...connected(id, p, model, `VW-${kind.tag}-${key.toUpperCase()}`, kind.spec.collection),
        ...kind.synced,
        ...overrides,
      });
    },
    /** The null-heavy record: right after it was connected, before its first sync — not even the type's long name. */
    sparse(id: string, p: Person, createdAt: string, priceZone: string): SeedDevice {
      const blank = blankDevice(kind.spec, { id, owner: sparseOwner(p), createdAt, priceZone });
      const model = blank.device_model as Json;
      const type = model.device_type as Json;
      return owned(p, { ...blank, device_model: { ...model, device_type: { short_name: type.short_name, long_name: null } }, lifecycle_state: 'pending' });
    },
  };
}

/** A device its owner replaced: soft-deleted, disconnected, no longer optimised. */
export function retired(deletedAt: string): Json {
  return { deleted_at: deletedAt, connection_status: 'error', is_smart_optimization_active: false };
}

/**
 * What an upstream newer than the gateway may send: a status value and an action code the gateway does
 * not know (the action without a link, so it is served as seeded), and the kind's own unknowns.
 */
export function fromNewerUpstream({ code, ...actionFields }: Json, unknowns: Json): Json {
  // `code` first, as a rendered action has it (api/cues.ts).
  return { connection_status: 'degraded', ...unknowns, actions: [{ code, resolution_link: null, ...actionFields }], action_needed: true };
}
