// Heat-pump statistics over real HTTP: one item per resolution asked for, each the last completed
// period, numbers derived from the device and the clock (so they add up across resolutions), and the
// 422s for what the query may not hold.
import { describe, expect, it } from 'vitest';
import { HEAT_PUMP_IDS, USER_IDS, WALLBOX_IDS, type Json } from '../../src/simulator/seed.js';
import { START, devicePath, ownerOf, simulatorPerFile, type TestSimulator } from './client.js';

const t = simulatorPerFile();
/** A second simulator whose clock a test sets anywhere, to compare answers at different times. */
let clock = START;
const other = simulatorPerFile({ now: () => clock });

const DAY = 86_400_000;
const stats = (query = '', id: string = HEAT_PUMP_IDS.full, sim: TestSimulator = t) => sim.api('GET', `${devicePath('heat-pumps', ownerOf(sim.sim, id), id)}/statistics${query}`);
const periodOf = (item: Json) => item.period as { start_period: string; end_period: string };

describe('statistics', () => {
  it('answers yesterday with savings and consumption by default', async () => {
    const answer = await stats();
    expect(answer.status).toBe(200);
    expect(answer.body.metadata).toEqual({
      requested_at: '2026-11-26T08:00:00Z',
      query: { resolution: ['1DAY'], keywords: ['savings', 'consumption'] },
      units: expect.objectContaining({ savings: { total: 'EUR', percentage: '%' }, consumption: { total: 'kWh' } }),
      error: null,
    });
    expect(answer.body.data).toEqual([
      {
        resolution: '1DAY',
        period: { start_period: '2026-11-25T00:00:00Z', end_period: '2026-11-26T00:00:00Z' },
        savings: { total: expect.any(Number), percentage: expect.any(Number) },
        consumption: { total: expect.any(Number) },
        heat_pump: { estimated_consumption_wh: expect.any(Number) },
        electric_vehicle: null,
        inverter: null,
      },
    ]);
    const { savings, consumption, heat_pump } = answer.body.data[0];
    expect(savings.percentage).toBeGreaterThanOrEqual(7);
    expect(savings.percentage).toBeLessThanOrEqual(20);
    expect(savings.total).toBeCloseTo((consumption.total * 0.3 * savings.percentage) / 100, 2);
    expect(heat_pump.estimated_consumption_wh / 1000).toBeCloseTo(consumption.total, 2);
  });

  it('reports consumption_last_day_kwh for the day before consumption_last_updated_at', async () => {
    // Measured 2026-11-25T00:05Z: the last day is the 24th, which a clock on the 25th calls yesterday.
    clock = Date.parse('2026-11-25T12:00:00Z');
    expect((await stats('', HEAT_PUMP_IDS.full, other)).body.data[0].consumption).toEqual({ total: 28.6 });
  });

  it('reports the last completed period of each resolution, in the order asked', async () => {
    const { data } = (await stats('?resolution=1YEAR,1DAY,1WEEK,1MONTH,1QUARTER,1DAY')).body;
    expect(data.map((d: Json) => [d.resolution, periodOf(d).start_period, periodOf(d).end_period])).toEqual([
      ['1YEAR', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
      ['1DAY', '2026-11-25T00:00:00Z', '2026-11-26T00:00:00Z'],
      // 2026-11-26 is a Thursday: the last full week ran Monday 16th to Sunday 22nd.
      ['1WEEK', '2026-11-16T00:00:00Z', '2026-11-23T00:00:00Z'],
      ['1MONTH', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
      ['1QUARTER', '2026-07-01T00:00:00Z', '2026-10-01T00:00:00Z'],
    ]);
  });

  it('adds up: a week is the sum of its days, whenever they are asked for, and repeats exactly', async () => {
    const week = (await stats('?resolution=1WEEK&keywords=consumption')).body.data[0].consumption.total as number;
    let sum = 0;
    for (clock = Date.parse('2026-11-17T08:00:00Z'); clock < Date.parse('2026-11-24T00:00:00Z'); clock += DAY) {
      sum += (await stats('?keywords=consumption', HEAT_PUMP_IDS.full, other)).body.data[0].consumption.total;
    }
    expect(sum).toBeCloseTo(week, 1);
    expect((await stats('?resolution=1WEEK&keywords=consumption')).body.data[0].consumption.total).toBe(week);
  });

  it('moves with the clock', async () => {
    const before = (await stats('?resolution=1MONTH')).body.data[0];
    t.advance(5 * DAY);
    const after = (await stats('?resolution=1MONTH')).body;
    expect(after.metadata.requested_at).toBe(new Date(START + 5 * DAY).toISOString().replace('.000Z', 'Z'));
    expect(periodOf(after.data[0])).toEqual({ start_period: '2026-11-01T00:00:00Z', end_period: '2026-12-01T00:00:00Z' });
    expect(after.data[0].consumption.total).not.toBe(before.consumption.total);
  });

  it('leaves out what the keywords do not ask for', async () => {
    const savings = (await stats('?keywords=savings')).body;
    expect(savings.metadata.query.keywords).toEqual(['savings']);
    expect(savings.data[0]).toMatchObject({ savings: { total: expect.any(Number) }, consumption: null });
    expect((await stats('?keywords=consumption')).body.data[0]).toMatchObject({ savings: null, consumption: { total: expect.any(Number) } });
  });

  it('saves nothing without smart optimisation, and counts nothing before the device existed', async () => {
    await t.api('PUT', devicePath('heat-pumps', USER_IDS.anna!, HEAT_PUMP_IDS.full), { is_smart_optimization_active: false });
    expect((await stats()).body.data[0].savings).toEqual({ total: 0, percentage: 0 });
    // Connected in October 2025: nothing in the first quarter of that year.
    const year = (await stats('?resolution=1YEAR&keywords=consumption')).body.data[0].consumption.total;
    expect(year).toBeGreaterThan(0);
    expect(year).toBeLessThan(28.6 * 120);
    expect((await stats('?resolution=1YEAR', HEAT_PUMP_IDS.sparse)).body.data[0]).toMatchObject({ consumption: { total: 0 }, savings: { total: 0, percentage: 0 } });
  });

  it.each([
    ['?resolution=2DAYS', 'resolution'],
    ['?resolution=1day', 'resolution'],
    ['?resolution=', 'resolution'],
    ['?resolution=1DAY,1DECADE', 'resolution'],
    ['?keywords=cost', 'keywords'],
  ])('refuses %s (422)', async (query, name) => {
    expect(await stats(query)).toEqual({ status: 422, body: { detail: [{ type: 'enum', loc: ['query', name], msg: expect.any(String) }] } });
  });

  it('is found only for a live heat pump of the user', async () => {
    expect((await stats('', HEAT_PUMP_IDS.deleted)).status).toBe(404);
    expect((await t.api('GET', `${devicePath('heat-pumps', USER_IDS.anna!, WALLBOX_IDS.full)}/statistics`)).status).toBe(404);
    expect((await t.api('GET', `${devicePath('heat-pumps', USER_IDS.anna!, 'hp')}/statistics`)).body.detail[0].loc).toEqual(['path', 'heat_pump_id']);
    expect((await t.api('GET', `${devicePath('heat-pumps', USER_IDS.anna!, HEAT_PUMP_IDS.full)}/statistics`, undefined, { token: null })).status).toBe(401);
  });
});
