// Live device state for subscriptions: one Poller per thing watched (a device, a user's device list),
// per upstream credential partition (as the shared reads partition them: in pass-through mode each
// caller's own credential), shared by every subscriber in the process whatever their selection or
// transport. Polls read through the same read path as requests (src/upstream/reads.ts), and a write
// through the gateway re-reads what it touched at once (PartnerApi.onWrite), for subscribers and
// requests alike. Polls are not charged to any caller's budget: they are shared, and bounded instead by
// the number of pollers (LIVE_MAX_POLLERS) and the interval.
import type { SpanStatusCode, Tracer } from '@opentelemetry/api';
import type { Logger } from '../logger.js';
import { CallerError } from '../caller/errors.js';
import { CodedError } from '../error-codes.js';
import type { ApiSession, PartnerApi } from '../upstream/client.js';
import { UpstreamError } from '../upstream/errors.js';
import { readKey, related } from '../upstream/reads.js';
import type { Device, DeviceKey, DeviceSpec } from '../upstream/devices/device.js';
import { fetchDevice, listDevices } from '../upstream/devices/endpoints.js';
import { devicePath } from '../upstream/devices/paths.js';
import { userPath } from '../upstream/paths.js';
import type { UserKey } from '../upstream/users.js';
import { Stream } from './stream.js';
import { Poller, type PollOutcome } from './poller.js';

/** SpanStatusCode.ERROR, written out: a value import would load the OpenTelemetry API in every gateway, traced or not. */
const SPAN_ERROR = 2 as SpanStatusCode.ERROR;

export interface LiveSettings {
  /** LIVE_POLL_INTERVAL_MS: the partner's guidance is 30 s. */
  intervalMs: number;
  /** LIVE_FAST_POLL_INTERVAL_MS: while a boost is `requested`, ~3 s. */
  fastIntervalMs: number;
  /** LIVE_MAX_POLLERS: distinct things polled at once in this process. */
  maxPollers: number;
  /** LIVE_MAX_SUBSCRIPTIONS_PER_CALLER (0: no limit). */
  maxPerCaller: number;
}

/** How a subscriber is served (src/live/transports.ts tells them apart). */
export type Transport = 'sse' | 'graphql-ws' | 'multipart';

/** What the gateway's metrics and logs are told about live state (src/observability/metrics.ts). */
export interface LiveObserver {
  /** A subscription opened (+1) or ended (-1) on a transport. */
  subscriptions(transport: Transport, delta: 1 | -1): void;
  pollers(count: number): void;
  poll(outcome: PollOutcome): void;
  event(): void;
}

export interface LiveOptions extends LiveSettings {
  api: PartnerApi;
  logger: Logger;
  /** How long one poll may take (REQUEST_TIMEOUT_MS). */
  timeoutMs: number;
  observer?: LiveObserver | undefined;
  /** The jitter's source (tests pass a fixed one). */
  random?: () => number;
  /** OpenTelemetry: a span per poll, parent of its upstream calls' spans. */
  tracer?: Tracer | undefined;
  /** Replicas sharing their pollers (REDIS_URL); without it, this process polls everything it watches. */
  share?: LiveShare | undefined;
}

// ---- pollers shared by replicas (src/redis/live-share.ts) -----------------------------------------------

/** One poller per thing across replicas: one of them makes the interval's reads, and every read reaches all. */
export interface LiveShare {
  /** Takes part in the thing `key` names (the partition and the thing: values never cross credentials). */
  join(key: string, member: LiveMember): LiveMembership;
  /** Tells the other replicas that a write through this one touched `path`. */
  touched(path: string): void;
  /** Calls `listener` with each path a write through another replica touched. */
  onTouched(listener: (path: string) => void): void;
  close(): void;
}

export interface LiveMember {
  /** A value another replica read. */
  received(value: unknown): void;
  /** This process has just become the one to poll (the last holder stopped, or Redis is away). */
  leading(): void;
}

