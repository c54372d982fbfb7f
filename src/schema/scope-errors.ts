// What a refused field says: FORBIDDEN, and which rule it broke — never whose data it was. The one way
// the GraphQL layer says FORBIDDEN (the other two: src/caller/errors.ts for data of a user the caller
// may not act on, src/upstream/errors.ts for upstream's 403).
import type { GraphQLError } from 'graphql';
import { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import { codedError } from '../graphql-errors.js';

const MESSAGES: Record<string, string> = {
  user: 'Not allowed: you may only act on your own user',
  organization: 'Not allowed: this gateway serves its configured organization only',
  staff: 'Not allowed: only staff and admins may do this',
};

/** The error of a field whose scope rule refused the caller (Pothos's `unauthorizedError`). */
export function forbidden(failure: AuthFailure): GraphQLError {
  return notAllowed(MESSAGES[brokenScope(failure) ?? ''] ?? 'Not allowed');
}

/** FORBIDDEN, saying why: a field error (the rest of the response's data stands). */
export function notAllowed(message: string): GraphQLError {
  return codedError('FORBIDDEN', message);
}

function brokenScope(failure: AuthFailure): string | undefined {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return failure.scope;
    case AuthScopeFailureType.AllAuthScopes:
    case AuthScopeFailureType.AnyAuthScopes:
      for (const inner of failure.failures) {
        const scope = brokenScope(inner);
        if (scope) return scope;
      }
      return undefined;
    default:
      return undefined;
  }
}
