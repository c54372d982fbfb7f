// Pending actions are a union that upstream plans to grow
// (https://developers.podero.com/api-reference/user-heat-pumps/get-details-about-a-users-specific-heat-pump): clients get an interface, one
// type per code the gateway knows, and UnknownAction for any other, so a new code never breaks them.
import { builder } from './builder.js';
import { InputProblems, checkReturnUrl } from './input.js';
import { cueFromResolutionUrl, isCueSecret, reportCueOutcome, resolveCue, type Cue } from '../upstream/cues.js';
import type { DeviceAction, ResolutionLink } from '../upstream/devices/device.js';

export const ResolutionLinkRef = builder.objectRef<ResolutionLink>('ResolutionLink').implement({
  description: 'How to start resolving an action: a URL (carrying the cue id and a one-hour secret) and what it needs.',
  fields: (t) => ({
    url: t.exposeString('url', { description: 'The resolution URL. Its secret expires one hour after it was issued.' }),
    requiredParameters: t.exposeStringList('requiredParameters', {
      description: 'Parameters the resolution call must be given (e.g. successUrl, cancelUrl).',
    }),
  }),
});

export const ActionRef = builder.interfaceRef<DeviceAction>('Action').implement({
  description: 'Something the partner must do before the device can resume normal operation.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'What kind of action this is (e.g. "reauthenticate").' }),
    // Nullable on the interface, so that clients select it once for every kind of action: a
    // ReauthenticateAction always has one; an action of a code this gateway does not know may not.
    resolutionLink: t.field({
      type: ResolutionLinkRef,
      nullable: true,
      resolve: (a) => a.resolutionLink,
      description: 'How to start resolving it. Always set on a ReauthenticateAction; on an UnknownAction, when upstream gave a link.',
    }),
  }),
  resolveType: (action) => (action.kind === 'reauthenticate' ? 'ReauthenticateAction' : 'UnknownAction'),
});

builder.objectRef<Extract<DeviceAction, { kind: 'reauthenticate' }>>('ReauthenticateAction').implement({
  description: "The owner must sign in to the manufacturer's cloud again (code \"reauthenticate\").",
  interfaces: [ActionRef],
  fields: () => ({}),
});

builder.objectRef<Extract<DeviceAction, { kind: 'unknown' }>>('UnknownAction').implement({
  description: 'An action whose code this gateway does not know yet. Its code and link are passed on as upstream sent them.',
  interfaces: [ActionRef],
  fields: () => ({}),
});

// ---- resolving actions (the cue flow, https://developers.podero.com/api-reference/cues/start-a-pending-action) -------------------------------------------------------

const ActionOutcomeEnum = builder.enumType('ActionOutcome', {
  description: 'How an action the end user went through ended.',
  values: {
    SUCCESS: { value: 'success', description: 'Completed: the action leaves the pending list.' },
    FAIL: { value: 'fail', description: 'Failed: the failure is recorded and the action stays pending, to be tried again.' },
  } as const,
});

const StartActionInput = builder.inputType('StartActionInput', {
  description: 'Starts resolving a pending action. Give either resolutionUrl, or cueId and secret.',
  fields: (t) => ({
    resolutionUrl: t.string({ description: "The action's resolutionLink.url, as the wallbox's actions gave it." }),
    cueId: t.field({ type: 'UUID', description: 'The cue id from the resolution URL (instead of resolutionUrl).' }),
    secret: t.string({ description: 'The secret from the resolution URL (instead of resolutionUrl). Single-use; expires one hour after it was issued.' }),
    successUrl: t.string({ required: true, description: 'Where the end user returns when done.' }),
    cancelUrl: t.string({ required: true, description: 'Where the end user returns after cancelling.' }),
    language: t.string({ description: 'IETF language tag for the pages the end user sees (e.g. "de").' }),
    location: t.field({ type: 'JSONObject', description: 'Location information, passed on as given.' }),
    clientInfo: t.field({ type: 'JSONObject', description: 'Client information, passed on as given.' }),
  }),
});

const ReportActionOutcomeInput = builder.inputType('ReportActionOutcomeInput', {
  description: 'Reports how a started action ended. Give either resolutionUrl, or cueId and secret (the ones the action was started with).',
  fields: (t) => ({
    resolutionUrl: t.string({ description: 'The resolution URL the action was started with.' }),
    cueId: t.field({ type: 'UUID', description: 'The cue id (instead of resolutionUrl).' }),
    secret: t.string({ description: 'The secret the action was started with (instead of resolutionUrl).' }),
    outcome: t.field({ type: ActionOutcomeEnum, required: true, description: 'How it ended.' }),
    payload: t.field({ type: 'JSONObject', description: 'Details of the outcome, passed on as given.' }),
    location: t.field({ type: 'JSONObject', description: 'Location information, passed on as given.' }),
    clientInfo: t.field({ type: 'JSONObject', description: 'Client information, passed on as given.' }),
  }),
});