export interface LiveMembership {
  /** Whether this process makes the interval's reads now. */
  readonly leads: boolean;
  /** Hands a value read here to the other replicas. */
  publish(value: unknown): void;
  leave(): void;
}

// ---------------------------------------------------------------------------------------------------------

/** Who watches: what bounds their streams. */
export interface Watcher {
  /** The caller's key (their budget key): subscriptions are counted per caller. */
  caller: string;
  /** The caller's own Authorization, forwarded upstream in pass-through mode only. */
  callerAuthorization: string | undefined;
  /** When the caller's token expires (ms since the epoch): the stream ends then, UNAUTHENTICATED. */
  expiresAt?: number | undefined;
}

/** One caller's way to the pollers: what a request's context offers its subscription fields. */
export interface LiveView {
  device<Own>(spec: DeviceSpec<Own>, key: DeviceKey): AsyncIterableIterator<Device<Own> | Error>;
  devices(specs: readonly DeviceSpec[], user: UserKey): AsyncIterableIterator<Device[] | Error>;
}

/** What a poller reads: `what` names it in traces (a device kind, or `devices`), `thing` in the pollers' keys. */
interface Watched<T> {
  what: string;
  thing: string;
  /** The path writes are matched against (src/upstream/reads.ts's `related`). */
  path: string;
  read: (session: ApiSession) => Promise<T>;
  /** Whether a value asks for the fast interval. */
  fast: (value: T) => boolean;
}

/** How far past a token's `exp` a stream may run: the clock skew requests are allowed (src/caller/token.ts). */
const EXPIRY_TOLERANCE_MS = 30_000;

export class LiveDevices {
  readonly #options: LiveOptions;
  readonly #pollers = new Map<string, { poller: Poller<unknown>; path: string; shared: LiveMembership | undefined }>();
  readonly #perCaller = new Map<string, number>();

  constructor(options: LiveOptions) {
    this.#options = options;
    options.api.onWrite((touched) => {
      this.touched(touched);
      options.share?.touched(touched);
    });
    options.share?.onTouched((touched) => this.touched(touched));
  }

  /** What one caller's subscriptions watch through. */
  view(watcher: Watcher): LiveView {
    return {
      device: (spec, key) => this.device(spec, key, watcher),
      devices: (specs, user) => this.devices(specs, user, watcher),
    };
  }

  /** A device's state now and at each change, until the stream is returned (or ends with an error). */
  device<Own>(spec: DeviceSpec<Own>, key: DeviceKey, watcher: Watcher): AsyncIterableIterator<Device<Own> | Error> {
    // devicePath lower-cases the ids: every spelling of one device shares its poller.
    const path = devicePath(spec, key);
    const thing = `${spec.kind} ${readKey(path, key.includeDeleted ? { include_deleted: 'true' } : undefined)}`;
    return this.#watch({ what: spec.kind, thing, path, read: (session) => fetchDevice(session, spec, key), fast: boosting }, watcher);
  }

  /** A user's devices of the listed kinds (in `specs` order), now and at each change. */
  devices(specs: readonly DeviceSpec[], user: UserKey, watcher: Watcher): AsyncIterableIterator<Device[] | Error> {
    // The user's path: a write to any of their devices is below it.
    const path = userPath(user.orgId, user.userId);
    const read = async (session: Parameters<typeof fetchDevice>[0]) => (await Promise.all(specs.map((spec) => listDevices(session, spec, user)))).flat();
    return this.#watch({ what: 'devices', thing: `devices ${path}`, path, read, fast: (devices) => devices.some(boosting) }, watcher);
  }

