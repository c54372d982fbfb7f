// What a refused field says: FORBIDDEN, and which rule it broke — never whose data it was.
import { GraphQLError } from 'graphql';
import { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';

const MESSAGES: Record<string, string> = {
  user: 'Not allowed: you may only act on your own user',
  organization: 'Not allowed: this gateway serves its configured organization only',
  staff: 'Not allowed: only staff and admins may do this',
};

export function forbidden(failure: AuthFailure): GraphQLError {
  return new GraphQLError(MESSAGES[brokenScope(failure) ?? ''] ?? 'Not allowed', { extensions: { code: 'FORBIDDEN' } });
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
