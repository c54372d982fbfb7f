// Pending actions are a union that upstream plans to grow (digest §5): clients get an interface, one
// type per code the gateway knows, and UnknownAction for any other, so a new code never breaks them.
import { builder } from './builder.js';
import type { DeviceAction, ResolutionLink } from '../upstream/wallboxes.js';

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
  }),
  resolveType: (action) => (action.kind === 'reauthenticate' ? 'ReauthenticateAction' : 'UnknownAction'),
});

builder.objectRef<Extract<DeviceAction, { kind: 'reauthenticate' }>>('ReauthenticateAction').implement({
  description: "The owner must sign in to the manufacturer's cloud again (code \"reauthenticate\").",
  interfaces: [ActionRef],
  fields: (t) => ({
    resolutionLink: t.field({ type: ResolutionLinkRef, resolve: (a) => a.resolutionLink, description: 'How to start the re-authentication.' }),
  }),
});

builder.objectRef<Extract<DeviceAction, { kind: 'unknown' }>>('UnknownAction').implement({
  description: 'An action whose code this gateway does not know yet. Its code and link are passed on as upstream sent them.',
  interfaces: [ActionRef],
  fields: (t) => ({
    resolutionLink: t.field({
      type: ResolutionLinkRef,
      nullable: true,
      resolve: (a) => a.resolutionLink,
      description: 'How to start resolving it, when upstream gave a link.',
    }),
  }),
});