  /** A write touched `path`: every poller of something related to it reads again now (of replicas sharing one, the one that polls). */
  touched(path: string): void {
    for (const { poller, path: watched, shared } of this.#pollers.values()) if (related(watched, path) && shared?.leads !== false) void poller.poll();
  }

  /** Ends every stream (the drain): each is completed, so its client reconnects elsewhere. */
  close(): void {
    for (const { poller } of [...this.#pollers.values()]) poller.end();
    this.#options.share?.close();
  }

  get pollers(): number {
    return this.#pollers.size;
  }

  #watch<T>(watched: Watched<T>, watcher: Watcher): Stream<T> {
    const { api, maxPerCaller } = this.#options;
    const partition = api.partition(watcher.callerAuthorization);
    if (partition === undefined) throw new UpstreamError('UNAUTHENTICATED', 'Send your partner API credentials in the Authorization header (this gateway forwards them)');
    const held = this.#perCaller.get(watcher.caller) ?? 0;
    if (maxPerCaller > 0 && held >= maxPerCaller) {
      throw new CallerError('TOO_MANY_SUBSCRIPTIONS', `You already hold ${held} subscriptions, the most one caller may (LIVE_MAX_SUBSCRIPTIONS_PER_CALLER)`);
    }
    const key = `${partition} ${watched.thing}`;
    const poller = (this.#pollers.get(key)?.poller ?? this.#start(key, watched, watcher.callerAuthorization)) as Poller<T>;
    this.#perCaller.set(watcher.caller, held + 1);
    const stream: Stream<T> = new Stream<T>(() => {
      poller.unwatch(stream);
      clearTimeout(expiry);
      const left = (this.#perCaller.get(watcher.caller) ?? 1) - 1;
      if (left > 0) this.#perCaller.set(watcher.caller, left);
      else this.#perCaller.delete(watcher.caller);
    });
    const expiry = watcher.expiresAt === undefined ? undefined : setTimeout(() => stream.deliver({ error: expired() }), Math.max(0, watcher.expiresAt + EXPIRY_TOLERANCE_MS - Date.now()));
    expiry?.unref();
    poller.watch(stream);
    return stream;
  }

  #start<T>(key: string, { what, path, read, fast }: Watched<T>, callerAuthorization: string | undefined): Poller<T> {
    const { api, intervalMs, fastIntervalMs, maxPollers, timeoutMs, observer } = this.#options;
    if (this.#pollers.size >= maxPollers) {
      throw new CodedError('TOO_MANY_POLLERS', `The gateway already polls ${this.#pollers.size} devices for subscribers, the most it may (LIVE_MAX_POLLERS); try again later`);
    }
    const poller = new Poller<T>({
      // A session per poll: its own deadline and call cap, no caller's budget (see the header).
      read: () => this.#traced(what, () => read(api.session({ callerAuthorization, deadline: Date.now() + timeoutMs, maxConcurrency: 4, maxCalls: 8 }))),
      fast,
      intervalMs,
      fastIntervalMs,
      random: this.#options.random ?? Math.random,
      onPoll: observer && ((outcome) => observer.poll(outcome)),
      onStop: () => {
        this.#pollers.delete(key);
        shared?.leave();
        observer?.pollers(this.#pollers.size);
      },
      leads: () => shared?.leads ?? true,
      onRead: (value) => shared?.publish(value),
    });
    const shared = this.#options.share?.join(key, { received: (value) => poller.offer(value as T), leading: () => poller.resume() });
    this.#pollers.set(key, { poller: poller as Poller<unknown>, path, shared });
    observer?.pollers(this.#pollers.size);
    return poller;
  }

  /** One poll, as a span of its own when tracing is on (`what`: the device kind, or `devices`; no ids). */
  async #traced<T>(what: string, poll: () => Promise<T>): Promise<T> {
    const tracer = this.#options.tracer;
    if (!tracer) return poll();
    // A root of its own: a poller is shared, and not part of the trace of whoever subscribed first.
    return tracer.startActiveSpan('live poll', { root: true, attributes: { 'podero.live.watched': what } }, async (span) => {
      try {
        return await poll();
      } catch (error) {
        span.setStatus({ code: SPAN_ERROR, message: (error as { code?: string }).code ?? 'error' });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}

/** A boost asked for and not started yet: poll fast until it is. */
function boosting(device: Device): boolean {
  return (device as { boostState?: unknown }).boostState === 'requested';
}

function expired(): CallerError {
  return new CallerError('UNAUTHENTICATED', 'Your token has expired: subscribe again with a fresh one');
}
