// The one SchemaBuilder: its plugins, its scalars, its Context type and who may touch what (the auth
// scopes, src/schema/scopes.ts). Types live in their own files.
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import ScopeAuthPlugin, { RequestCache } from '@pothos/plugin-scope-auth';
import { DateResolver, DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import type { Context } from '../context.js';
import { mayActOnUser } from '../caller/caller.js';
import { forbidden } from './scope-errors.js';
import { UUIDScalar } from './uuid.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    UUID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
  AuthScopes: {
    /** May read and steer this user's data: staff and admins any user, an end user their own. */
    user: string;
    /** This organization is the one the gateway serves (any, without caller authentication). */
    organization: string;
    /** Staff or admin (or anyone, without caller authentication): organization-wide reads. */
    staff: boolean;
    /** Anyone who got past authentication: for fields authorized by other means (an action's secret) or about the caller alone. */
    anyCaller: boolean;
  };
}>({
  // Scope auth first, so no other plugin's wrapper runs a resolver before the check (its README).
  // The federation plugin needs the directives plugin, listed before it (STACK.md, gotcha 1).
  plugins: [ScopeAuthPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      user: (userId) => mayActOnUser(ctx.caller, userId),
      organization: (orgId) => ctx.caller.kind === 'organization' || orgId === ctx.defaultOrgId,
      staff: ctx.caller.kind !== 'end-user',
      anyCaller: true,
    }),
    unauthorizedError: (_parent, _context, _info, result) => forbidden(result.failure),
    // Subscription fields are checked once, when they subscribe: a caller who may not see a device gets
    // FORBIDDEN before a poller starts or calls upstream (without it, Pothos checks each event instead).
    authorizeOnSubscribe: true,
  },
});

builder.addScalarType('UUID', UUIDScalar);
builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('Date', DateResolver);
builder.addScalarType('JSONObject', JSONObjectResolver);

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

/**
 * Drops what the schema keeps for one execution once it is done: Pothos' scope-auth remembers each
 * execution's scope checks in a WeakMap keyed by its context, and the remembered value points back at
 * that context. V8's young-generation collector (the scavenger) holds a WeakMap's values strongly, so
 * until the next full GC each finished request's whole graph (its session, the answers it read, its
 * request and response) survived every scavenge and was copied to the old generation (figures in
 * bench/README.md, "Where a request's CPU goes"). Every place that executes an operation (yoga,
 * src/fast-path.ts, each event of a live subscription) calls this when the execution has ended.
 */
export function executionEnded(contextValue: object): void {
  RequestCache.clearForContext(contextValue);
}
