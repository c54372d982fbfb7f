// Owner: a user of the organization — a device's owner, the caller (`me`), and what the user endpoints
// answer (https://developers.podero.com/partner-api/reference/users). The five fields a device embeds
// are served from the device; the rest of the user's fields are read from the user endpoint only when
// one of them is selected (one call per user and request, through the user loader).
import { builder } from './builder.js';
import { connectionOf, offsetAfter, pageSize } from './connection.js';
import { UserRoleEnum } from './enums.js';
import { InputProblems, orgIdOf, userIdOf } from './input.js';
import { authorize, ORG_ID_DESCRIPTION, USER_ID_DESCRIPTION, userScopes } from './scopes.js';
import { uuidFrom } from './uuid.js';
import type { Context } from '../context.js';
import { updateUser, type Owner, type UserDetails, type UserSettings } from '../upstream/users.js';

/** The user-endpoint fields of an owner: at hand when it was read from a user endpoint, else read now. */
async function details(owner: Owner, ctx: Context): Promise<UserDetails> {
  if (owner.details) return owner.details;
  const user = await ctx.loaders.user.load({ orgId: owner.orgId, userId: owner.id });
  return user.details!;
}

const detail = <K extends keyof UserDetails>(name: K) => (owner: Owner, _args: unknown, ctx: Context) => details(owner, ctx).then((d) => d[name]);

