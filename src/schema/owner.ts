import { builder } from './builder.js';
import { orgIdOf } from './input.js';
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
  // async: a bad representation fails its own entity, not the whole `_entities` list.
  resolveReference: async (ref, ctx) => ctx.loaders.user.load({ orgId: orgIdOf(null, ctx), userId: uuidFrom(ref.id, 'Owner.id') }),
});
