// Devices that change over time, so a client that polls (or a gateway subscription that polls for it)
// sees live data: a charging car fills up at a rate that wobbles and stops when full, a heat pump's
// temperatures drift, a boost that is `requested` starts charging a few seconds later. Off unless the
// simulator is started with `dynamics` (the demo turns it on): every test and snapshot that reads the
// seed stays exact.
//
// `tick(now)` is the whole model, a step on the store at a given clock, deterministic for a given PRNG
// seed; the driver only calls it on an interval. Each device reports a new reading every few seconds,
// at its own phase, not at every tick: the partner API's guidance is to poll every ~30 s, every ~3 s
// while a boost is `requested` (https://developers.podero.com/partner-api/user-journeys/end-user/dashboard-integration),
// so either poller sees changes, and a client is not flooded with them.
import { mulberry32 } from './faults.js';
import type { Charger } from './api/charging.js';
import { EV_CHARGER } from './api/electric-vehicles.js';
import { WALLBOX_CHARGER } from './api/wallboxes.js';
import type { DeviceKind, Json, StoredDevice } from './records.js';
import { isoTime, type Store } from './store.js';

export interface DynamicsOptions {
  /** Wall-clock ms between the driver's ticks; 0 starts no driver (a test calls `tick` itself). Default 1000. */
  intervalMs?: number;
  /** How long, on the store's clock, a boost stays `requested` before the car charges. Default 5000. */
  boostStartMs?: number;
  /** How often, on the store's clock, a device reports a new reading. Default 5000. */
  readingEveryMs?: number;
  /** Seed of the PRNG behind the wobble and the drift, so a run is reproducible. */
  seed?: number;
}

/**
 * How a heat pump's readings drift: at most `step` per reading, pulled back towards the value first
 * seen and never further from it than `band`, rounded to `digits`. Rooms, water and the outdoor air
 * change slowly; the flow temperatures and the compressor's power move more.
 */
export const HEAT_PUMP_DRIFT: Record<string, { step: number; band: number; digits: number }> = {
  outdoor_temperature: { step: 0.2, band: 2, digits: 1 },
  indoor_actual_temperature: { step: 0.1, band: 0.6, digits: 1 },
  inlet_temperature: { step: 0.3, band: 2, digits: 1 },
  outlet_temperature: { step: 0.3, band: 2, digits: 1 },
  dhw_temperature: { step: 0.2, band: 1.5, digits: 1 },
  current_power_consumption_w: { step: 40, band: 150, digits: 0 },
};

/** How far below its steady power a charger's rate wobbles (a car draws a little less than offered). */
export const RATE_WOBBLE = 0.04;

/**
 * The battery an EV's level is filled against: the records do not carry a capacity, so every car is
 * taken to be a mid-size one.
 */
export const EV_BATTERY_KWH = 60;

/** The kinds that charge a car, and how each boosts and tells it is full. */
const CHARGERS: Partial<Record<DeviceKind, Charger>> = { wallbox: WALLBOX_CHARGER, electric_vehicle: EV_CHARGER };

const HOUR_MS = 60 * 60 * 1000;

/** What the model remembers of a device between ticks (the record holds only what upstream shows). */
interface Memory {
  nextReadingAt: number;
  lastReadingAt: number;
  /** Plugged in, charging and boost state as last seen: a change made elsewhere (boost, plug) restarts the reading cycle. */
  chargeState: string;
  /** When the boost was first seen `requested`. */
  requestedSince: number | undefined;
  /** The power the device charges at when steady: its rate when charging was first seen. */
  steadyW: number | undefined;
  /** The battery level (or the minutes left) with the fraction that the record's integer leaves out. */
  level: number | undefined;
  /** The values a heat pump's readings drift around: those first seen. */
  anchors: Record<string, number>;
}

