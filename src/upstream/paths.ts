// Path segments are built only from validated UUIDs: whatever reaches this file, no malformed or
// hostile id ("../", "?x=", "%2F") ever becomes part of an upstream URL.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A UUID as a path segment, lower-cased. Throws (a bug, not bad input: ids are validated before). */
export function uuidSegment(value: string, name: string): string {
  if (!isUuid(value)) throw new TypeError(`Refusing to build a partner API path: ${name} is not a UUID`);
  return value.toLowerCase();
}

/** `/org/{org_id}/users` — the organization's users. */
export function usersPath(orgId: string): string {
  return `/org/${uuidSegment(orgId, 'orgId')}/users`;
}

/** `/org/{org_id}/users/{user_id}` — the prefix of every per-user resource. */
export function userPath(orgId: string, userId: string): string {
  return `${usersPath(orgId)}/${uuidSegment(userId, 'userId')}`;
}

/** The path parameter that follows each collection, as the partner API's reference names it. */
const PARAMETERS: Record<string, string> = {
  org: 'org_id',
  users: 'user_id',
  wallboxes: 'wallbox_id',
  'heat-pumps': 'heat_pump_id',
  'electric-vehicles': 'electric_vehicle_id',
  inverters: 'inverter_id',
  buildings: 'building_id',
  cues: 'cue_id',
  'device-onboarding': 'onboarding_session_id',
};

/**
 * A path's template, for metric labels and span names: every UUID replaced by its parameter name
 * (`/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}`), so a label never holds an id.
 */
export function routeTemplate(path: string): string {
  // Segment by segment rather than one regular expression with a look-behind: every upstream call
  // labels its metric with this, and the expression cost ~2 µs a call (bench/profile.ts).
  const segments = path.split('/');
  for (let i = segments.length - 1; i > 0; i--) {
    const segment = segments[i]!;
    if (segment.length === 36 && isUuid(segment)) segments[i] = `{${PARAMETERS[segments[i - 1]!] ?? 'id'}}`;
  }
  return segments.join('/');
}
