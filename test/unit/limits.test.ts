// The limit checks on their own, without a server: what each one counts, and where it stops.
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { entityLimit, lexicalLimit, nestingLimit } from '../../src/plugins/use-operation-limits.js';
import { jsonDepthExceeds } from '../../src/plugins/use-request-limits.js';
import { schema } from '../../src/schema/index.js';

describe('lexicalLimit', () => {
  const limits = { tokens: 10, depth: 3 };

  it('counts tokens, not characters: comments and whitespace are free', () => {
    expect(lexicalLimit(`# ${'x'.repeat(100_000)}\n{ a b c }`, limits)).toBeUndefined();
    expect(lexicalLimit('{ a b c d e f g h i }', limits)?.extensions.code).toBe('MAX_TOKENS_LIMIT');
  });

  it('stops at the first token over the limit, however long the rest', () => {
    const started = performance.now();
    expect(lexicalLimit(`{ ${'a '.repeat(2_000_000)}}`, limits)?.extensions.code).toBe('MAX_TOKENS_LIMIT');
    expect(performance.now() - started).toBeLessThan(1000); // it read 11 tokens, not 2 million
  });

  it('counts bracket nesting of every kind against twice the depth plus 32', () => {
    expect(nestingLimit(3)).toBe(38);
    expect(lexicalLimit(`${'['.repeat(38)}${']'.repeat(38)}`, { tokens: 1000, depth: 3 })).toBeUndefined();
    expect(lexicalLimit(`${'['.repeat(39)}${']'.repeat(39)}`, { tokens: 1000, depth: 3 })?.extensions.code).toBe('MAX_DEPTH_LIMIT');
    expect(lexicalLimit(`{ a(x: ${'{ y: '.repeat(39)}1${'}'.repeat(39)}) }`, { tokens: 1000, depth: 3 })?.extensions.code).toBe('MAX_DEPTH_LIMIT');
  });

  it('leaves a lexical syntax error to the parser, which reports it with its location', () => {
    expect(lexicalLimit('{ a "unterminated', limits)).toBeUndefined();
  });
});

describe('jsonDepthExceeds', () => {
  const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

  it('measures objects and arrays alike, without recursion', () => {
    expect(jsonDepthExceeds(nested(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nested(33), 32)).toBe(true);
    expect(jsonDepthExceeds(nested(200_000), 32)).toBe(true);
    expect(jsonDepthExceeds({ a: { b: [{ c: 1 }] } }, 3)).toBe(true);
    expect(jsonDepthExceeds({ a: { b: [1] } }, 3)).toBe(false);
    expect(jsonDepthExceeds(undefined, 1)).toBe(false);
  });
});

describe('entityLimit', () => {
  const query = parse('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }');
  const owner = { __typename: 'Owner', id: 'x' };

  it('counts the representations of every _entities field, through fragments and aliases', () => {
    const twice = parse('query ($r: [_Any!]!) { a: _entities(representations: $r) { __typename } ...F } fragment F on Query { b: _entities(representations: $r) { __typename } }');
    expect(entityLimit(schema, twice, undefined, { r: [owner, owner] }, 4)).toBeUndefined();
    expect(entityLimit(schema, twice, undefined, { r: [owner, owner, owner] }, 4)?.extensions.code).toBe('MAX_ENTITIES_LIMIT');
  });

  it('reads a single value as a list of one, as input coercion does, and leaves null to execution', () => {
    expect(entityLimit(schema, query, undefined, { r: {} }, 10)?.message).toBe('Representation 0 has no __typename; this subgraph resolves ElectricVehicle, HeatPump, Inverter, Owner, Wallbox');
    expect(entityLimit(schema, query, undefined, { r: null }, 10)).toBeUndefined();
    expect(entityLimit(schema, query, undefined, { r: owner }, 10)).toBeUndefined();
  });

  it('uses a variable\'s default value when the request gives none', () => {
    const withDefault = parse('query ($r: [_Any!]! = [{ __typename: "Nope" }]) { _entities(representations: $r) { __typename } }');
    expect(entityLimit(schema, withDefault, undefined, {}, 10)?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('looks only at the operation that runs', () => {
    const two = parse('query A { __typename } query B($r: [_Any!]!) { _entities(representations: $r) { __typename } }');
    expect(entityLimit(schema, two, 'A', { r: [{}] }, 10)).toBeUndefined();
    expect(entityLimit(schema, two, 'B', { r: [{}] }, 10)?.extensions.code).toBe('BAD_USER_INPUT');
  });
});
