// Who may touch what, as fields declare it. Every root field states its scopes (src/schema/index.ts
// refuses to build a schema where one does not), and the fields about a user take that user the same
// way: the arguments are declared here once, and so is the scope map they lead to.
//   user          the user named (or implied) is one the caller may act on
//   organization  the organization named (or the configured one) is the one the gateway serves
//   staff         organization-wide reads
//   anyCaller     authorized otherwise: an action's secret, or data about the caller alone
// Scope checks run before the resolver: a refused field makes no upstream call, and the other fields of
// the operation still resolve.
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { orgIdOf, userIdOf } from './input.js';
import { forbidden } from './scope-errors.js';

export const ORG_ID_DESCRIPTION = "Organization of the user; defaults to the gateway's configured organization (PODERO_ORG_ID).";
export const USER_ID_DESCRIPTION =
  "The user; defaults to the caller's own user for an end user signed in with a token. Staff and admins (and callers of a gateway without caller authentication) must name one.";

/** `orgId`, `userId`: which user a field is about. */
export const userArgs = builder.args((t) => ({
  orgId: t.field({ type: 'UUID', description: ORG_ID_DESCRIPTION }),
  userId: t.field({ type: 'UUID', description: USER_ID_DESCRIPTION }),
}));

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** `orgId`, `userId` as fields of an input object (a mutation's input names its user the same way). */
export function userInputFields(t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) {
  return {
    orgId: t.field({ type: 'UUID', description: ORG_ID_DESCRIPTION }),
    userId: t.field({ type: 'UUID', description: USER_ID_DESCRIPTION }),
  };
}

/** `orgId`, `userId`, `id`: which device of which user. */
export const deviceArgs = builder.args((t) => ({
  ...userArgs,
  id: t.field({ type: 'UUID', required: true, description: 'Device id.' }),
}));

/** The scopes of a field about one user: the organization it names, and the user. */
export function userScopes(args: { orgId?: string | null | undefined; userId?: string | null | undefined }, ctx: Context) {
  return { $all: { organization: orgIdOf(args.orgId, ctx), user: userIdOf(args.userId, ctx) } };
}

/** The scopes of a field below an owner, or below one of their devices: that user, in the organization they were read in. */
export function ownerScopes(owner: { orgId: string; id: string }, ctx: Context) {
  return userScopes({ orgId: owner.orgId, userId: owner.id }, ctx);
}

/**
 * The same check for code outside a field's options, such as an entity reference: runs the scopes now
 * and throws FORBIDDEN when they fail.
 */
export async function authorize(ctx: Context, scopes: ReturnType<typeof userScopes>): Promise<void> {
  await builder.runAuthScopes(ctx, scopes, (result) => forbidden(result.failure));
}