/**
 * The cue named by either a resolution URL (as the wallbox's `actions` gave it) or a cue id and secret
 * taken from one; anything else is BAD_USER_INPUT. Only the cue id and secret are used: the call goes
 * to this gateway's partner API, never to the host in the URL.
 */
interface CueInput {
  resolutionUrl?: string | null;
  cueId?: string | null;
  secret?: string | null;
}

function cueOf(input: CueInput, problems: InputProblems): Cue | undefined {
  const byUrl = input.resolutionUrl !== undefined && input.resolutionUrl !== null;
  const byParts = (input.cueId ?? null) !== null || (input.secret ?? null) !== null;
  if (byUrl === byParts) {
    problems.add('resolutionUrl', 'give either resolutionUrl, or cueId and secret');
    return undefined;
  }
  if (byUrl) {
    const cue = cueFromResolutionUrl(input.resolutionUrl!);
    if (!cue) problems.add('resolutionUrl', 'must be an action resolution URL (…/cues/{cue id}/resolve?secret=…)');
    return cue;
  }
  if (!input.cueId) problems.add('cueId', 'is required with secret');
  if (!input.secret || !isCueSecret(input.secret)) problems.add('secret', 'is required with cueId, as printed in the resolution URL');
  return input.cueId && input.secret && isCueSecret(input.secret) ? { cueId: input.cueId, secret: input.secret } : undefined;
}

const StartActionPayload = builder.objectRef<{ redirectUrl: string }>('StartActionPayload').implement({
  description: 'A started action.',
  fields: (t) => ({
    redirectUrl: t.exposeString('redirectUrl', { description: 'Send the end user here to go through the action.' }),
  }),
});

const ReportActionOutcomePayload = builder.objectRef<{ actionId: string }>('ReportActionOutcomePayload').implement({
  description: 'A reported outcome.',
  fields: (t) => ({
    actionId: t.exposeString('actionId', { description: 'The action the outcome was recorded for.' }),
  }),
});

/**
 * Validates the input (the cue it names, and whatever else `check` adds), then runs the call. (Pending
 * actions are part of a device, and which one the cue does not say: the cue calls drop every read
 * held, src/upstream/cues.ts.)
 */
async function onCue<T>(input: CueInput, check: (problems: InputProblems) => void, run: (cue: Cue) => Promise<T>): Promise<T> {
  const problems = new InputProblems();
  const cue = cueOf(input, problems);
  check(problems);
  problems.throwIfAny();
  return run(cue!);
}

builder.mutationField('startAction', (t) =>
  t.field({
    nullable: true,
    type: StartActionPayload,
    description:
      'Starts resolving a pending action (e.g. reauthenticate): answers the URL to send the end user to. NOT_FOUND when the action does not exist; FORBIDDEN when its secret was used or has expired (read the wallbox again for a fresh link).',
    args: { input: t.arg({ type: StartActionInput, required: true }) },
    // The action's secret authorizes it (upstream's rule); it is found only in the actions of a device
    // the caller could read.
    authScopes: { anyCaller: true },
    resolve: (_root, { input }, ctx) =>
      onCue(
        input,
        (problems) => {
          checkReturnUrl(problems, 'successUrl', input.successUrl);
          checkReturnUrl(problems, 'cancelUrl', input.cancelUrl);
        },
        async (cue) => ({
          redirectUrl: await resolveCue(ctx.api, cue, {
            successUrl: input.successUrl,
            cancelUrl: input.cancelUrl,
            language: input.language ?? undefined,
            location: input.location ?? undefined,
            clientInfo: input.clientInfo ?? undefined,
          }),
        }),
      ),
  }),
);

builder.mutationField('reportActionOutcome', (t) =>
  t.field({
    nullable: true,
    type: ReportActionOutcomePayload,
    description:
      'Reports how a started action ended. SUCCESS completes it; FAIL records the failure and leaves it pending. NOT_FOUND when the action is not active (never started, or already completed).',
    args: { input: t.arg({ type: ReportActionOutcomeInput, required: true }) },
    // As startAction: the secret authorizes it.
    authScopes: { anyCaller: true },
    resolve: (_root, { input }, ctx) =>
      onCue(
        input,
        () => {},
        async (cue) => ({
          actionId: await reportCueOutcome(ctx.api, cue, {
            state: input.outcome,
            payload: input.payload ?? undefined,
            location: input.location ?? undefined,
            clientInfo: input.clientInfo ?? undefined,
          }),
        }),
      ),
  }),
);
