import { builder } from './builder.js';
import type { Owner } from '../upstream/wallboxes.js';

export const OwnerRef = builder.objectRef<Owner>('Owner').implement({
  description: "A device's owner: a user of the partner's organization.",
  fields: (t) => ({
    id: t.expose('id', { type: 'UUID', description: 'User id (the `userId` of queries about this user and their devices).' }),
    email: t.exposeString('email', { nullable: true, description: 'E-mail address.' }),
    firstName: t.exposeString('firstName', { nullable: true, description: 'First name.' }),
    lastName: t.exposeString('lastName', { nullable: true, description: 'Last name.' }),
    externalId: t.exposeString('externalId', { nullable: true, description: "The partner's own id for this user." }),
  }),
});
