// Subscriptions' pollers shared by the gateway's replicas through Redis (REDIS_URL): one replica polls
// each thing watched anywhere, and each read reaches every replica's watchers.
//   podero:live:lease:<key>   a string: the id of the replica that polls <key>, for leaseTtlMs
//   podero:live:value:<key>   a channel: every read of <key>, by whichever replica made it
//   podero:live:touched       a channel: each path a write through a replica touched
// <key> is LiveDevices' own: the credential partition (a digest of the caller's header in pass-through
// mode, never a token) and the thing, so a value never reaches a watcher with other credentials.
//
// The lease is Redis's single-instance lock (https://redis.io/docs/latest/develop/use/patterns/distributed-locks/):
// every replica with watchers of a thing claims it each round (set when free, renewed when its own);
// whoever holds it polls, the others only listen. A replica that dies stops renewing, its lease runs
// out and the next round of another takes it; one that stops watching lets go at once.
//
// What is not shared: a replica's first read of a thing it starts watching is its own (a new watcher's
// first state must not wait on a holder that may be dead or far into its interval; it costs what one
// process would pay, and is published like any read), and an answer that ends streams (404, 403, 401),
// which each replica meets on its own read when it takes the lease.
//
// Redis unreachable: every replica polls for itself (SharedRedis.attempt: a warning, and
// podero_redis_fallbacks_total{store="live"}) and streams go on; the next round that reaches it sorts the
// replicas out again.
import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import type { LiveMember, LiveMembership, LiveShare } from '../live/live-devices.js';
import type { SharedRedis } from './connection.js';

const LEASE = 'podero:live:lease:';
const VALUES = 'podero:live:value:';
const TOUCHED = 'podero:live:touched';

/** Leases claimed per script call: each call stays short (Redis runs one script at a time) however many things a replica watches. */
const CLAIM_BATCH = 500;

/** KEYS: leases; ARGV: this replica's id, the TTL. Returns, per lease, 1 when this replica holds it now, else 0. */
const CLAIM = `
local held = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    held[i] = 1
  elseif not holder then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    held[i] = 1
  else
    held[i] = 0
  end
end
return held
`;

/** Lets go of a lease only if it is still this replica's (it may have run out and been taken). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * How long a lease lasts unrenewed: three poll intervals, so a replica dead for that long has its
 * things polled by another within a few intervals; at most 30 s, so a long interval does not leave
 * streams unpolled for minutes; at least 1 s, so an event-loop stall does not hand leases back and forth.
 * Renewed every third of it: two renewals may fail before it runs out.
 */
export function leaseTtlMs(intervalMs: number): number {
  return Math.min(30_000, Math.max(1000, 3 * intervalMs));
}

/**
 * What goes over a channel, in v8's serialization (https://nodejs.org/api/v8.html#serialization-api): it
 * keeps what JSON would not (a device's Dates), so another replica's watchers get what this one's do.
 */
type Message = { from: string; value: unknown } | { from: string; path: string };

interface Membership {
  member: LiveMember;
  leads: boolean;
}

