import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './enums.js';
import './device-model.js';
import './owner.js';
import './action.js';
import './wallbox.js';

export const schema = builder.toSchema();

/** The committed SDL (schema/schema.graphql): printed and sorted, so diffs show only real changes. */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(schema));
}
