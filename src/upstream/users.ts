// The user resource (digest §3 #1, #3, §3.2): a user as a device owner. The device detail responses
// embed the same person as `owner` (`external_id`), the user endpoints name that field
// `external_user_id`; both map to Owner here.
import type { ApiSession } from './client.js';
import { Fields } from './decode.js';
import { UpstreamError } from './errors.js';
import { userPath, uuidSegment } from './paths.js';

export interface Owner {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  externalId: string | null;
}

export interface UserKey {
  orgId: string;
  userId: string;
}

/** `GET /org/{org_id}/users/{user_id}` */
export function fetchUser(api: ApiSession, key: UserKey): Promise<Owner> {
  return api.read({ path: userPath(key.orgId, key.userId), resource: `user ${key.userId.toLowerCase()}` }, (body) =>
    decodeOwner(Fields.of(body, 'user', api.reportUnknown), 'external_user_id'),
  );
}

/** `GET /org/{org_id}/users`: every (not deleted) user of the organization, as one bare array. */
export function fetchUsers(api: ApiSession, orgId: string): Promise<Owner[]> {
  const org = uuidSegment(orgId, 'orgId');
  return api.read({ path: `/org/${org}/users`, resource: `the users of organization ${org}` }, (body) => {
    if (!Array.isArray(body)) throw new UpstreamError('UPSTREAM_ERROR', 'The partner API answered the user list with something other than a JSON array');
    const owners: Owner[] = [];
    for (const [index, item] of body.entries()) {
      try {
        owners.push(decodeOwner(Fields.of(item, `users[${index}]`, api.reportUnknown), 'external_user_id'));
      } catch (error) {
        // One malformed entry must not hide every other user: it is left out, and reported.
        api.reportUnknown(`users[${index}] (left out)`, error instanceof Error ? error.message : 'unreadable');
      }
    }
    return owners;
  });
}

export function decodeOwner(f: Fields, externalIdField: 'external_id' | 'external_user_id'): Owner {
  return {
    id: f.required(f.uuid('id'), 'id'),
    email: f.string('email'),
    firstName: f.string('first_name'),
    lastName: f.string('last_name'),
    externalId: f.string(externalIdField),
  };
}
