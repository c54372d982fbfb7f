// What the gateway must answer for an upstream device record, derived here from the simulator's JSON
// independently of src/upstream, and a selection of every field of a type built from the schema, so no
// field can be left out. Shared by the field-by-field read tests of every device kind.
import { expect } from 'vitest';
import { getNamedType, isInterfaceType, isObjectType, type GraphQLNamedType } from 'graphql';
import { schema } from '../../src/schema/index.js';
import type { Json } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { STATIC_TOKEN } from './stack.js';

/** What upstream really answers, over HTTP, with the simulator's own token (`path` below the API URL). */
export async function upstreamJson<T = Json>(sim: Simulator, path: string): Promise<T> {
  const response = await fetch(`${sim.apiUrl.href}${path}`, { headers: { authorization: `Bearer ${STATIC_TOKEN}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** The gateway's naming rule: camelCase, and a bare UUID reference gets an `Id` suffix. */
const RENAMED: Record<string, string> = { building: 'buildingId', cloud_service: 'cloudServiceId' };
export const camel = (key: string) => RENAMED[key] ?? key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const STATUSES = ['ok', 'warning', 'error', 'unknown'];
const BOOST_STATES = ['available', 'requested', 'ongoing', 'unavailable'];
const OPTIMIZATION_LEVELS = ['Low', 'Mid', 'Max'];
const PRICE_ZONES = new Set(['AT', 'AT_HOURLY', 'BE', 'CH', 'EE', 'DE_LU', 'HU', 'IT_CNOR', 'IT_CSUD', 'IT_NORD', 'IT_PUN', 'IT_SARD', 'IT_SICI', 'IT_SUD', 'PT', 'RO', 'SE_1', 'SE_2', 'SE_3', 'SE_4', 'UK']);
const isDateKey = (key: string) => /(_at|_until|_since)$/.test(key) || key === 'away_mode_start' || key === 'away_mode_end';
/** A date-time as the gateway serves it; upstream's zero time ("0001-01-01T00:00:00Z") is null. */
export const iso = (value: unknown) => (value == null || (value as string).startsWith('0001-01-01') ? null : new Date(value as string).toISOString());
const upper = (value: unknown, known: string[]) => (value == null ? null : known.includes(value as string) ? (value as string).toUpperCase() : 'UNKNOWN');

/**
 * What the gateway must answer for one upstream device record, field by field of `keys`. `timesOfDay`
 * names keys that look like date-times but are served as text: the EV's `charge_deadline_at` is a
 * local time of day ("07:30"), where the wallbox's is a date-time.
 */
export function expectedDevice(record: Json, keys: readonly string[], timesOfDay: readonly string[] = []): Json {
  const out: Json = {};
  for (const key of keys) {
    const value = record[key];
    const name = camel(key);
    if (key.endsWith('_status')) out[name] = STATUSES.includes(value as string) ? (value as string).toUpperCase() : 'UNKNOWN';
    else if (key === 'boost_state') out[name] = upper(value, BOOST_STATES);
    else if (key === 'optimization_level') out[name] = upper(value, OPTIMIZATION_LEVELS);
    else if (key === 'price_zone') out[name] = PRICE_ZONES.has(value as string) ? value : null;
    else if (isDateKey(key) && !timesOfDay.includes(key)) out[name] = iso(value);
    else if (key === 'device_model') {
      const m = value as Json;
      const type = m.device_type as Json;
      out[name] = {
        deviceType: { shortName: type.short_name, longName: type.long_name ?? null },
        ...Object.fromEntries(['manufacturer', 'model', 'cloud_service_instructions', 'cloud_service_signup_link', 'year', 'cloud_service'].map((k) => [camel(k), m[k] ?? null])),
      };
    } else if (key === 'owner') out[name] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [camel(k), v]));
    else if (key === 'actions') {
      out[name] = (value as Json[]).map((a) => {
        const link = a.resolution_link as Json | null;
        const resolutionLink = link ? { url: link.url, requiredParameters: link.required_parameters } : null;
        return a.code === 'reauthenticate' && link
          ? { __typename: 'ReauthenticateAction', code: a.code, resolutionLink }
          : { __typename: 'UnknownAction', code: a.code, resolutionLink };
      });
    } else out[name] = value ?? null;
  }
  return out;
}

/**
 * Fields that are not a type's own upstream fields but lead to other resources (each tested on its own):
 * a device's building (its own field is `buildingId`) and sub-resources; on Owner, what only the user
 * endpoints answer and the owner's device lists.
 */
export const RELATED: Record<string, (name: string) => boolean> = {
  Wallbox: (name) => name === 'building',
  HeatPump: (name) => ['building', 'statistics'].includes(name),
  ElectricVehicle: (name) => ['building', 'sessions', 'currentSession', 'chargePolicy'].includes(name),
  Inverter: (name) => name === 'building',
  Owner: (name) => !['id', 'email', 'firstName', 'lastName', 'externalId'].includes(name),
};

/**
 * A selection of every field of a type but the RELATED ones and those needing arguments (Owner.wallbox
 * leads back to a wallbox). Fields of an interface's implementations are aliased `Type__field`, so
 * each implementation's fields are selected whatever their types; `unalias` undoes it.
 */
export function selection(type: GraphQLNamedType, aliasPrefix = ''): string {
  if (isInterfaceType(type)) {
    const impls = schema.getPossibleTypes(type).map((t) => `... on ${t.name} ${selection(t, `${t.name}__`)}`);
    return `{ __typename ${impls.join(' ')} }`;
  }
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields())
    .filter((f) => f.args.length === 0 && !RELATED[type.name]?.(f.name))
    .map((f) => `${aliasPrefix ? `${aliasPrefix}${f.name}: ` : ''}${f.name} ${selection(getNamedType(f.type))}`);
  return `{ ${fields.join(' ')} }`;
}

export function unalias(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unalias);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/^[A-Za-z]+__/, ''), unalias(v)]));
}
