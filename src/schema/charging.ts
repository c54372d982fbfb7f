// What the kinds that charge a car — wallboxes and electric vehicles — share beyond the device core:
// their charging fields and settings, and boost ("charge now"): each declared once here.
import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.js';
import { BoostRejectionReasonEnum, BoostStateEnum } from './enums.js';
import { deviceKey } from './device.js';
import type { InputProblems } from './input.js';
import { deviceArgs, userScopes } from './scopes.js';
import { boostDevice, cancelDeviceBoost, type BoostRejectionReason, type BoostState, type ChargingFields } from '../upstream/devices/charging.js';
import type { Device, DeviceKey, DeviceSpec } from '../upstream/devices/device.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<Types, ChargingFields>;

/** The charging fields, for a kind's `fields` (its builder passed as one for ChargingFields, which its shape extends). */
export function chargingFields(builderOfKind: unknown) {
  const t = builderOfKind as FieldBuilder;
  return {
    chargeTargetMin: t.exposeInt('chargeTargetMin', { nullable: true, description: 'Lower charge target, in percent (upstream default 50).' }),
    chargeTargetMax: t.exposeInt('chargeTargetMax', { nullable: true, description: 'Upper charge target, in percent (upstream default 80).' }),
    isChargePolicyEnabled: t.exposeBoolean('isChargePolicyEnabled', { nullable: true, description: 'Whether the charge policy (targets and deadline) is applied.' }),
    chargePolicyLastUpdatedAt: t.expose('chargePolicyLastUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the charge policy last changed.' }),
    minimumChargeLimit: t.exposeInt('minimumChargeLimit', {
      nullable: true,
      description: 'Charge level, in percent, that is reached as soon as possible regardless of price (upstream default 80).',
    }),
    chargeRateW: t.exposeFloat('chargeRateW', { nullable: true, description: 'Current charge rate, in watts.' }),
    isPluggedIn: t.exposeBoolean('isPluggedIn', { nullable: true, description: 'Whether the vehicle is plugged in.' }),
    isCharging: t.exposeBoolean('isCharging', { nullable: true, description: 'Whether it is charging now.' }),
    boostState: t.expose('boostState', { type: BoostStateEnum, nullable: true, description: 'Boost ("charge now") state; null when the partner API does not report it.' }),
    boostForNextSession: t.exposeBoolean('boostForNextSession', { nullable: true, description: 'Whether a boost is armed for the next time the vehicle is plugged in.' }),
  };
}

/** The charge settings, for an update input. */
export function chargingSettingFields(t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) {
  return {
    chargeTargetMin: t.int({ description: 'Lower charge target, percent (0-100); not above chargeTargetMax.' }),
    chargeTargetMax: t.int({ description: 'Upper charge target, percent (0-100).' }),
    minimumChargeLimit: t.int({ description: 'Charge level reached as soon as possible regardless of price, percent (0-100).' }),
    isChargePolicyEnabled: t.boolean({ description: 'Apply the charge policy (targets and deadline).' }),
  };
}

export function checkChargingSettings(problems: InputProblems): void {
  problems.percent(['chargeTargetMin', 'chargeTargetMax', 'minimumChargeLimit']).ordered([['chargeTargetMin', 'chargeTargetMax']]);
}

// ---- boost ----------------------------------------------------------------------------------------

type BoostAccepted = { kind: 'started' | 'armed'; key: DeviceKey };
type BoostRejected = { kind: 'rejected'; state: BoostState | null; reason: BoostRejectionReason | null };
type BoostResult = BoostAccepted | BoostRejected;

const BoostRejectedRef = builder.objectRef<BoostRejected>('BoostRejected').implement({
  description: 'The partner API refused the boost (its 409 answer). Not an error: nothing went wrong, the boost cannot run now.',
  fields: (t) => ({
    state: t.expose('state', { type: BoostStateEnum, nullable: true, description: "The device's boost state when it was refused." }),
    reason: t.expose('reason', { type: BoostRejectionReasonEnum, nullable: true, description: 'Why it was refused; null for a reason this gateway does not know.' }),
  }),
});

export interface BoostNames {
  /** The mutations (`boostWallbox`, `cancelWallboxBoost`). */
  boost: string;
  cancel: string;
  /** The result types. */
  started: string;
  armed: string;
  result: string;
  /** The field of a started or armed result that holds the device read after the boost (`wallbox`). */
  deviceField: string;
  descriptions: { boost: string; cancel: string; started: string; armed: string };
}

/** `boost<Kind>` and `cancel<Kind>Boost` for a kind that charges a car. */
export function boostMutations<Own extends ChargingFields>(kindSpec: DeviceSpec<Own>, kindRef: ObjectRef<Types, Device<Own>>, names: BoostNames): void {
  // Declared for a plain charging device (Pothos cannot check resolvers against a shape still generic here).
  const spec = kindSpec as unknown as DeviceSpec<ChargingFields>;
  const ref = kindRef as unknown as ObjectRef<Types, Device<ChargingFields>>;
  const accepted = (name: string, description: string) =>
    builder.objectRef<BoostAccepted>(name).implement({
      description,
      fields: (t) => ({
        [names.deviceField]: t.field({
          type: ref,
          nullable: true,
          description: `The ${spec.noun}, read after the boost. Null (with an error) only if that read failed; the boost itself was accepted.`,
          resolve: (r, _args, ctx) => ctx.loaders.device(spec).load(r.key),
        }),
      }),
    });
  const started = accepted(names.started, names.descriptions.started);
  const armed = accepted(names.armed, names.descriptions.armed);
  const result = builder.unionType(names.result, {
    description: 'What a boost did: started, armed for the next session, or refused.',
    types: [started, armed, BoostRejectedRef],
    resolveType: (r) => ({ started: names.started, armed: names.armed, rejected: 'BoostRejected' })[r.kind],
  });

  builder.mutationField(names.boost, (t) =>
    t.field({
      nullable: true,
      type: result,
      description: names.descriptions.boost,
      args: deviceArgs,
      authScopes: (_root, args, ctx) => userScopes(args, ctx),
      resolve: async (_root, args, ctx): Promise<BoostResult> => {
        const key = deviceKey(args, ctx);
        // Upstream answers 204 both when it starts and when it arms. Which one happened shows in the
        // device after the boost; the state before (is a vehicle plugged in?) decides only when that
        // read fails. A device that cannot be read first is not boosted.
        const before = await ctx.loaders.device(spec).load(key);
        const outcome = await boostDevice(ctx.api, spec, key);
        if (!outcome.accepted) return { kind: 'rejected', state: outcome.state, reason: outcome.reason };
        // The loader keeps this read (or its error) for the result's device field: one GET.
        const after = await ctx.loaders.device(spec).load(key).catch(() => undefined);
        const isArmed = after
          ? after.boostForNextSession === true && after.boostState !== 'ongoing' && after.boostState !== 'requested'
          : before.isPluggedIn !== true;
        return { kind: isArmed ? 'armed' : 'started', key };
      },
    }),
  );

  builder.mutationField(names.cancel, (t) =>
    t.field({
      type: ref,
      nullable: true,
      description: names.descriptions.cancel,
      args: deviceArgs,
      authScopes: (_root, args, ctx) => userScopes(args, ctx),
      resolve: async (_root, args, ctx) => {
        const key = deviceKey(args, ctx);
        await cancelDeviceBoost(ctx.api, spec, key);
        return ctx.loaders.device(spec).load(key);
      },
    }),
  );
}
