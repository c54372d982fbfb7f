// Per-request DataLoaders: they batch (the user list instead of many user details) and prime (a list's
// items answer later detail reads). What they keep is kept by the request's read path
// (src/upstream/reads.ts), under the key of the GET it came from, so that a write drops it with the
// answer it was decoded from: no loader or mutation decides what a write invalidates. Created per
// request, so nothing here outlives the request or is seen by another caller.
import DataLoader from 'dataloader';
import { mayActOnUser, type Caller } from './caller/caller.js';
import { CallerError } from './caller/errors.js';
import type { ApiSession } from './upstream/client.js';
import { UpstreamError } from './upstream/errors.js';
import { userPath, usersPath } from './upstream/paths.js';
import { readKey } from './upstream/reads.js';
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
  const { caller } = options;
  const owned = visibleTo<Device>(caller, (d) => d.owner.id);
  // Kept in the request's reads under the key of the GET each value comes from (reads.ts).
  const byRead: ByRead = <K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>, keyOf: (key: K) => string) =>
    new DataLoader(batch, { cacheKeyFn: keyOf, cacheMap: api.reads.view<Promise<V>>(name) });
  // Each loader is made when the request first asks for its kind of resource: most requests need one or two.
  const device = perKind((spec) =>
    byRead(spec.kind, perKey((key: DeviceKey) => fetchDevice(api, spec, key).then(owned)), (k) => readKey(devicePath(spec, k), k.includeDeleted ? { include_deleted: 'true' } : undefined)),
  );
  const devices = perKind((spec) =>
    byRead(
      `${spec.kind} list`,
      perKey(async (key: UserKey) => {
        const items = (await listDevices(api, spec, key)).map(owned);
        // The list holds every field of the detail answer: a later `heatPump(id:)` of the same request needs no call.
        for (const item of items) device(spec).prime({ orgId: key.orgId, userId: key.userId, id: item.id, includeDeleted: false }, item);
        return items;
      }),
      (k) => deviceListPath(spec, k),
    ),
  );
  return new RequestLoaders(device as Loaders['device'], devices as Loaders['devices'], byRead, api, options);
}

type ByRead = <K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>, keyOf: (key: K) => string) => DataLoader<K, V, string>;

/**
 * The loaders each made on first use. A class, not an object literal with getters: V8 gives each such
 * literal accessor pairs of its own in the old generation, and a dead one there keeps its getters'
 * closures (the session, every answer it read) alive through every scavenge until the next full GC:
 * measured, a request's whole graph promoted (bench/README.md, "Where a request's CPU goes").
 */
class RequestLoaders implements Loaders {
  readonly device: Loaders['device'];
  readonly devices: Loaders['devices'];
  readonly #byRead: ByRead;
  readonly #api: ApiSession;
  readonly #options: LoaderOptions;
  #user: Loaders['user'] | undefined;
  #users: Loaders['users'] | undefined;
  #building: Loaders['building'] | undefined;

  constructor(device: Loaders['device'], devices: Loaders['devices'], byRead: ByRead, api: ApiSession, options: LoaderOptions) {
    this.device = device;
    this.devices = devices;
    this.#byRead = byRead;
    this.#api = api;
    this.#options = options;
  }

  get user(): Loaders['user'] {
    const api = this.#api;
    const { caller, userListThreshold } = this.#options;
    return (this.#user ??= this.#byRead(
      'user',
      async (keys: readonly UserKey[]) =>
        (await loadUsers(api, keys, userListThreshold)).map((u): Owner | Error => (u instanceof Error || mayActOnUser(caller, u.id) ? u : notVisible())),
      (k) => userPath(k.orgId, k.userId),
    ));
  }

  get users(): Loaders['users'] {
    const api = this.#api;
    const { caller } = this.#options;
    return (this.#users ??= this.#byRead(
      'users',
      perKey((key: { orgId: string; includeDeleted: boolean }) => fetchUsers(api, key.orgId, key.includeDeleted).then((list) => list.map(visibleTo<Owner>(caller, (o) => o.id)))),
      (k) => readKey(usersPath(k.orgId), k.includeDeleted ? { include_deleted: 'true' } : undefined),
    ));
  }

  get building(): Loaders['building'] {
    const api = this.#api;
    return (this.#building ??= this.#byRead('building', perKey((key: BuildingKey) => fetchBuilding(api, key)), (k) => buildingPath(k)));
  }
}

/** One loader per device kind, made when the request first asks for that kind. */
function perKind<L>(make: (spec: DeviceSpec) => L): (spec: DeviceSpec) => L {
  const made = new Map<DeviceKind, L>();
  return (spec) => {
    let loader = made.get(spec.kind);
    if (!loader) made.set(spec.kind, (loader = make(spec)));
    return loader;
  };
}

/**
 * Defence in depth: the schema refuses to ask about a user the caller may not act on, before any
 * call; should upstream still answer with someone else's record, it goes no further.
 */
function visibleTo<T>(caller: Caller, ownerId: (record: T) => string): (record: T) => T {
  return (record) => {
    if (!mayActOnUser(caller, ownerId(record))) throw notVisible();
    return record;
  };
}

function notVisible(): CallerError {
  return new CallerError('FORBIDDEN', 'The partner API answered with data of a user this caller may not act on');
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

