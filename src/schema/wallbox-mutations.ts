// Mutations on one wallbox: its settings (PUT), power pause, boost, and re-authentication; and claim
// tokens for pairing a new charger. Nothing here is retried by the gateway (see ApiSession.exchange).
// Every wallbox mutation takes orgId (defaults to PODERO_ORG_ID), userId and id, like `wallbox`.
//
// Every mutation field is nullable: a failed one is null with its error, and the other mutation fields
// of the same operation keep their results. With non-null fields, one failure would null the whole
// `data` and hide writes that did happen upstream.
import { builder } from './builder.js';
import { WallboxRef, wallboxKey } from './wallbox.js';
import { BoostRejectionReasonEnum, BoostStateEnum, PriceZoneEnum } from './enums.js';
import { InputProblems, checkReturnUrl, orgIdOf, userIdOf } from './input.js';
import { ORG_ID_DESCRIPTION, USER_ID_DESCRIPTION, deviceArgs, userArgs, userScopes } from './scopes.js';
import type { Context } from '../context.js';
import {
  boostWallbox,
  cancelWallboxBoost,
  createClaimToken,
  startWallboxAuthSession,
  updateWallbox,
  type BoostRejectionReason,
  type BoostState,
  type ClaimToken,
  type AuthSession,
  type Wallbox,
  type WallboxKey,
  type WallboxSettings,
} from '../upstream/wallboxes.js';

// ---- settings -------------------------------------------------------------------------------------

const UpdateWallboxInput = builder.inputType('UpdateWallboxInput', {
  description:
    'Which wallbox, and the settings to change. Only the settings you set are sent: an explicit null is sent as null, an absent setting is left as it is. Each setting is named as the Wallbox field it changes.',
  fields: (t) => ({
    orgId: t.field({ type: 'UUID', description: ORG_ID_DESCRIPTION }),
    userId: t.field({ type: 'UUID', description: USER_ID_DESCRIPTION }),
    id: t.field({ type: 'UUID', required: true, description: 'Wallbox id.' }),
    chargeTargetMin: t.int({ description: 'Lower charge target, percent (0-100); not above chargeTargetMax.' }),
    chargeTargetMax: t.int({ description: 'Upper charge target, percent (0-100).' }),
    chargePowerMaxW: t.int({ description: 'Maximum charge power, watts (> 0; not null).' }),
    minimumChargeLimit: t.int({ description: 'Charge level reached as soon as possible regardless of price, percent (0-100).' }),
    chargeDeadlineAt: t.field({ type: 'DateTime', description: 'When the charge target must be reached.' }),
    isChargePolicyEnabled: t.boolean({ description: 'Apply the charge policy (targets and deadline).' }),
    isOverChargeAllowed: t.boolean({ description: 'Allow charging beyond the upper target when it is cheap.' }),
    pausePowerUntil: t.field({ type: 'DateTime', description: 'Pause charging power until then; null resumes.' }),
    isSmartOptimizationActive: t.boolean({ description: 'Smart (price-optimised) charging on/off (not null).' }),
    isTradingEnabled: t.boolean({ description: 'Day-ahead trading on/off (not null).' }),
    isInverterForcedModeEnabled: t.boolean({ description: 'Inverter forced mode on/off (not null).' }),
    priceZone: t.field({ type: PriceZoneEnum, description: 'Price zone (not null).' }),
    comment: t.string({ description: 'Free-text comment, at most 300 characters.' }),
    externalDeviceId: t.string({ description: "The partner's own id for the device, at most 255 characters." }),
    buildingId: t.field({ type: 'UUID', description: 'Building the wallbox is installed in.' }),
  }),
});

type UpdateInput = typeof UpdateWallboxInput.$inferInput;

/** Settings whose Wallbox field is non-null upstream: null is not a value they can take. */
const NOT_NULL = ['chargePowerMaxW', 'isSmartOptimizationActive', 'isTradingEnabled', 'isInverterForcedModeEnabled', 'priceZone'] as const;
const PERCENT = ['chargeTargetMin', 'chargeTargetMax', 'minimumChargeLimit'] as const;

/** Everything upstream documents about the settings, checked before any call (digest §4, AR-WB-PUT). */
function settingsFrom(input: UpdateInput): WallboxSettings {
  const { orgId: _org, userId: _user, id: _id, ...settings } = input;
  const problems = new InputProblems();
  for (const name of NOT_NULL) if (name in settings && settings[name] === null) problems.add(name, 'cannot be null');
  for (const name of PERCENT) {
    const value = settings[name];
    if (typeof value === 'number' && (value < 0 || value > 100)) problems.add(name, 'must be a percentage from 0 to 100');
  }
  if (typeof settings.chargePowerMaxW === 'number' && settings.chargePowerMaxW <= 0) problems.add('chargePowerMaxW', 'must be more than 0 watts');
  const { chargeTargetMin: min, chargeTargetMax: max } = settings;
  // Only when both are given: with one, upstream compares with the stored other and answers itself.
  if (typeof min === 'number' && typeof max === 'number' && min > max) problems.add('chargeTargetMin', 'must not be above chargeTargetMax');
  if (typeof settings.comment === 'string' && settings.comment.length > 300) problems.add('comment', 'must be at most 300 characters');
  if (typeof settings.externalDeviceId === 'string' && settings.externalDeviceId.length > 255) problems.add('externalDeviceId', 'must be at most 255 characters');
  if (Object.keys(settings).length === 0) problems.add('input', 'set at least one setting to change');
  problems.throwIfAny();
  return settings as WallboxSettings;
}

