import { builder } from './builder.js';
import { orgIdOf } from './input.js';
import { authorize, userScopes } from './scopes.js';
import { uuidFrom } from './uuid.js';
import type { Owner } from '../upstream/users.js';

export const OwnerRef = builder.objectRef<Owner>('Owner').implement({
  description: "A device's owner: a user of the partner's organization.",
  fields: (t) => ({
    id: t.expose('id', { type: 'UUID', nullable: false, description: 'User id (the `userId` of queries about this user and their devices).' }),
    email: t.exposeString('email', { nullable: true, description: 'E-mail address.' }),
    firstName: t.exposeString('firstName', { nullable: true, description: 'First name.' }),
    lastName: t.exposeString('lastName', { nullable: true, description: 'Last name.' }),
    externalId: t.exposeString('externalId', { nullable: true, description: "The partner's own id for this user." }),
  }),
});

// A federation entity: another subgraph can hold `Owner` references ({ id }) and let this subgraph add
// the owner's details, read from the partner API's user endpoints in the configured organization.
builder.asEntity(OwnerRef, {
  key: builder.selection<{ id: string }>('id'),
  // async: a bad or foreign representation fails its own entity, not the whole `_entities` list.
  resolveReference: async (ref, ctx) => {
    const key = { orgId: orgIdOf(null, ctx), userId: uuidFrom(ref.id, 'Owner.id') };
    await authorize(ctx, userScopes(key, ctx));
    return ctx.loaders.user.load(key);
  },
});

builder.queryField('me', (t) =>
  t.field({
    type: OwnerRef,
    nullable: true,
    description:
      "The caller's own user, as their token names it. Null for a staff or admin token that names no user, for a token no Podero user matches, and when the gateway does not authenticate callers.",
    // About the caller alone: there is no one else it could name.
    authScopes: { anyCaller: true },
    resolve: (_root, _args, ctx) => {
      const userId = ctx.caller.kind === 'organization' ? null : ctx.caller.userId;
      return userId === null ? null : ctx.loaders.user.load({ orgId: orgIdOf(null, ctx), userId });
    },
  }),
);