export class Dynamics {
  readonly #store: Store;
  readonly #intervalMs: number;
  readonly #boostStartMs: number;
  readonly #readingEveryMs: number;
  readonly #random: () => number;
  // Keyed by the stored device: a reset of the store makes new ones, and with them a fresh memory.
  readonly #memory = new WeakMap<StoredDevice, Memory>();
  #timer: NodeJS.Timeout | undefined;

  constructor(store: Store, options: DynamicsOptions = {}) {
    this.#store = store;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#boostStartMs = options.boostStartMs ?? 5000;
    this.#readingEveryMs = options.readingEveryMs ?? 5000;
    this.#random = mulberry32(options.seed ?? 1);
  }

  /** Starts calling `tick` on an interval that does not keep the process alive; a no-op with `intervalMs: 0`. */
  start(): void {
    if (this.#timer || this.#intervalMs === 0) return;
    this.#timer = setInterval(() => this.tick(), this.#intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One step of the model at `now` (ms since the epoch, the store's clock unless given). */
  tick(now: number = this.#store.now()): void {
    for (const device of this.#store.devices.values()) {
      // A deleted device reports nothing, nor does one its cloud cannot reach.
      if (device.record.deleted_at || device.record.connection_status === 'error') continue;
      const memory = this.#memoryOf(device, now);
      const charger = CHARGERS[device.kind];
      if (charger && this.#startRequestedBoost(device.record, charger, memory, now)) continue;
      if (now < memory.nextReadingAt) continue;
      if (charger) this.#chargeReading(device, charger, memory, now);
      else if (device.kind === 'heat_pump') this.#heatPumpReading(device.record, memory, now);
      memory.lastReadingAt = now;
      memory.nextReadingAt = now + this.#readingEveryMs;
    }
  }

  /** The device's memory, first made at a random phase of the reading cycle so devices do not all change at once. */
  #memoryOf(device: StoredDevice, now: number): Memory {
    let memory = this.#memory.get(device);
    if (!memory) {
      const nextReadingAt = now + Math.floor(this.#random() * this.#readingEveryMs);
      memory = { nextReadingAt, lastReadingAt: now, chargeState: '', requestedSince: undefined, steadyW: undefined, level: undefined, anchors: {} };
      this.#memory.set(device, memory);
      this.#charged(device.record, memory, now, nextReadingAt);
    } else if (chargeState(device.record) !== memory.chargeState) this.#charged(device.record, memory, now);
    return memory;
  }

  /**
   * The charge state changed (here, or through the API: a boost, a plug-in): what charged before says
   * nothing now, and the next reading is a full cycle away, so a client that reads right after the
   * change sees what the change set.
   */
  #charged(record: Json, memory: Memory, now: number, nextReadingAt = now + this.#readingEveryMs): void {
    memory.chargeState = chargeState(record);
    memory.requestedSince = record.boost_state === 'requested' ? now : undefined;
    memory.steadyW = record.is_charging === true && typeof record.charge_rate_w === 'number' ? record.charge_rate_w : undefined;
    memory.lastReadingAt = now;
    memory.nextReadingAt = nextReadingAt;
  }

  /** A boost `requested` for `boostStartMs` (counted from the first tick that saw it) starts charging at the boost's power. */
  #startRequestedBoost(record: Json, charger: Charger, memory: Memory, now: number): boolean {
    if (memory.requestedSince === undefined || now - memory.requestedSince < this.#boostStartMs) return false;
    // As a boost that starts at once does (api/charging.ts): the steering state is left as it was.
    Object.assign(record, { boost_state: 'ongoing', is_charging: true, charge_rate_w: charger.boostPowerW(record) });
    stamp(record, charger, now, true);
    this.#charged(record, memory, now);
    return true;
  }

  /** A charging device's reading: the car fills by what it drew since the last one; full, it stops; else the rate wobbles. */
  #chargeReading(device: StoredDevice, charger: Charger, memory: Memory, now: number): void {
    const record = device.record;
    const rateW = record.charge_rate_w;
    if (record.is_charging !== true || typeof rateW !== 'number' || rateW <= 0) return;
    const hours = Math.max(0, now - memory.lastReadingAt) / HOUR_MS;
    if (device.kind === 'electric_vehicle') fillBattery(record, memory, (rateW * hours) / 1000);
    else countDown(record, memory, hours * 60);
    if (charger.isFull(record)) {
      stopFull(record);
      stamp(record, charger, now, true);
      this.#charged(record, memory, now);
      return;
    }
    if (memory.steadyW !== undefined) record.charge_rate_w = Math.round(memory.steadyW * (1 - RATE_WOBBLE * this.#random()));
    stamp(record, charger, now, false);
  }

  /** A heat pump's reading: each temperature it reports (and its power) takes a small step of a bounded random walk. */
  #heatPumpReading(record: Json, memory: Memory, now: number): void {
    let changed = false;
    for (const [field, { step, band, digits }] of Object.entries(HEAT_PUMP_DRIFT)) {
      const value = record[field];
      if (typeof value !== 'number') continue;
      const anchor = (memory.anchors[field] ??= value);
      // The pull back keeps the walk near where the house (or the weather) settled, not at the bound.
      const walked = value + step * (2 * this.#random() - 1) - 0.1 * (value - anchor);
      const next = round(Math.min(anchor + band, Math.max(anchor - band, walked)), digits);
      changed ||= next !== value;
      record[field] = next;
    }
    if (changed) record.current_state_last_updated_at = isoTime(now);
  }
}

/** What `#charged` watches: a change to any of these is a change of the charge state. */
function chargeState(record: Json): string {
  return [record.is_plugged_in, record.is_charging, record.boost_state].join('|');
}

/** An EV's battery level rises by `kwh` against `EV_BATTERY_KWH`, never past its charge target (100 % without one). */
function fillBattery(record: Json, memory: Memory, kwh: number): void {
  if (typeof record.battery_level !== 'number') return;
  // The record shows whole percent: the fraction is kept here, unless the level was changed elsewhere.
  if (memory.level === undefined || Math.floor(memory.level) !== record.battery_level) memory.level = record.battery_level;
  const target = Math.min(100, (record.charge_target_max as number | null) ?? 100);
  memory.level = Math.min(memory.level + (kwh / EV_BATTERY_KWH) * 100, Math.max(memory.level, target));
  record.battery_level = Math.floor(memory.level);
}

/**
 * A wallbox's minutes left count down; at none the car is full. A wallbox does not know the car's
 * battery level, and one that reports no time left (null) charges until it is unplugged or unboosted.
 */
function countDown(record: Json, memory: Memory, minutes: number): void {
  if (typeof record.charge_time_remaining !== 'number') return;
  if (memory.level === undefined || Math.ceil(memory.level) !== record.charge_time_remaining) memory.level = record.charge_time_remaining;
  memory.level = Math.max(0, memory.level - minutes);
  record.charge_time_remaining = Math.ceil(memory.level);
  if (memory.level === 0) record.is_fully_charged = true;
}

/** The car is full: charging stops, and a boost is no longer possible (as when a full car is plugged in). */
function stopFull(record: Json): void {
  Object.assign(record, { is_charging: false, charge_rate_w: 0 });
  if (record.boost_state === 'ongoing' || record.boost_state === 'available') record.boost_state = 'unavailable';
  if (record.actual_steering_state === 'charging') record.actual_steering_state = 'idle';
}

/**
 * A reading stamps when the device's state was last read, and the kind's charge-state stamp; a change of
 * state (a boost starting, charging stopping) is a change of the record as well, so it moves `updated_at`.
 */
function stamp(record: Json, charger: Charger, now: number, transition: boolean): void {
  const at = isoTime(now);
  record.current_state_last_updated_at = at;
  record[charger.chargeStateStamp] = at;
  if (transition) record.updated_at = at;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
