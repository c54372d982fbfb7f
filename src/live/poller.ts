// One shared poller: reads one thing (a device, a user's device list) at an interval and hands every
// change to whoever watches it, however many they are. The partner API has no push channel; its
// integration guide asks apps to poll (every ~30 s, every ~3 s while a boost is `requested`):
// https://developers.podero.com/partner-api/user-journeys/end-user/dashboard-integration — a poller
// does it once per thing watched, for every subscriber in the process.
//
// What a poller owes its watchers:
// - the current state at once when they start watching: the last read when it is younger than the fast
//   interval, else the read in flight, else a fresh one;
// - after that, each read whose value differs from the last one (watchers decide what their selection
//   makes of it: use-live-changes.ts drops an event whose result did not change);
// - on an answer that will not change by waiting (404, 403, 401), an end with that error;
// - on a transient failure (timeout, 5xx, an open breaker), nothing: the next interval tries again.
// Where replicas share pollers (src/redis/live-share.ts), another replica's reads are taken as this
// one's own (`offer`), and the interval's reads are made only while this one leads.
import { UpstreamError } from '../upstream/errors.js';

/** What a watcher is handed: a new value, or the error its stream ends with. */
export type Delivery<T> = { value: T } | { error: Error };

export interface Watcher<T> {
  deliver(delivery: Delivery<T>): void;
}

export interface PollerOptions<T> {
  /** Reads the current value (through the upstream read path). */
  read: () => Promise<T>;
  /** Whether the value asks for the fast interval (a boost `requested`). */
  fast: (value: T) => boolean;
  intervalMs: number;
  fastIntervalMs: number;
  /** The jitter's source: 0..1 (tests pass a fixed one). */
  random: () => number;
  /** Told after each read: `changed`, `unchanged`, `failed` (transient) or `ended`. */
  onPoll?: (outcome: PollOutcome) => void;
  /** Called once the poller has stopped (its last watcher left, or it ended). */
  onStop: () => void;
  /** Whether the interval's reads are this process's to make now (another replica may make them: LiveShare); always, when absent. */
  leads?: () => boolean;
  /** Told each value read, for other replicas' watchers. */
  onRead?: (value: T) => void;
}

export type PollOutcome = 'changed' | 'unchanged' | 'failed' | 'ended';

/** Upstream answers that another read will not change: the streams end with them. */
const FINAL = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED']);

export class Poller<T> {
  readonly #options: PollerOptions<T>;
  readonly #watchers = new Set<Watcher<T>>();
  /** Watchers still owed their first value. */
  readonly #waiting = new Set<Watcher<T>>();
  #value: { value: T; json: string; at: number } | undefined;
  #reading: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: PollerOptions<T>) {
    this.#options = options;
  }

  get watchers(): number {
    return this.#watchers.size;
  }

  /** Adds a watcher; it is handed the current state as soon as there is one (see the file's header). */
  watch(watcher: Watcher<T>): void {
    this.#watchers.add(watcher);
    const known = this.#value;
    if (known && performance.now() - known.at < this.#options.fastIntervalMs) return watcher.deliver({ value: known.value });
    this.#waiting.add(watcher);
    void this.poll();
  }

  /** Removes a watcher; the last one out stops the poller at once. */
  unwatch(watcher: Watcher<T>): void {
    this.#watchers.delete(watcher);
    this.#waiting.delete(watcher);
    if (this.#watchers.size === 0) this.stop();
  }

  /** Reads now (a write touched the thing, or a watcher needs a fresh state); a read in flight is joined. */
  poll(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
      this.#schedule();
    });
    return this.#reading;
  }

  /** A value another replica read: taken as this poller's own read would be. */
  offer(value: T): void {
    if (!this.#stopped) this.#settle(value);
  }

  /** This process has just taken over the interval's reads (another replica stopped): reads now if one is due. */
  resume(): void {
    const known = this.#value;
    if (!known || performance.now() - known.at >= this.#interval()) void this.poll();
  }

  /** Ends every watcher's stream (with `error`, or quietly) and stops. */
  end(error?: Error): void {
    for (const watcher of this.#watchers) watcher.deliver(error ? { error } : { error: new Ended() });
    this.#watchers.clear();
    this.#waiting.clear();
    this.stop();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#options.onStop();
  }

  async #read(): Promise<void> {
    let value: T;
    try {
      value = await this.#options.read();
    } catch (error) {
      if (error instanceof UpstreamError && FINAL.has(error.code)) {
        this.#options.onPoll?.('ended');
        return this.end(error);
      }
      this.#options.onPoll?.('failed');
      // Those still waiting get the last state known, if any, rather than nothing until the next interval.
      if (this.#value) this.#handFirst(this.#value.value);
      return;
    }
    const changed = this.#settle(value);
    this.#options.onPoll?.(changed ? 'changed' : 'unchanged');
    this.#options.onRead?.(value);
  }

  /** A value read (here or by another replica): every watcher gets it when it changed, those waiting anyway. Returns whether it changed. */
  #settle(value: T): boolean {
    const json = JSON.stringify(value);
    const changed = json !== this.#value?.json;
    this.#value = { value, json, at: performance.now() };
    if (changed) {
      this.#waiting.clear();
      for (const watcher of this.#watchers) watcher.deliver({ value });
    } else this.#handFirst(value);
    return changed;
  }

  #handFirst(value: T): void {
    for (const watcher of this.#waiting) watcher.deliver({ value });
    this.#waiting.clear();
  }

  /** The next read: the interval (the fast one while the value asks for it), ±10 % so pollers spread out. */
  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const base = this.#interval();
    // While another replica makes the reads, the timer still runs: it is due the moment this one takes over.
    this.#timer = setTimeout(() => (this.#options.leads?.() === false ? this.#schedule() : void this.poll()), base * (0.9 + 0.2 * this.#options.random()));
    this.#timer.unref();
  }

  /** The interval now: the fast one while the value asks for it. */
  #interval(): number {
    const { intervalMs, fastIntervalMs, fast } = this.#options;
    return this.#value && fast(this.#value.value) ? fastIntervalMs : intervalMs;
  }
}

/** A stream ended by the gateway itself (a drain): no error for the client, just the end. */
export class Ended extends Error {
  override readonly name = 'Ended';
}
