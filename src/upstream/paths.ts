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

/** `/org/{org_id}/users/{user_id}` — the prefix of every per-user resource. */
export function userPath(orgId: string, userId: string): string {
  return `/org/${uuidSegment(orgId, 'orgId')}/users/${uuidSegment(userId, 'userId')}`;
}
