// The endpoints every kind has: one device (`GET {U}/<collection>/{id}`), a user's devices of a kind
// (`GET {U}/<collection>`, all kinds but wallboxes) and a partial update (`PUT {U}/<collection>/{id}`).
// A kind's own endpoints are in its file.
// https://developers.podero.com/api-reference/user-heat-pumps/get-details-about-a-users-specific-heat-pump
import type { ApiSession } from '../client.js';
import { decodeList } from '../decode.js';
import { writeSettings } from '../settings.js';
import type { UserKey } from '../users.js';
import { decodeDevice, type Device, type DeviceKey, type DeviceSpec } from './device.js';
import { deviceListPath, devicePath, deviceResource } from './paths.js';
import { settingNames, type CommonSettings } from './setting-names.js';

/** `GET {U}/<collection>/{id}` */
export function fetchDevice<Own>(api: ApiSession, spec: DeviceSpec<Own>, key: DeviceKey): Promise<Device<Own>> {
  return api.read(
    { path: devicePath(spec, key), query: key.includeDeleted ? { include_deleted: 'true' } : undefined, resource: deviceResource(spec, key) },
    (body) => decodeDevice(spec, body, key.id.toLowerCase(), key.orgId, api.reportUnknown),
  );
}

/**
 * `GET {U}/<collection>`: the user's (not deleted) devices of a kind, a bare array with no paging. One
 * malformed item is left out (and reported), not the whole list.
 */
export function listDevices<Own>(api: ApiSession, spec: DeviceSpec<Own>, user: UserKey): Promise<Device<Own>[]> {
  return api.read({ path: deviceListPath(spec, user), resource: `the ${spec.noun}s of user ${user.userId.toLowerCase()}` }, (body) =>
    decodeList(body, spec.noun, api.reportUnknown, (item, where) => decodeDevice(spec, item, null, user.orgId, api.reportUnknown, where)),
  );
}

/**
 * `PUT {U}/<collection>/{id}` with only the settings given (an explicit null is sent as null, an
 * absent setting is not sent). Answers the updated device. Upstream's field-level validation messages
 * come back on the error, named by gateway field.
 */
export function updateDevice<Own, Settings>(
  api: ApiSession,
  spec: DeviceSpec<Own, Settings>,
  key: DeviceKey,
  settings: Settings & CommonSettings,
): Promise<Device<Own>> {
  return writeSettings(settingNames(spec), settings as object, (body) =>
    api.read({ method: 'PUT', path: devicePath(spec, key), body, resource: deviceResource(spec, key) }, (answer) =>
      decodeDevice(spec, answer, key.id.toLowerCase(), key.orgId, api.reportUnknown),
    ),
  );
}