export class RedisLiveShare implements LiveShare {
  readonly #redis: SharedRedis;
  readonly #subscriber: Redis;
  readonly #id = randomUUID();
  readonly #ttlMs: number;
  readonly #members = new Map<string, Membership>();
  readonly #touchedListeners = new Set<(path: string) => void>();
  #round: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(redis: SharedRedis, { intervalMs }: { intervalMs: number }) {
    this.#redis = redis;
    this.#ttlMs = leaseTtlMs(intervalMs);
    // A connection that subscribes may send nothing else (https://redis.io/docs/latest/develop/interact/pubsub/).
    // Its channels are subscribed anew on each connection, here: ioredis's own resubscribing knows only
    // those Redis confirmed, not one refused while it was away.
    this.#subscriber = redis.client.duplicate({ autoResubscribe: false });
    this.#subscriber.on('error', () => {
      // An outage is reported once, by `attempt`, as the other stores' are.
    });
    this.#subscriber.on('ready', () => void this.#subscribe(TOUCHED, ...[...this.#members.keys()].map((key) => VALUES + key)));
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#receive(channel.toString(), message));
  }

  join(key: string, member: LiveMember): LiveMembership {
    // After close (a drain), a late poller polls for itself.
    const membership: Membership = { member, leads: this.#closed };
    if (!this.#closed) {
      this.#members.set(key, membership);
      void this.#subscribe(VALUES + key);
      void this.#claim([[key, membership]]);
      this.#schedule();
    }
    return {
      get leads() {
        return membership.leads;
      },
      publish: (value) => void this.#publish(VALUES + key, { from: this.#id, value }),
      leave: () => this.#leave(key, membership),
    };
  }

  touched(path: string): void {
    void this.#publish(TOUCHED, { from: this.#id, path });
  }

  onTouched(listener: (path: string) => void): void {
    this.#touchedListeners.add(listener);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#round);
    for (const [key, membership] of [...this.#members]) this.#leave(key, membership);
    this.#subscriber.disconnect();
  }

  #leave(key: string, membership: Membership): void {
    if (this.#members.get(key) !== membership) return;
    this.#members.delete(key);
    if (this.#subscriber.status === 'ready') this.#subscriber.unsubscribe(VALUES + key).catch(() => undefined);
    // Let go now, so another replica's next round takes over; if Redis does not answer, the lease runs out.
    // Whether or not this replica thinks it holds it: a round in flight may just have taken it.
    this.#redis.client.eval(RELEASE, 1, LEASE + key, this.#id).catch(() => undefined);
  }

  /** Claims (or renews) the leases of `entries`; when Redis cannot say who polls, this replica does. */
  async #claim(entries: [string, Membership][]): Promise<void> {
    if (entries.length === 0) return;
    const held = await this.#redis.attempt(
      'live',
      async () => {
        const leases = entries.map(([key]) => LEASE + key);
        const batches = [];
        for (let at = 0; at < leases.length; at += CLAIM_BATCH) batches.push(leases.slice(at, at + CLAIM_BATCH));
        const answers = await Promise.all(batches.map((keys) => this.#redis.client.eval(CLAIM, keys.length, ...keys, this.#id, this.#ttlMs)));
        return (answers as number[][]).flat().map((one) => one === 1);
      },
      () => Promise.resolve(entries.map(() => true)),
    );
    // Until its subscriber connection is up (starting, or back from an outage before it), this replica
    // hears no one else's reads: it polls for itself. Not an outage of its own: the commands just worked.
    const hears = this.#subscriber.status === 'ready';
    entries.forEach(([key, membership], i) => {
      if (this.#members.get(key) !== membership) return; // left meanwhile
      const took = (held[i]! || !hears) && !membership.leads;
      membership.leads = held[i]! || !hears;
      if (took) membership.member.leading();
    });
  }

  /** The next round of claims, while this replica watches anything. */
  #schedule(): void {
    if (this.#round || this.#closed) return;
    this.#round = setTimeout(() => {
      void this.#claim([...this.#members]).finally(() => {
        this.#round = undefined;
        if (this.#members.size > 0) this.#schedule();
      });
    }, this.#ttlMs / 3);
    this.#round.unref();
  }

  async #subscribe(...channels: string[]): Promise<void> {
    // Not ready: the 'ready' handler subscribes every channel once it is.
    if (this.#subscriber.status === 'ready') await this.#subscriber.subscribe(...channels).catch(() => undefined);
  }

  async #publish(channel: string, message: Message): Promise<void> {
    await this.#redis.attempt(
      'live',
      async () => void (await this.#redis.client.publish(channel, serialize(message))),
      () => Promise.resolve(),
    );
  }

  #receive(channel: string, raw: Buffer): void {
    let message: Message;
    try {
      message = deserialize(raw) as Message;
    } catch {
      // Not one of ours (or from a Node whose serializer this one cannot read): the holder's next read comes.
      return;
    }
    if (message.from === this.#id) return;
    if ('path' in message && channel === TOUCHED) for (const listener of this.#touchedListeners) listener(message.path);
    else if ('value' in message && channel.startsWith(VALUES)) this.#members.get(channel.slice(VALUES.length))?.member.received(message.value);
  }
}
