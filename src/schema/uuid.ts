// The UUID scalar, and the one rule for reading an id: graphql-scalars' UUID, brought into one
// canonical form (lower case, no braces), so that the same id written two ways is one DataLoader key
// and one upstream call, and only canonical ids ever reach upstream.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { UUIDResolver } from 'graphql-scalars';
import { isUuid } from '../upstream/paths.js';
import { invalidInput } from './input.js';

/** The longest spelling of a UUID accepted: 36 characters, in braces. Anything longer is not looked at. */
const MAX_UUID_CHARS = 38;

function canonical(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_UUID_CHARS) return undefined;
  const text = value.startsWith('{') && value.endsWith('}') ? value.slice(1, -1) : value;
  return isUuid(text) ? text.toLowerCase() : undefined;
}

export const UUIDScalar = new GraphQLScalarType({
  ...UUIDResolver.toConfig(),
  parseValue(value) {
    // Not through UUIDResolver.parseValue: its error echoes the whole value.
    const id = canonical(value);
    // graphql-js quotes the value in its own message (shortened by use-error-codes.ts); not echoed twice.
    if (id === undefined) throw new GraphQLError('Value is not a valid UUID');
    return id;
  },
  parseLiteral(ast) {
    // Not through UUIDResolver.parseLiteral either: its error appends the whole literal, unquoted.
    const id = ast.kind === Kind.STRING ? canonical(ast.value) : undefined;
    if (id === undefined) throw new GraphQLError('Value is not a valid UUID');
    return id;
  },
});

/**
 * An id from somewhere the UUID scalar does not guard, such as an entity representation (`_Any`):
 * canonical, or BAD_USER_INPUT naming where it came from. No upstream call is made with a bad id.
 */
export function uuidFrom(value: unknown, name: string): string {
  return canonical(value) ?? invalidInput(name, 'is not a valid UUID');
}
