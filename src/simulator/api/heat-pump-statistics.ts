// `GET …/heat-pumps/{id}/statistics`: savings and consumption per requested resolution. The simulator
// has no meter history, so it derives every number from the device and the clock: a day's consumption
// follows the season from the device's `consumption_last_day_kwh`, varied per day by a hash of the
// device id and the date; savings are a per-device share of the cost while smart optimisation is on.
// The clock picks the periods.
// https://developers.podero.com/api-reference/user-heat-pumps/get-statistics-for-a-specified-heat-pump
import { createHash } from 'node:crypto';
import { ok, unprocessable, type Reply } from '../http.js';
import type { Json, StoredDevice } from '../records.js';
import { isoTime, type Store } from '../store.js';
import { listParam, queryParam } from '../validate.js';

export const RESOLUTIONS = ['1DAY', '1WEEK', '1MONTH', '1QUARTER', '1YEAR'] as const;
export const KEYWORDS = ['savings', 'consumption'] as const;

type Resolution = (typeof RESOLUTIONS)[number];

const DAY = 24 * 60 * 60 * 1000;
/** The price the simulator assumes for the savings, in EUR/kWh. */
const PRICE_EUR_PER_KWH = 0.3;

/**
 * The statistics answer. Each resolution reports its last completed calendar period in UTC (1DAY:
 * yesterday; 1WEEK: the last full ISO week; ...), `end_period` exclusive. Sub-objects of the other
 * device kinds are null, and a keyword not asked for is null.
 */
export function statistics(store: Store, device: StoredDevice, query: URLSearchParams): Reply {
  const resolution = queryParam(query, 'resolution', listParam(RESOLUTIONS), ['1DAY']);
  const keywords = queryParam(query, 'keywords', listParam(KEYWORDS), [...KEYWORDS]);
  const problems = [...resolution.problems, ...keywords.problems];
  if (problems.length > 0) return unprocessable(problems);
  const now = store.now();
  const wanted = new Set(keywords.value);
  const data = (resolution.value as Resolution[]).map((r) => {
    const [start, end] = lastPeriod(r, now);
    const kwh = consumptionKwh(device.record, start, end);
    const percentage = savingsPercentage(device.record, start);
    return {
      resolution: r,
      period: { start_period: isoTime(start), end_period: isoTime(end) },
      savings: wanted.has('savings') ? { total: round(kwh * PRICE_EUR_PER_KWH * (percentage / 100), 2), percentage } : null,
      consumption: wanted.has('consumption') ? { total: round(kwh, 2) } : null,
      heat_pump: { estimated_consumption_wh: Math.round(kwh * 1000) },
      electric_vehicle: null,
      inverter: null,
    };
  });
  return ok({
    metadata: {
      requested_at: isoTime(now),
      query: { resolution: resolution.value, keywords: keywords.value },
      units: { savings: { total: 'EUR', percentage: '%' }, consumption: { total: 'kWh' }, heat_pump: { estimated_consumption_wh: 'Wh' } },
      error: null,
    },
    data,
  });
}

/** The last completed period of a resolution before `now`, as [start, end) in ms (UTC calendar). */
function lastPeriod(resolution: Resolution, now: number): [number, number] {
  const d = new Date(now);
  const [y, m] = [d.getUTCFullYear(), d.getUTCMonth()];
  const today = Date.UTC(y, m, d.getUTCDate());
  switch (resolution) {
    case '1DAY':
      return [today - DAY, today];
    case '1WEEK': {
      const monday = today - ((d.getUTCDay() + 6) % 7) * DAY;
      return [monday - 7 * DAY, monday];
    }
    case '1MONTH':
      return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
    case '1QUARTER': {
      const quarter = m - (m % 3);
      return [Date.UTC(y, quarter - 3, 1), Date.UTC(y, quarter, 1)];
    }
    case '1YEAR':
      return [Date.UTC(y - 1, 0, 1), Date.UTC(y, 0, 1)];
  }
}

/**
 * kWh consumed in [start, end): the sum of its days, none before the device existed. The day before
 * `consumption_last_updated_at` consumed `consumption_last_day_kwh`; other days follow the season from
 * there, so the history stays the same whatever the clock says.
 */
function consumptionKwh(record: Json, start: number, end: number): number {
  const base = typeof record.consumption_last_day_kwh === 'number' ? record.consumption_last_day_kwh : 0;
  const measured = Date.parse(String(record.consumption_last_updated_at));
  if (base === 0 || Number.isNaN(measured)) return 0;
  const anchor = measured - (measured % DAY) - DAY;
  const created = Date.parse(String(record.created_at));
  const factor = (day: number) => season(day) * variation(String(record.id), day);
  let total = 0;
  for (let day = start; day < end; day += DAY) if (day + DAY > created) total += (base * factor(day)) / factor(anchor);
  return total;
}

/** Heating demand over the year: highest in mid-January, lowest in mid-July. */
function season(day: number): number {
  const dayOfYear = (day - Date.UTC(new Date(day).getUTCFullYear(), 0, 1)) / DAY;
  return 1 + 0.6 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25);
}

/** Day-to-day weather: ±15 %, the same for a device and a day on every run. */
function variation(id: string, day: number): number {
  return 0.85 + 0.3 * fraction(`${id}:${isoTime(day)}`);
}

/** Savings as a share of the cost: 8-18 % per device (varied per period), none without smart optimisation. */
function savingsPercentage(record: Json, start: number): number {
  if (record.is_smart_optimization_active !== true) return 0;
  const id = String(record.id);
  return round((8 + 10 * fraction(id)) * (0.9 + 0.2 * fraction(`${id}:${isoTime(start)}`)), 1);
}

function fraction(text: string): number {
  return parseInt(createHash('sha1').update(text).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
