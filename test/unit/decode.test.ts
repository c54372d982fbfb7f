import { describe, expect, it } from 'vitest';
import { Fields } from '../../src/upstream/decode.js';
import { UpstreamError } from '../../src/upstream/errors.js';

function reader(record: unknown) {
  const reports: [string, unknown][] = [];
  return { f: Fields.of(record, 'thing', (what, value) => reports.push([what, value])), reports };
}

describe('Fields (tolerant decoding)', () => {
  it('reads each type, and null or missing as null without a report', () => {
    const { f, reports } = reader({ s: 'x', i: 3, n: 2.5, b: false, u: 'ABCDEF00-0000-4000-8000-000000000000', d: '2026-01-02T03:04:05Z', nul: null });
    expect([f.string('s'), f.int('i'), f.number('n'), f.boolean('b'), f.uuid('u'), f.dateTime('d')]).toEqual([
      'x', 3, 2.5, false, 'abcdef00-0000-4000-8000-000000000000', new Date('2026-01-02T03:04:05Z'),
    ]);
    expect([f.string('nul'), f.int('missing'), f.dateTime('nul')]).toEqual([null, null, null]);
    expect(reports).toEqual([]);
  });

  it('reads a value of the wrong type as null and reports it', () => {
    const { f, reports } = reader({ i: 2.5, b: 'yes', u: 'nope', d: 'yesterday', o: [1], e: 'FR' });
    expect([f.int('i'), f.boolean('b'), f.uuid('u'), f.dateTime('d'), f.object('o'), f.oneOf('e', ['AT', 'DE_LU'])]).toEqual([null, null, null, null, null, null]);
    expect(reports.map(([what]) => what)).toEqual([
      'thing.i (expected integer)',
      'thing.b (expected boolean)',
      'thing.u (expected uuid)',
      'thing.d (expected date-time)',
      'thing.o (expected object)',
      'thing.e (expected AT|DE_LU)',
    ]);
  });

  it('reads the zero time as "never" (null)', () => {
    const { f, reports } = reader({ a: '0001-01-01T00:00:00Z', b: '0001-01-01T00:00:00+00:00', c: '0001-01-01T00:00:00.000000Z' });
    expect([f.dateTime('a'), f.dateTime('b'), f.dateTime('c')]).toEqual([null, null, null]);
    expect(reports).toEqual([]);
  });

  it('fails a record that is not an object, or misses a required value, with UPSTREAM_ERROR', () => {
    for (const body of [null, [], 'text', 42]) expect(() => Fields.of(body, 'wallbox', () => {})).toThrow(UpstreamError);
    const { f } = reader({});
    expect(() => f.required(f.dateTime('created_at'), 'created_at')).toThrow('without a valid created_at');
  });

  it('skips array items that are not objects, with a report', () => {
    const { f, reports } = reader({ list: [{ a: 1 }, 'x', null, { a: 2 }] });
    expect(f.objects('list').map((item) => item.int('a'))).toEqual([1, 2]);
    expect(reports.map(([what]) => what)).toEqual(['thing.list[1] (expected object)', 'thing.list[2] (expected object)']);
  });
});
