// The per-request Context: who is calling, their view of the partner API, and the request's loaders.
import type { YogaInitialContext } from 'graphql-yoga';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { budgetKey, describeCaller, type Caller } from './caller/caller.js';
import { admission, type CallBudgetStore } from './caller/budget.js';
import { clientAddress, type CallerIdentity } from './caller/identify.js';
import type { ApiSession, PartnerApi } from './upstream/client.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { LiveDevices, LiveView } from './live/live-devices.js';

export interface Context {
  caller: Caller;
  api: ApiSession;
  loaders: Loaders;
  /** PODERO_ORG_ID: used when a query passes no orgId, and the only organization an authenticated caller may name. */
  defaultOrgId: string | undefined;
  /** Logs for this request: they name the caller (subject and role, never the token). Made on first use. */
  logger(): Logger;
  /** Live device state for this caller's subscriptions (src/live/). Made on first use. */
  live(): LiveView;
  /**
   * The same caller's context with a fresh session and loaders: one per event of a subscription, so
   * an event's reads are its own (not the subscribe time's, long stale) and its deadline is its own.
   */
  renew(): Context;
}

export type ContextConfig = Pick<Config, 'orgId' | 'maxConcurrency' | 'maxCallsPerRequest' | 'requestTimeoutMs'>;

export interface ContextDependencies {
  api: PartnerApi;
  identity: CallerIdentity;
  /** Each caller's budget of upstream calls; absent: no per-caller limit. */
  budget: CallBudgetStore | undefined;
  logger: Logger;
  config: ContextConfig;
  /** The pollers subscriptions share. */
  live: LiveDevices;
}

/**
 * A request the caller-auth plugin let through without an identity (the public `_service { sdl }`):
 * an end user with no Podero user, who may act on nobody.
 */
const NOBODY: Caller = { kind: 'end-user', subject: 'anonymous', userId: null };

export function contextFactory({ api, identity, budget, logger, config, live }: ContextDependencies) {
  return async (initial: YogaInitialContext): Promise<Context> => {
    // A request the fast path began and hands to yoga (src/fast-path.ts) keeps the context it had: its
    // loaders hold what its reads answered, so nothing is asked upstream twice.
    const begun = (initial as YogaInitialContext & { fastPathContext?: Context }).fastPathContext;
    if (begun) return begun;
    const { request } = initial;
    const caller = await identity.of(request, clientAddress(initial)).catch(() => NOBODY);
    // Made when something logs: most requests log only their access line, which names the caller itself.
    let requestLogger: Logger | undefined;
    const loggerOf = () => (requestLogger ??= logger.child(describeCaller(caller)));
    // A caller's own Authorization goes upstream only when nobody authenticates callers (pass-through
    // mode); with caller authentication it is their JWT, which the partner API must never see.
    const callerAuthorization = identity.required ? undefined : (request.headers.get('authorization') ?? undefined);
    const admit = budget && admission(budget, budgetKey(caller));
    let liveView: LiveView | undefined;
    const liveOf = () => (liveView ??= live.view({ caller: budgetKey(caller), callerAuthorization, expiresAt: 'expiresAt' in caller ? caller.expiresAt : undefined }));
    const context = (): Context => {
      const session = api.session({
        callerAuthorization,
        // The request's own signal, listened to as it is: the session aborts its calls when it fires.
        signal: request.signal,
        deadline: Date.now() + config.requestTimeoutMs,
        maxConcurrency: config.maxConcurrency,
        maxCalls: config.maxCallsPerRequest,
        admit,
        logger: loggerOf,
      });
      return {
        caller,
        api: session,
        // The user list replaces detail calls once they would need more than one round of concurrent calls.
        loaders: createLoaders(session, { userListThreshold: config.maxConcurrency + 1, caller }),
        defaultOrgId: config.orgId,
        // Functions, not getters: yoga copies the context with Object.assign (which would call a getter
        // on every request), and V8 gives an object literal's getters accessor pairs of its own in the
        // old generation, which kept each request's whole graph alive until the next full GC (src/loaders.ts).
        logger: loggerOf,
        live: liveOf,
        renew: context,
      };
    };
    return context();
  };
}
