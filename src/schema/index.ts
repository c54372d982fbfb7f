import { printSubgraphSchema } from '@apollo/subgraph';
import { isInterfaceType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import { DEVICE_KINDS } from './device-kinds.js';
import './enums.js';
import './device-model.js';
import './owner.js';
import './action.js';
import './device.js';
import './wallbox.js';
import './wallbox-mutations.js';
import './heat-pump.js';
import './electric-vehicle.js';
import './inverter.js';
import './building.js';
import './onboarding.js';

export { executionEnded } from './builder.js';

/**
 * The gateway's one schema: the public API, and a Federation 2 subgraph (`_service`, `_entities`), so
 * the same server answers GraphiQL, Apollo Client and a supergraph router.
 */
export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key'],
});

assertEveryRootFieldIsScoped(schema);
assertEveryDeviceKindIsServed(schema);

/**
 * A root field without `authScopes` would let any caller reach any user's data: such a schema is not
 * built at all (the gateway does not start, and every test fails). `_entities` checks each
 * representation in its type's resolveReference; `_service` is the public subgraph SDL.
 */
function assertEveryRootFieldIsScoped(built: GraphQLSchema): void {
  const unscoped = [built.getQueryType(), built.getMutationType(), built.getSubscriptionType()].flatMap((root) =>
    Object.values(root?.getFields() ?? {})
      .filter((field) => !['_entities', '_service'].includes(field.name))
      .filter((field) => (field.extensions.pothosOptions as { authScopes?: unknown } | undefined)?.authScopes === undefined)
      .map((field) => `${root!.name}.${field.name}`),
  );
  if (unscoped.length > 0) throw new Error(`Root fields without authScopes (see src/schema/scopes.ts): ${unscoped.join(', ')}`);
}

/**
 * Every kind of device-kinds.ts has its type in the schema: a kind whose file is not imported above
 * would leave its devices without a type to resolve to, so such a schema is not built either.
 */
function assertEveryDeviceKindIsServed(built: GraphQLSchema): void {
  const device = built.getType('Device');
  const served = new Set(isInterfaceType(device) ? built.getPossibleTypes(device).map((type) => type.name) : []);
  const missing = Object.values(DEVICE_KINDS).filter((kind) => !served.has(kind.name));
  if (missing.length > 0) throw new Error(`Device kinds without their type (import their file in src/schema/index.ts): ${missing.map((kind) => kind.name).join(', ')}`);
}

/** schema/schema.graphql: the schema as served, printed and sorted, so diffs show only real changes. */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(schema));
}

/** schema/subgraph.graphql: the subgraph SDL for composition (with @link and @key, which printSchema drops). */
export function printSubgraphSdl(): string {
  return printSubgraphSchema(schema);
}
