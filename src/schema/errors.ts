import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';

/** A caller mistake the gateway catches before any upstream call. */
export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(argumentName ? { argumentName } : {}) },
  });
}

/** `orgId` falls back to PODERO_ORG_ID; with neither there is nothing to ask upstream. */
export function orgIdOf(orgId: string | null | undefined, ctx: Context): string {
  const resolved = orgId ?? ctx.defaultOrgId;
  if (!resolved) throw badUserInput('Pass orgId: no default organization is configured (PODERO_ORG_ID)', 'orgId');
  return resolved;
}
