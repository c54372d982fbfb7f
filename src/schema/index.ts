import { printSubgraphSchema } from '@apollo/subgraph';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './enums.js';
import './device-model.js';
import './owner.js';
import './action.js';
import './wallbox.js';
import './wallbox-mutations.js';

/**
 * The gateway's one schema: the public API, and a Federation 2 subgraph (`_service`, `_entities`), so
 * the same server answers GraphiQL, Apollo Client and a supergraph router.
 */
export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key'],
});

/** schema/schema.graphql: the schema as served, printed and sorted, so diffs show only real changes. */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(schema));
}

/** schema/subgraph.graphql: the subgraph SDL for composition (with @link and @key, which printSchema drops). */
export function printSubgraphSdl(): string {
  return printSubgraphSchema(schema);
}
