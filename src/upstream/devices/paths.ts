// Where a device of any kind lives: `{U}/<collection>/{id}`, its kind's list at `{U}/<collection>`
// (`{U}` = `/org/{org_id}/users/{user_id}`), and how an error names it.
// https://developers.podero.com/api-reference/user-wallboxes/get-details-about-a-users-wallbox
import { userPath, uuidSegment } from '../paths.js';
import type { UserKey } from '../users.js';
import type { DeviceKey, DeviceSpec } from './device.js';

export function devicePath(spec: DeviceSpec, key: Pick<DeviceKey, 'orgId' | 'userId' | 'id'>): string {
  return `${userPath(key.orgId, key.userId)}/${spec.collection}/${uuidSegment(key.id, 'id')}`;
}

export function deviceListPath(spec: DeviceSpec, user: UserKey): string {
  return `${userPath(user.orgId, user.userId)}/${spec.collection}`;
}

export function deviceResource(spec: DeviceSpec, key: Pick<DeviceKey, 'userId' | 'id'>): string {
  return `${spec.noun} ${key.id.toLowerCase()} of user ${key.userId.toLowerCase()}`;
}
