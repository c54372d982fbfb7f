// `npm run bench:live` at a tiny scale: its measuring functions (bench/live.ts) run against the same
// processes (simulator, dist/main.js, subscribers), so a harness that breaks fails here, not after a
// two-minute run. Counts only, never timings: the machines that run the tests are shared.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { liveMarkdown, liveTargets, machine, measureCalls, measureFanOut, measureMemory, startPeers, stopPeers, type CallsResult, type FanOutResult, type MemoryResult, type Peers } from '../../bench/live.js';
import { killAll } from '../../bench/processes.js';
import { LIVE_END, LIVE_START } from '../../bench/report.js';

let peers: Peers;
let memory: MemoryResult;
let fanOut: FanOutResult;
let calls: CallsResult;

beforeAll(async () => {
  peers = await startPeers();
});

afterAll(async () => {
  if (peers) await stopPeers(peers);
  killAll();
});

it('holds every subscription open, each with its first event, one poller per device', async () => {
  memory = await measureMemory(peers, { subscriptions: 20, devices: 2, settleMs: 200 });
  expect(memory.gaugedSubscriptions).toBe(20);
  expect(memory.gaugedPollers).toBe(2);
  expect(memory.errorEvents).toBe(0);
  expect(Number.isFinite(memory.rssKbPerSubscription)).toBe(true);
  expect(memory.loaded.heapUsedBytes).toBeGreaterThan(0);
});

it('delivers every change to every subscriber, timed from the poll that carried it', async () => {
  fanOut = await measureFanOut(peers, { subscribers: 20, changes: 3, intervalMs: 200 });
  expect(fanOut.changeList).toHaveLength(3);
  expect(fanOut.missing).toBe(0);
});

it('reads each device once per interval, whatever the number of its subscribers', async () => {
  // Polls are jittered ±10 % around the interval and a busy machine fires timers late, never early: over
  // 8 intervals of 500 ms the count rounds to the devices unless each poll is ~170 ms late. Without the
  // shared pollers it would be the subscribers, 10 times as many.
  calls = await measureCalls(peers, { subscriptions: 20, devices: 2, intervalMs: 500, intervals: 8 });
  expect(calls.devicesPolled).toBe(2);
  expect(Math.round(calls.callsPerInterval)).toBe(calls.devicesPolled);
  expect(calls.events).toBe(0);
});

it('renders its section between the markers the main benchmark keeps', () => {
  const measured = { memory, fanOut, calls };
  const section = liveMarkdown({ date: new Date().toISOString(), machine: machine(), mode: 'quick', ...measured, targets: liveTargets(measured), wallClockS: 0 });
  expect(section.startsWith(LIVE_START)).toBe(true);
  expect(section.endsWith(LIVE_END)).toBe(true);
  expect(liveTargets(measured).find((t) => t.name.startsWith('upstream calls'))!.pass).toBe(true);
});
