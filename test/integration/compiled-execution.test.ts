// Operations run compiled (graphql-jit) from their second use (src/plugins/use-compiled-execution.ts).
// Compiled or interpreted, an answer must be the same, byte for byte: data, partial data, errors with
// their codes, paths and locations. Each operation below runs once interpreted, then again until the
// gateway reports it compiled, and once more compiled; the two answers are compared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, isInterfaceType, isObjectType, isUnionType, type GraphQLNamedType } from 'graphql';
import { schema } from '../../src/schema/index.js';
import type { Simulator } from '../../src/simulator/server.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { multiplying } from '../../bench/hostile-cases.js';
import { operationCost } from '../../src/plugins/operation-cost.js';
import { MAX_COMPILED_FIELDS } from '../../src/plugins/use-compiled-execution.js';
import { getOperationAST, parse } from 'graphql';
import { startStack, type GraphQLResponse, type RunningGateway } from '../helpers/stack.js';

let sim: Simulator;
let gateway: RunningGateway;

beforeAll(async () => {
  ({ sim, gateway } = await startStack());
});
afterAll(async () => {
  await gateway?.close();
  await sim?.close();
});

/** Fields that read other resources (the owner's device lists, the building, statistics): not this test's subject. */
const OTHER_RESOURCES = new Set(['devices', 'heatPumps', 'electricVehicles', 'inverters', 'building', 'statistics']);

/**
 * Every field of a type that takes no required argument, objects followed `depth` levels deep, and
 * abstract types through an inline fragment per possible type (its fields aliased by type, since
 * possible types may give one field different nullability): the whole of what a client can read.
 */
function everything(type: GraphQLNamedType, depth: number, aliasPrefix = ''): string {
  if (isUnionType(type) || isInterfaceType(type)) {
    const possible = schema.getPossibleTypes(type);
    return `{ __typename ${possible.map((p) => `... on ${p.name} ${everything(p, depth, `${p.name}_`)}`).join(' ')} }`;
  }
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields()).filter(
    (f) => f.args.every((a) => !a.type.toString().endsWith('!') || a.defaultValue !== undefined) && !OTHER_RESOURCES.has(f.name),
  );
  const selected = fields.flatMap((f) => {
    const named = getNamedType(f.type);
    const field = aliasPrefix ? `${aliasPrefix}${f.name}: ${f.name}` : f.name;
    if (isObjectType(named) || isInterfaceType(named) || isUnionType(named)) return depth > 0 ? [`${field} ${everything(named, depth - 1)}`] : [];
    return [field];
  });
  return `{ ${selected.join(' ')} }`;
}

