// Mutations on one wallbox: its settings (PUT), power pause, boost, and re-authentication; and claim
// tokens for pairing a new charger. Nothing here is retried by the gateway (see ApiSession.exchange).
// Every wallbox mutation takes orgId (defaults to PODERO_ORG_ID), userId and id, like `wallbox`.
//
// Every mutation field is nullable: a failed one is null with its error, and the other mutation fields
// of the same operation keep their results. With non-null fields, one failure would null the whole
// `data` and hide writes that did happen upstream.
import { builder } from './builder.js';
import { WallboxRef } from './wallbox.js';
import { applyDeviceSettings, deviceKey } from './device.js';
import { boostMutations } from './charging.js';
import { InputProblems, checkReturnUrl, orgIdOf, userIdOf } from './input.js';
import { deviceArgs, userArgs, userScopes } from './scopes.js';
import { WALLBOX, createClaimToken, startWallboxAuthSession, type AuthSession, type ClaimToken } from '../upstream/devices/wallboxes.js';

// ---- settings: updateWallbox is the device model's (device.ts); these two are its shortcuts --------

builder.mutationField('pauseWallboxPower', (t) =>
  t.field({
    nullable: true,
    type: WallboxRef,
    description: 'Pauses charging power until the given time (updateWallbox with pausePowerUntil).',
    args: { ...deviceArgs, until: t.arg({ type: 'DateTime', required: true, description: 'When to resume; must be in the future.' }) },
    authScopes: (_root, args, ctx) => userScopes(args, ctx),
    resolve: (_root, args, ctx) => {
      const problems = new InputProblems();
      if (args.until.getTime() <= Date.now()) problems.add('until', 'must be in the future');
      problems.throwIfAny();
      return applyDeviceSettings(ctx, WALLBOX, deviceKey(args, ctx), { pausePowerUntil: args.until });
    },
  }),
);

builder.mutationField('resumeWallboxPower', (t) =>
  t.field({
    nullable: true,
    type: WallboxRef,
    description: 'Ends a power pause now (updateWallbox with pausePowerUntil: null).',
    args: deviceArgs,
    authScopes: (_root, args, ctx) => userScopes(args, ctx),
    resolve: (_root, args, ctx) => applyDeviceSettings(ctx, WALLBOX, deviceKey(args, ctx), { pausePowerUntil: null }),
  }),
);

// ---- boost ----------------------------------------------------------------------------------------

boostMutations(WALLBOX, WallboxRef, {
  boost: 'boostWallbox',
  cancel: 'cancelWallboxBoost',
  started: 'BoostStarted',
  armed: 'BoostArmed',
  result: 'BoostWallboxResult',
  deviceField: 'wallbox',
  descriptions: {
    boost:
      '"Charge now": with a vehicle plugged in and idle the boost starts; with none it is armed for the next plug-in; when charging or full the partner API refuses it (BoostRejected).',
    cancel:
      'Cancels a running boost and disarms one armed for the next session (idempotent). Answers the wallbox read again afterwards; null (with an error) only if that read failed.',
    started: 'The boost started: the wallbox charges at full rate now.',
    armed: 'Nothing was plugged in: the boost is armed and fires when a vehicle is plugged in next.',
  },
});

// ---- pairing and re-authentication ------------------------------------------------------------------

const WallboxClaimToken = builder.objectRef<ClaimToken>('WallboxClaimToken').implement({
  description: "A one-time token that pairs a new charger to the user over OCPP. Give it to the charger's installer; it expires.",
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The one-time token.' }),
    wssUrl: t.exposeString('wssUrl', { description: 'The OCPP WebSocket URL the charger connects to.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the token stops working.' }),
  }),
});

builder.mutationField('createWallboxClaimToken', (t) =>
  t.field({
    nullable: true,
    type: WallboxClaimToken,
    description: 'Mints a one-time token for pairing a new charger to the user.',
    args: userArgs,
    authScopes: (_root, args, ctx) => userScopes(args, ctx),
    resolve: (_root, args, ctx) => createClaimToken(ctx.api, { orgId: orgIdOf(args.orgId, ctx), userId: userIdOf(args.userId, ctx) }),
  }),
);

const WallboxAuthSession = builder.objectRef<AuthSession>('WallboxAuthSession').implement({
  description: "A session in which the owner signs in to the manufacturer's cloud again.",
  fields: (t) => ({
    authenticationUrl: t.exposeString('authenticationUrl', { nullable: true, description: 'Where to send the owner.' }),
    sessionId: t.exposeString('sessionId', { nullable: true, description: 'Id of the session.' }),
    deviceId: t.expose('deviceId', { type: 'UUID', nullable: true, description: 'The wallbox the session is for.' }),
  }),
});

builder.mutationField('reauthenticateWallbox', (t) =>
  t.field({
    nullable: true,
    type: WallboxAuthSession,
    description: "Starts a re-authentication: answers a URL where the owner signs in to the manufacturer's cloud again.",
    authScopes: (_root, args, ctx) => userScopes(args, ctx),
    args: {
      ...deviceArgs,
      successUrl: t.arg.string({ description: 'Where the owner returns after signing in.' }),
      cancelUrl: t.arg.string({ description: 'Where the owner returns after cancelling.' }),
    },
    resolve: (_root, args, ctx) => {
      const problems = new InputProblems();
      checkReturnUrl(problems, 'successUrl', args.successUrl);
      checkReturnUrl(problems, 'cancelUrl', args.cancelUrl);
      problems.throwIfAny();
      return startWallboxAuthSession(ctx.api, deviceKey(args, ctx), { successUrl: args.successUrl ?? undefined, cancelUrl: args.cancelUrl ?? undefined });
    },
  }),
);