/** Applies settings; later reads in the same operation are served the wallbox upstream answered with. */
async function applySettings(ctx: Context, key: WallboxKey, settings: WallboxSettings): Promise<Wallbox> {
  // The write drops the wallbox from the request's loader (ApiSession.onWrite); its answer takes the place.
  const updated = await updateWallbox(ctx.api, key, settings);
  ctx.loaders.wallbox.prime(key, updated);
  return updated;
}

builder.mutationField('updateWallbox', (t) =>
  t.field({
    nullable: true,
    type: WallboxRef,
    description: 'Changes wallbox settings (partner API PUT). Answers the wallbox as updated upstream.',
    args: { input: t.arg({ type: UpdateWallboxInput, required: true }) },
    authScopes: (_root, { input }, ctx) => userScopes(input, ctx),
    resolve: (_root, { input }, ctx) => applySettings(ctx, wallboxKey(input, ctx), settingsFrom(input)),
  }),
);

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
      return applySettings(ctx, wallboxKey(args, ctx), { pausePowerUntil: args.until });
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
    resolve: (_root, args, ctx) => applySettings(ctx, wallboxKey(args, ctx), { pausePowerUntil: null }),
  }),
);

// ---- boost ----------------------------------------------------------------------------------------

type BoostAccepted = { kind: 'started' | 'armed'; key: WallboxKey };
type BoostResult = BoostAccepted | { kind: 'rejected'; state: BoostState | null; reason: BoostRejectionReason | null };

function boostAccepted(name: 'BoostStarted' | 'BoostArmed', description: string) {
  return builder.objectRef<BoostAccepted>(name).implement({
    description,
    fields: (t) => ({
      wallbox: t.field({
        type: WallboxRef,
        nullable: true,
        description: 'The wallbox, read after the boost. Null (with an error) only if that read failed; the boost itself was accepted.',
        resolve: (r, _args, ctx) => ctx.loaders.wallbox.load(r.key),
      }),
    }),
  });
}

const BoostStarted = boostAccepted('BoostStarted', 'The boost started: the wallbox charges at full rate now.');
const BoostArmed = boostAccepted('BoostArmed', 'Nothing was plugged in: the boost is armed and fires when a vehicle is plugged in next.');

const BoostRejected = builder.objectRef<Extract<BoostResult, { kind: 'rejected' }>>('BoostRejected').implement({
  description: 'The partner API refused the boost (its 409 answer). Not an error: nothing went wrong, the boost cannot run now.',
  fields: (t) => ({
    state: t.expose('state', { type: BoostStateEnum, nullable: true, description: "The wallbox's boost state when it was refused." }),
    reason: t.expose('reason', {
      type: BoostRejectionReasonEnum,
      nullable: true,
      description: 'Why it was refused; null for a reason this gateway does not know.',
    }),
  }),
});

const BoostWallboxResult = builder.unionType('BoostWallboxResult', {
  description: 'What a boost did: started, armed for the next session, or refused.',
  types: [BoostStarted, BoostArmed, BoostRejected],
  resolveType: (result) => ({ started: 'BoostStarted', armed: 'BoostArmed', rejected: 'BoostRejected' })[result.kind],
});

builder.mutationField('boostWallbox', (t) =>
  t.field({
    nullable: true,
    type: BoostWallboxResult,
    description:
      '"Charge now": with a vehicle plugged in and idle the boost starts; with none it is armed for the next plug-in; when charging or full the partner API refuses it (BoostRejected).',
    args: deviceArgs,
    authScopes: (_root, args, ctx) => userScopes(args, ctx),
    resolve: async (_root, args, ctx): Promise<BoostResult> => {
      const key = wallboxKey(args, ctx);
      // Upstream answers 204 both when it starts and when it arms. Which one happened shows in the
      // wallbox after the boost; the state before (is a vehicle plugged in? digest §4.3) decides only
      // when that read fails. A wallbox that cannot be read first is not boosted.
      const before = await ctx.loaders.wallbox.load(key);
      const outcome = await boostWallbox(ctx.api, key);
      if (!outcome.accepted) return { kind: 'rejected', state: outcome.state, reason: outcome.reason };
      // The loader keeps this read (or its error) for the result's `wallbox` field: one GET.
      const after = await ctx.loaders.wallbox.load(key).catch(() => undefined);
      const armed = after
        ? after.boostForNextSession === true && after.boostState !== 'ongoing' && after.boostState !== 'requested'
        : before.isPluggedIn !== true;
      return { kind: armed ? 'armed' : 'started', key };
    },
  }),
);

builder.mutationField('cancelWallboxBoost', (t) =>
  t.field({
    type: WallboxRef,
    nullable: true,
    description:
      'Cancels a running boost and disarms one armed for the next session (idempotent). Answers the wallbox read again afterwards; null (with an error) only if that read failed.',
    args: deviceArgs,
    authScopes: (_root, args, ctx) => userScopes(args, ctx),
    resolve: async (_root, args, ctx) => {
      const key = wallboxKey(args, ctx);
      await cancelWallboxBoost(ctx.api, key);
      return ctx.loaders.wallbox.load(key);
    },
  }),
);

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
      return startWallboxAuthSession(ctx.api, wallboxKey(args, ctx), { successUrl: args.successUrl ?? undefined, cancelUrl: args.cancelUrl ?? undefined });
    },
  }),
);
