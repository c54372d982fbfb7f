// Per-request DataLoaders: within one GraphQL request the same resource costs one upstream call, however
// many times it is asked for (aliases, fragments, entity references). Created per request, so nothing
// cached here outlives the request or is seen by another caller.
//
// Each loader keys its cache by the upstream path it reads, so that a write this request makes drops
// exactly the reads it touched (ApiSession.onWrite): no mutation has to remember to invalidate.
import DataLoader from 'dataloader';
import { mayActOnUser, type Caller } from './caller/caller.js';
import type { ApiSession } from './upstream/client.js';
import { UpstreamError } from './upstream/errors.js';
import { userPath, usersPath } from './upstream/paths.js';
import { related } from './upstream/read-cache.js';
import { fetchUser, fetchUsers, type Owner, type UserKey } from './upstream/users.js';
import type { Device, DeviceKey, DeviceKind, DeviceSpec } from './upstream/devices/device.js';
import { deviceListPath, devicePath } from './upstream/devices/paths.js';
import { fetchDevice, listDevices } from './upstream/devices/endpoints.js';
import { buildingPath, fetchBuilding, type Building, type BuildingKey } from './upstream/buildings.js';

export interface Loaders {
  /** One device of a kind, by org, user and id. */
  device<Own>(spec: DeviceSpec<Own>): DataLoader<DeviceKey, Device<Own>, string>;
  /** A user's devices of a listed kind (one list call); each item also answers `device` for the rest of the request. */
  devices<Own>(spec: DeviceSpec<Own>): DataLoader<UserKey, Device<Own>[], string>;
  user: DataLoader<UserKey, Owner, string>;
  /** The organization's users (one list call), by org and whether deleted users are included. */
  users: DataLoader<{ orgId: string; includeDeleted: boolean }, Owner[], string>;
  building: DataLoader<BuildingKey, Building, string>;
}

export interface LoaderOptions {
  /**
   * From how many distinct users of one organization in one batch the user list (one call, the whole
   * organization) is read instead of one detail call per user.
   */
  userListThreshold: number;
  /** Whose request this is: nothing upstream answers about another user is passed on to them. */
  caller: Caller;
}

/** The partner API has no batch endpoints: a batch is one call per distinct key, concurrent within the session's cap. */
function perKey<K, V>(load: (key: K) => Promise<V>) {
  return (keys: readonly K[]): Promise<(V | Error)[]> => Promise.all(keys.map((key) => load(key).catch(asError)));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function createLoaders(api: ApiSession, options: LoaderOptions): Loaders {
  // Defence in depth: the schema refuses to ask about a user the caller may not act on, before any
  // call; should upstream still answer with someone else's record, it goes no further.
  const visible = <T>(ownerId: (record: T) => string) => (record: T): T => {
    if (!mayActOnUser(options.caller, ownerId(record))) throw notVisible();
    return record;
  };
  // Cached by upstream path (`path?query`), so the session's writes drop what they touch.
  const byPath = <K, V>(batch: (keys: readonly K[]) => Promise<(V | Error)[]>, pathOf: (key: K) => string) =>
    new DataLoader(batch, { cacheKeyFn: pathOf, cacheMap: pathKeyed<Promise<V>>(api) });
  // Each loader is made when the request first asks for its kind of resource: most requests need one or two.
  const devices = new Map<DeviceKind, DataLoader<DeviceKey, Device, string>>();
  const lists = new Map<DeviceKind, DataLoader<UserKey, Device[], string>>();
  let user: Loaders['user'] | undefined;
  let users: Loaders['users'] | undefined;
  let building: Loaders['building'] | undefined;
  const device = <Own>(spec: DeviceSpec<Own>) => {
    let loader = devices.get(spec.kind);
    if (!loader) {
      loader = byPath(
        perKey((key: DeviceKey) => fetchDevice(api, spec, key).then(visible((d: Device) => d.owner.id))),
        (k) => `${devicePath(spec, k)}${k.includeDeleted ? '?include_deleted=true' : ''}`,
      );
      devices.set(spec.kind, loader);
    }
    return loader as DataLoader<DeviceKey, Device<Own>, string>;
  };
  return {
    device,
    devices<Own>(spec: DeviceSpec<Own>) {
      let loader = lists.get(spec.kind);
      if (!loader) {
        loader = byPath(
          perKey(async (key: UserKey) => {
            const items = (await listDevices(api, spec, key)).map(visible((d: Device) => d.owner.id));
            // The list holds every field of the detail answer: a later `heatPump(id:)` of the same request needs no call.
            for (const item of items) device(spec).prime({ orgId: key.orgId, userId: key.userId, id: item.id, includeDeleted: false }, item as Device<Own>);
            return items;
          }),
          (k) => deviceListPath(spec, k),
        );
        lists.set(spec.kind, loader);
      }
      return loader as DataLoader<UserKey, Device<Own>[], string>;
    },
    get user() {
      return (user ??= byPath(
        async (keys: readonly UserKey[]) =>
          (await loadUsers(api, keys, options.userListThreshold)).map((u): Owner | Error => (u instanceof Error || mayActOnUser(options.caller, u.id) ? u : notVisible())),
        (k) => userPath(k.orgId, k.userId),
      ));
    },
    get users() {
      return (users ??= byPath(
        perKey((key: { orgId: string; includeDeleted: boolean }) => fetchUsers(api, key.orgId, key.includeDeleted).then((list) => list.map(visible<Owner>((o) => o.id)))),
        (k) => `${usersPath(k.orgId)}${k.includeDeleted ? '?include_deleted=true' : ''}`,
      ));
    },
    get building() {
      return (building ??= byPath(
        perKey((key: BuildingKey) => fetchBuilding(api, key)),
        (k) => buildingPath(k),
      ));
    },
  };
}

/** A per-request map keyed by upstream `path?query`: a write of the session drops the entries it touches. */
function pathKeyed<V>(api: ApiSession): Map<string, V> {
  const map = new Map<string, V>();
  api.onWrite((touched) => {
    // Deleting the entry being visited is safe while iterating a Map.
    for (const key of map.keys()) if (related(key.split('?', 1)[0]!, touched)) map.delete(key);
  });
  return map;
}

function notVisible(): UpstreamError {
  return new UpstreamError('FORBIDDEN', 'The partner API answered with data of a user this caller may not act on');
}

/**
 * Users by id. Few distinct users: one detail call each. Many (from `userListThreshold` on, per
 * organization): one list call for the whole organization, picked from by id — a user the list does
 * not hold is NOT_FOUND, exactly as its detail call would be.
 */
async function loadUsers(api: ApiSession, keys: readonly UserKey[], listThreshold: number): Promise<(Owner | Error)[]> {
  const perOrg = new Map<string, number>();
  for (const { orgId } of keys) perOrg.set(orgId, (perOrg.get(orgId) ?? 0) + 1);
  const lists = new Map<string, Promise<Map<string, Owner> | Error>>();
  for (const [orgId, count] of perOrg) {
    if (count >= listThreshold) {
      lists.set(
        orgId,
        fetchUsers(api, orgId).then((users) => new Map(users.map((u) => [u.id, u])), asError),
      );
    }
  }
  return Promise.all(
    keys.map(async (key) => {
      const list = lists.get(key.orgId);
      if (!list) return fetchUser(api, key).catch(asError);
      const users = await list;
      if (users instanceof Error) return users;
      return users.get(key.userId) ?? new UpstreamError('NOT_FOUND', `The partner API has no user ${key.userId}`);
    }),
  );
}

