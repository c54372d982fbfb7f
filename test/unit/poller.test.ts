// The shared poller on a fake clock: its interval and jitter, the fast interval while a boost is
// requested, the first value handed to a new watcher, what ends streams and what does not, and the
// stop once the last watcher leaves.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { Poller, type Delivery, type PollerOptions } from '../../src/live/poller.js';
import { Stream } from '../../src/live/stream.js';
import { UpstreamError } from '../../src/upstream/errors.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

interface State {
  boostState: string;
  comment: string;
}

function setUp(options: Partial<PollerOptions<State>> = {}) {
  const state: State = { boostState: 'available', comment: 'a' };
  const reads: number[] = [];
  let failure: Error | undefined;
  let stopped = false;
  const poller = new Poller<State>({
    read: () => {
      reads.push(Date.now());
      return failure ? Promise.reject(failure) : Promise.resolve({ ...state });
    },
    fast: (value) => value.boostState === 'requested',
    intervalMs: 30_000,
    fastIntervalMs: 3000,
    random: () => 0.5,
    onStop: () => (stopped = true),
    ...options,
  });
  return { poller, state, reads, fail: (error: Error | undefined) => (failure = error), stopped: () => stopped };
}

function watcher() {
  const got: Delivery<State>[] = [];
  return { got, deliver: (d: Delivery<State>) => void got.push(d) };
}

it('reads at once for its first watcher, then every interval', async () => {
  const { poller, reads } = setUp();
  const w = watcher();
  poller.watch(w);
  await vi.advanceTimersByTimeAsync(0);
  expect(w.got).toEqual([{ value: { boostState: 'available', comment: 'a' } }]);
  await vi.advanceTimersByTimeAsync(30_000 * 3);
  expect(reads).toHaveLength(4);
  expect(reads[2]! - reads[1]!).toBe(30_000);
});

it('spreads pollers by ±10 % of the interval', async () => {
  for (const [random, gap] of [[0, 27_000], [1, 33_000]] as const) {
    const { poller, reads } = setUp({ random: () => random });
    poller.watch(watcher());
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(gap);
    expect(reads).toHaveLength(2);
    expect(reads[1]! - reads[0]!).toBe(gap);
    poller.stop();
  }
});

it('polls at the fast interval while a boost is requested, and back to normal after', async () => {
  const { poller, state, reads } = setUp();
  state.boostState = 'requested';
  poller.watch(watcher());
  await vi.advanceTimersByTimeAsync(0);
  await vi.advanceTimersByTimeAsync(3000 * 3);
  expect(reads).toHaveLength(4);
  state.boostState = 'ongoing';
  await vi.advanceTimersByTimeAsync(3000);
  expect(reads).toHaveLength(5);
  await vi.advanceTimersByTimeAsync(29_000);
  expect(reads).toHaveLength(5);
  await vi.advanceTimersByTimeAsync(1000);
  expect(reads).toHaveLength(6);
});

it('hands only changes to watchers, and a newcomer the last value when it is fresh', async () => {
  const { poller, state, reads } = setUp();
  const first = watcher();
  poller.watch(first);
  await vi.advanceTimersByTimeAsync(30_000);
  expect(first.got).toHaveLength(1);
  state.comment = 'b';
  await vi.advanceTimersByTimeAsync(30_000);
  expect(first.got.map((d) => ('value' in d ? d.value.comment : d.error))).toEqual(['a', 'b']);
  // Right after a read, a new watcher gets its value without another call.
  const second = watcher();
  const before = reads.length;
  poller.watch(second);
  expect(second.got).toEqual([{ value: { boostState: 'available', comment: 'b' } }]);
  expect(reads).toHaveLength(before);
  // Later, a new watcher gets a fresh read (and the others nothing, as nothing changed).
  await vi.advanceTimersByTimeAsync(10_000);
  const third = watcher();
  poller.watch(third);
  await vi.advanceTimersByTimeAsync(0);
  expect(reads).toHaveLength(before + 1);
  expect(third.got).toHaveLength(1);
  expect(first.got).toHaveLength(2);
});

it('sends nothing on a transient failure and reads again at the next interval', async () => {
  const { poller, state, reads, fail } = setUp();
  const w = watcher();
  poller.watch(w);
  await vi.advanceTimersByTimeAsync(0);
  fail(new UpstreamError('UPSTREAM_UNAVAILABLE', 'down'));
  await vi.advanceTimersByTimeAsync(30_000);
  expect(w.got).toHaveLength(1);
  fail(undefined);
  state.comment = 'after';
  await vi.advanceTimersByTimeAsync(30_000);
  expect(reads).toHaveLength(3);
  expect(w.got).toHaveLength(2);
});

it('ends every stream with a 404 and stops', async () => {
  const { poller, fail, stopped } = setUp();
  const w = watcher();
  poller.watch(w);
  await vi.advanceTimersByTimeAsync(0);
  fail(new UpstreamError('NOT_FOUND', 'gone'));
  await vi.advanceTimersByTimeAsync(30_000);
  expect(w.got[1]).toEqual({ error: expect.objectContaining({ code: 'NOT_FOUND' }) });
  expect(stopped()).toBe(true);
});

it('stops once its last watcher leaves, and reads no more', async () => {
  const { poller, reads, stopped } = setUp();
  const a = watcher();
  const b = watcher();
  poller.watch(a);
  poller.watch(b);
  await vi.advanceTimersByTimeAsync(0);
  poller.unwatch(a);
  expect(stopped()).toBe(false);
  poller.unwatch(b);
  expect(stopped()).toBe(true);
  const count = reads.length;
  await vi.advanceTimersByTimeAsync(120_000);
  expect(reads).toHaveLength(count);
});

it('keeps one value waiting in a stream: a slow subscriber gets the newest state', async () => {
  let returned = 0;
  const stream = new Stream<number>(() => returned++);
  stream.deliver({ value: 1 });
  stream.deliver({ value: 2 });
  expect(await stream.next()).toEqual({ value: 2, done: false });
  const waiting = stream.next();
  stream.deliver({ value: 3 });
  expect(await waiting).toEqual({ value: 3, done: false });
  stream.deliver({ error: new UpstreamError('NOT_FOUND', 'gone') });
  expect((await stream.next()).value).toBeInstanceOf(UpstreamError);
  expect(await stream.next()).toEqual({ value: undefined, done: true });
  expect(returned).toBe(1);
  // A return while the consumer waits ends its wait at once.
  const other = new Stream<number>(() => returned++);
  const pending = other.next();
  await other.return();
  expect(await pending).toEqual({ value: undefined, done: true });
  expect(returned).toBe(2);
});
