// What operations cost (src/plugins/operation-cost.ts), measured on the operations the gateway ships:
// every one of them passes the default cost limit and may be compiled, and the hostile shapes that
// multiply through fragments are refused and never compiled. The figures behind the defaults' margins
// (src/config.ts, README "Limits") come from here.
import { readFileSync, readdirSync } from 'node:fs';
import { Kind, getIntrospectionQuery, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { startDemo } from '../../src/demo.js';
import { LIST_FACTOR, operationCost, type OperationCost } from '../../src/plugins/operation-cost.js';
import { MAX_COMPILED_FIELDS } from '../../src/plugins/use-compiled-execution.js';
import { schema } from '../../src/schema/index.js';
import { USER_IDS } from '../../src/simulator/seed.js';

const demo = await startDemo();
afterAll(() => demo.simulator.close());

function costs(text: string): (OperationCost & { name: string })[] {
  const document = parse(text);
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({ name: operation.name?.value ?? 'anonymous', ...operationCost(schema, document, operation) }));
}

const cost = (text: string): OperationCost => {
  const { cost: total, fields } = costs(text)[0]!;
  return { cost: total, fields };
};

/** `n` aliases, each walking a user's devices through `levels` fragments on the Device interface. */
function multiplying(levels: number, n = 40): string {
  const fragments = Array.from(
    { length: levels },
    (_, i) => `fragment F${i} on Device { id connectionStatus createdAt deviceModel { manufacturer model } actions { code } ${i === levels - 1 ? 'id' : `owner { devices { ...F${i + 1} } }`} }`,
  );
  return `query Q { ${Array.from({ length: n }, (_, i) => `a${i}: user(id: "${USER_IDS.anna}") { devices { ...F0 } }`).join(' ')} }\n${fragments.join('\n')}`;
}

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const APOLLO = new URL('../../examples/apollo-client/operations/', import.meta.url);
const introspection = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
const shipped: [string, string][] = [
  ...[...readme.matchAll(/```graphql[^\n]*\n([\s\S]*?)```/g)].map((m, i): [string, string] => [`README example ${i + 1}`, m[1]!]),
  ...demo.examples.map((text, i): [string, string] => [`demo tab ${i + 1}`, text]),
  ...readdirSync(APOLLO).map((file): [string, string] => [`Apollo Client example ${file}`, readFileSync(new URL(file, APOLLO), 'utf8')]),
  ['a router batch of wallboxes and owners', 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Wallbox { id connectionStatus chargeRateW owner { id firstName } } ... on Owner { id email devices { id } } } }'],
];

describe('the operations the gateway ships', () => {
  it.each(shipped)('%s passes the default cost limit with a margin of 100, and may be compiled', (_name, text) => {
    for (const measured of costs(text)) {
      expect(measured.cost * 100, measured.name).toBeLessThanOrEqual(DEFAULT_LIMITS.cost);
      expect(measured.fields * 5, measured.name).toBeLessThanOrEqual(MAX_COMPILED_FIELDS);
    }
  });

  it("GraphiQL's full introspection query passes the default cost limit", () => {
    // The costliest legitimate operation; the default's margin over it is stated in src/config.ts.
    expect(cost(introspection).cost).toBe(51_853);
    expect(cost(introspection).cost * 1.9).toBeLessThan(DEFAULT_LIMITS.cost);
  });
});

describe('the cost model', () => {
  it('counts a field once, and LIST_FACTOR times inside a list', () => {
    expect(cost('{ __typename }')).toEqual({ cost: 1, fields: 1 });
    // me (1) + devices (1 + 10 x (id + connectionStatus)) ; the interface's 4 kinds each compile both fields.
    expect(cost('{ me { devices { id connectionStatus } } }')).toEqual({ cost: 1 + 1 + LIST_FACTOR * 2, fields: 1 + 1 + 4 * 2 });
  });

  it('counts an abstract selection at its costliest type, and compiles it once per type', () => {
    const measured = cost('{ me { devices { id ... on HeatPump { deviceModel { manufacturer model } } } } }');
    expect(measured.cost).toBe(2 + LIST_FACTOR * (1 + 3));
    expect(measured.fields).toBe(2 + 4 + 3);
  });

  it('expands fragments: the same selection written through fragments costs the same', () => {
    const inline = cost('{ me { devices { id connectionStatus owner { id } } } }');
    const viaFragments = cost('{ me { ...U } } fragment U on Owner { devices { ...D } } fragment D on Device { id ...S } fragment S on Device { connectionStatus owner { id } }');
    expect(viaFragments).toEqual(inline);
  });

  it('measures fragments that multiply each other without expanding them: the hostile shapes cost millions', () => {
    const three = cost(multiplying(3));
    expect(three.cost).toBeGreaterThan(8 * DEFAULT_LIMITS.cost);
    expect(three.fields).toBeGreaterThan(60 * MAX_COMPILED_FIELDS);
    // Five levels: tens of millions of fields, measured by visiting each selection set once per type.
    expect(cost(multiplying(5)).cost).toBeGreaterThan(8e7);
    // Two branches per fragment through 40 fragments: 2^40 paths, each fragment measured once per type.
    const fanOut = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Owner { id ${i < 39 ? `a: devices { owner { ...F${i + 1} } } b: devices { owner { ...F${i + 1} } }` : ''} }`);
    expect(cost(`{ me { ...F0 } }\n${fanOut.join('\n')}`).cost).toBeGreaterThan(1e14);
  });

  it('is refused at the default limit at three levels, and would not be compiled even at two', () => {
    expect(cost(multiplying(2)).fields).toBeGreaterThan(MAX_COMPILED_FIELDS);
    expect(cost(multiplying(3)).cost).toBeGreaterThan(DEFAULT_LIMITS.cost);
  });
});