/** Sends an operation until the gateway logs it compiled; resolves with its first (interpreted) and last (compiled) answers. */
async function interpretedAndCompiled(name: string, query: string, variables?: Record<string, unknown>): Promise<[GraphQLResponse, GraphQLResponse]> {
  const compiled = () => gateway.logs.some((line) => line.includes('"operation compiled"') && line.includes(`"operation":"${name}"`));
  expect(compiled(), `${name} must not be compiled before the test`).toBe(false);
  const first = await gateway.graphql(query, variables);
  for (let i = 0; i < 50 && !compiled(); i++) {
    await gateway.graphql(query, variables);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(compiled(), `${name} was never compiled: ${gateway.logs.filter((l) => l.includes('interpreted')).join('\n')}`).toBe(true);
  return [first, await gateway.graphql(query, variables)];
}

describe('compiled operations answer exactly as interpreted ones', () => {
  it('every field of every seeded wallbox, deleted ones included', async () => {
    const query = `query EveryWallboxField($u: UUID!, $w: UUID!) { wallbox(userId: $u, id: $w, includeDeleted: true) ${everything(schema.getType('Wallbox')!, 3)} }`;
    const wallboxes = sim.seed.wallboxes.map((w) => ({ u: w.userId, w: String(w.record.id) }));
    await interpretedAndCompiled('EveryWallboxField', query, wallboxes[0]);
    for (const [i, variables] of wallboxes.entries()) {
      // The same operation as a document of its own (a comment makes it one): used once, so interpreted.
      const interpreted = await gateway.graphql(`${query}\n# reference ${i}`, variables);
      const compiled = await gateway.graphql(query, variables);
      expect(interpreted.body.errors, JSON.stringify(variables)).toBeUndefined();
      expect(interpreted.body.data.wallbox.id).toBe(variables.w);
      expect(compiled.text).toBe(interpreted.text);
    }
  });

  it('partial data with upstream errors: codes, paths and locations', async () => {
    const query = `query PartlyMissing {
      found: wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id owner { firstName } }
      missing: wallbox(userId: "${USER_IDS.anna}", id: "0badc0de-0000-4000-8000-000000000000") { id }
    }`;
    const [interpreted, compiled] = await interpretedAndCompiled('PartlyMissing', query);
    expect(interpreted.body.data.found.id).toBe(WALLBOX_IDS.full);
    expect(interpreted.body.errors?.map((e) => [e.extensions.code as string, e.path])).toEqual([['NOT_FOUND', ['missing']]]);
    expect(compiled.text).toBe(interpreted.text);
  });

  it('variables that do not coerce: BAD_USER_INPUT and no upstream call, either way', async () => {
    const query = `query BadVariable($id: UUID!) { wallbox(userId: "${USER_IDS.anna}", id: $id) { id } }`;
    const calls = () => sim.count('GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}');
    const before = calls();
    const interpreted = await gateway.graphql(query, { id: 'not-a-uuid' });
    expect(interpreted.body.errors?.map((e) => e.extensions.code as string)).toEqual(['BAD_USER_INPUT']);
    expect(calls()).toBe(before);
    const [, valid] = await interpretedAndCompiled('BadVariable', query, { id: WALLBOX_IDS.full });
    expect(valid.body.data.wallbox.id).toBe(WALLBOX_IDS.full);
    const afterCompiling = calls();
    const compiled = await gateway.graphql(query, { id: 'not-a-uuid' });
    expect(compiled.text).toBe(interpreted.text);
    expect(calls()).toBe(afterCompiling);
  });
});

it('never compiles federation _entities, introspection or _service', async () => {
  const operations = {
    Entities: `query Entities { _entities(representations: [{ __typename: "Wallbox", id: "${WALLBOX_IDS.full}", owner: { id: "${USER_IDS.anna}" } }]) { ... on Wallbox { id } } }`,
    Introspection: 'query Introspection { __schema { queryType { name } } }',
    Service: 'query Service { _service { sdl } }',
    // The same root fields spread from a fragment.
    Fragment: 'query Fragment { ...Sdl } fragment Sdl on Query { _service { sdl } }',
  };
  for (const [name, query] of Object.entries(operations)) {
    for (let i = 0; i < 5; i++) expect((await gateway.graphql(query)).body.errors, name).toBeUndefined();
    expect(gateway.logs.some((line) => line.includes('"operation compiled"') && line.includes(`"operation":"${name}"`)), name).toBe(false);
  }
});

it('never compiles an operation with more expanded fields than MAX_COMPILED_FIELDS, however often it comes', async () => {
  // Three aliases walking a user's devices through two levels of fragments: few tokens, within the cost
  // limit, but every field once per device kind at each level.
  const query = multiplying(2, 3, 'Large');
  const document = parse(query);
  expect(operationCost(schema, document, getOperationAST(document)!).fields).toBeGreaterThan(MAX_COMPILED_FIELDS);
  const answers = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const { body, text } = await gateway.graphql(query);
    expect(body.errors).toBeUndefined();
    answers.add(text);
  }
  expect(answers.size).toBe(1);
  expect(gateway.logs.some((line) => line.includes('"operation compiled"') && line.includes('"operation":"QLarge"'))).toBe(false);
  expect(gateway.logs.some((line) => line.includes('too large to compile') && line.includes('"operation":"QLarge"'))).toBe(true);
});
