// The one SchemaBuilder: its scalars and its Context type. Types live in their own files.
import SchemaBuilder from '@pothos/core';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { DateTimeResolver, UUIDResolver } from 'graphql-scalars';
import type { Context } from '../context.js';
import { isUuid } from '../upstream/paths.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    UUID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
  };
}>({ defaultFieldNullability: false });

/**
 * graphql-scalars' UUID, read into one canonical form (lower case, no braces), so that the same id
 * written two ways is one DataLoader key and one upstream call, and only canonical ids reach upstream.
 */
function canonicalUuid(value: unknown): string {
  const text = typeof value === 'string' ? value.replace(/^\{(.*)\}$/, '$1').toLowerCase() : value;
  if (!isUuid(text)) throw new GraphQLError(`Value is not a valid UUID: ${String(value)}`);
  return text;
}

builder.addScalarType(
  'UUID',
  new GraphQLScalarType({
    ...UUIDResolver.toConfig(),
    parseValue: (value) => canonicalUuid(UUIDResolver.parseValue(value)),
    parseLiteral: (ast, variables) => canonicalUuid(UUIDResolver.parseLiteral(ast, variables)),
  }),
);
builder.addScalarType('DateTime', DateTimeResolver);

builder.queryType({});