export const OwnerRef = builder.objectRef<Owner>('Owner').implement({
  description: "A user of the partner's organization: a device's owner, an end user, or a member of the partner's team.",
  fields: (t) => ({
    id: t.expose('id', { type: 'UUID', nullable: false, description: 'User id (the `userId` of queries about this user and their devices).' }),
    email: t.exposeString('email', { nullable: true, description: 'E-mail address.' }),
    firstName: t.exposeString('firstName', { nullable: true, description: 'First name.' }),
    lastName: t.exposeString('lastName', { nullable: true, description: 'Last name.' }),
    externalId: t.exposeString('externalId', { nullable: true, description: "The partner's own id for this user (upstream `external_user_id`; `external_id` in a device's owner)." }),
    role: t.field({ type: UserRoleEnum, nullable: true, resolve: detail('role'), description: 'Role in the organization; null for a role this gateway does not know. Read from the user endpoint.' }),
    streetAndNumber: t.string({ nullable: true, resolve: detail('streetAndNumber'), description: 'Street and house number. Read from the user endpoint.' }),
    streetAddInfo: t.string({ nullable: true, resolve: detail('streetAddInfo'), description: 'Address addition (floor, flat). Read from the user endpoint.' }),
    zipCode: t.string({ nullable: true, resolve: detail('zipCode'), description: 'Postcode, as text (upstream documents an integer, but postcodes such as "722 12" are not). Read from the user endpoint.' }),
    town: t.string({ nullable: true, resolve: detail('town'), description: 'Town. Read from the user endpoint.' }),
    country: t.string({ nullable: true, resolve: detail('country'), description: 'Country code, as upstream stores it (ISO 3166-1; the docs disagree on alpha-2 or alpha-3). Read from the user endpoint.' }),
    latitude: t.float({ nullable: true, resolve: detail('latitude'), description: 'Latitude of the home, degrees. Read from the user endpoint.' }),
    longitude: t.float({ nullable: true, resolve: detail('longitude'), description: 'Longitude of the home, degrees. Read from the user endpoint.' }),
    locationLastUpdated: t.field({ type: 'DateTime', nullable: true, resolve: detail('locationLastUpdated'), description: 'When the coordinates last changed. Read from the user endpoint.' }),
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

builder.queryField('user', (t) =>
  t.field({
    type: OwnerRef,
    nullable: true,
    description: 'A user of the organization. Null with a NOT_FOUND error when the partner API does not know it.',
    args: {
      orgId: t.arg({ type: 'UUID', description: ORG_ID_DESCRIPTION }),
      id: t.arg({ type: 'UUID', description: USER_ID_DESCRIPTION }),
      includeDeleted: t.arg.boolean({
        defaultValue: false,
        description: 'Also return a deleted user (staff and admins only: read from the list of every user, which alone can include them).',
      }),
    },
    authScopes: (_root, args, ctx) => {
      const scopes = userScopes({ orgId: args.orgId, userId: args.id }, ctx);
      return args.includeDeleted ? { $all: { ...scopes.$all, staff: true } } : scopes;
    },
    resolve: async (_root, args, ctx) => {
      const key = { orgId: orgIdOf(args.orgId, ctx), userId: userIdOf(args.id, ctx, 'id') };
      if (!args.includeDeleted) return ctx.loaders.user.load(key);
      const user = (await ctx.loaders.users.load({ orgId: key.orgId, includeDeleted: true })).find((u) => u.id === key.userId.toLowerCase());
      return user ?? ctx.loaders.user.load(key);
    },
  }),
);

const OwnerConnection = connectionOf('Owner', OwnerRef, "The organization's users, a page at a time, in the partner API's order.");

builder.queryField('users', (t) =>
  t.field({
    type: OwnerConnection,
    nullable: true,
    description:
      "The organization's users (staff and admins only). The partner API answers the whole list at once: one upstream call, sliced here; `role` filters before slicing, and totalCount counts what the filter kept.",
    args: {
      orgId: t.arg({ type: 'UUID', description: ORG_ID_DESCRIPTION }),
      includeDeleted: t.arg.boolean({ defaultValue: false, description: 'Include deleted users.' }),
      role: t.arg({ type: UserRoleEnum, description: 'Only users of this role.' }),
      first: t.arg.int({ defaultValue: 50, description: 'Page size, 0 to 500.' }),
      after: t.arg.string({ description: "Continue after this cursor (an edge's `cursor` or `pageInfo.endCursor`)." }),
    },
    authScopes: (_root, args, ctx) => ({ $all: { organization: orgIdOf(args.orgId, ctx), staff: true } }),
    resolve: async (_root, args, ctx) => {
      const first = pageSize(args.first, 50, 500);
      const offset = offsetAfter(args.after);
      const all = await ctx.loaders.users.load({ orgId: orgIdOf(args.orgId, ctx), includeDeleted: args.includeDeleted ?? false });
      const kept = args.role ? all.filter((u) => u.details?.role === args.role) : all;
      return { items: kept.slice(offset, offset + first), offset, totalCount: kept.length };
    },
  }),
);

// ---- updateUser -------------------------------------------------------------------------------------

/**
 * name@domain.tld. Each quantifier is followed by a character its class excludes, so the match is
 * linear in the input (no overlapping quantifiers over caller text).
 */
const EMAIL = /^[^@\s]+@[^@\s.]+\.[^@\s]+$/;

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  description: 'Which user, and the fields to change. Only the fields you set are sent: an explicit null is sent as null. Each is named as the Owner field it changes.',
  fields: (t) => ({
    orgId: t.field({ type: 'UUID', description: ORG_ID_DESCRIPTION }),
    id: t.field({ type: 'UUID', description: USER_ID_DESCRIPTION }),
    role: t.field({ type: UserRoleEnum, description: 'Role (not null; staff and admins only).' }),
    email: t.string({ description: 'E-mail address, unique in the organization (not null).' }),
    externalId: t.string({ description: "The partner's own id for the user, at most 255 characters (staff and admins only: it may decide whose user a token is)." }),
    firstName: t.string({ description: 'First name, at most 150 characters.' }),
    lastName: t.string({ description: 'Last name, at most 150 characters.' }),
    streetAndNumber: t.string({ description: 'Street and number, at most 100 characters.' }),
    streetAddInfo: t.string({ description: 'Address addition, at most 100 characters.' }),
    zipCode: t.string({ description: 'Postcode, at most 20 characters.' }),
    town: t.string({ description: 'Town, at most 100 characters.' }),
    country: t.string({ description: 'Country, ISO 3166-1 alpha-2 (sent as upstream `country_iso2`).' }),
    latitude: t.float({ description: 'Latitude, -90 to 90.' }),
    longitude: t.float({ description: 'Longitude, -180 to 180.' }),
  }),
});


builder.mutationField('updateUser', (t) =>
  t.field({
    type: OwnerRef,
    nullable: true,
    description: 'Changes a user (partner API PUT, a partial update). Answers the user as updated upstream. An end user may change their own user, but not its role.',
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    // Who may change roles is the organization's business: an end user may not make themselves staff.
    // Nor may they change their external id: with AUTH_EXTERNAL_USER_CLAIM it decides whose user a
    // token is, so setting another customer's id would lock them out or take over their sign-in.
    authScopes: (_root, { input }, ctx) => {
      const scopes = userScopes({ orgId: input.orgId, userId: input.id }, ctx);
      return input.role === undefined && input.externalId === undefined ? scopes : { $all: { ...scopes.$all, staff: true } };
    },
    resolve: async (_root, { input }, ctx) => {
      const { orgId, id, ...settings } = input;
      const problems = new InputProblems(settings)
        .notNull(['role', 'email'])
        .maxLength({ externalId: 255, firstName: 150, lastName: 150, streetAndNumber: 100, streetAddInfo: 100, zipCode: 20, town: 100 });
      if (typeof settings.email === 'string' && !EMAIL.test(settings.email)) problems.add('email', 'must be an e-mail address');
      if (typeof settings.country === 'string' && !/^[A-Za-z]{2}$/.test(settings.country)) problems.add('country', 'must be an ISO 3166-1 alpha-2 code');
      if (typeof settings.latitude === 'number' && Math.abs(settings.latitude) > 90) problems.add('latitude', 'must be from -90 to 90');
      if (typeof settings.longitude === 'number' && Math.abs(settings.longitude) > 180) problems.add('longitude', 'must be from -180 to 180');
      problems.notEmpty('field').throwIfAny();
      const key = { orgId: orgIdOf(orgId, ctx), userId: userIdOf(id, ctx, 'id') };
      const updated = await updateUser(ctx.api, key, settings as UserSettings);
      ctx.loaders.user.prime(key, updated);
      return updated;
    },
  }),
);
