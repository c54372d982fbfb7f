// The per-request Context: the caller's view of the partner API and the request's loaders.
import type { YogaInitialContext } from 'graphql-yoga';
import type { Config } from './config.js';
import type { ApiSession, PartnerApi } from './upstream/client.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context {
  api: ApiSession;
  loaders: Loaders;
  /** PODERO_ORG_ID: used when a query passes no orgId. */
  defaultOrgId: string | undefined;
}

export type ContextConfig = Pick<Config, 'orgId' | 'maxConcurrency' | 'maxCallsPerRequest'>;

export function contextFactory(api: PartnerApi, config: ContextConfig) {
  return ({ request }: YogaInitialContext): Context => {
    const session = api.session({
      callerAuthorization: request.headers.get('authorization') ?? undefined,
      signal: request.signal,
      maxConcurrency: config.maxConcurrency,
      maxCalls: config.maxCallsPerRequest,
    });
    // The user list replaces detail calls once they would need more than one round of concurrent calls.
    const loaders = createLoaders(session, { userListThreshold: config.maxConcurrency + 1 });
    return { api: session, loaders, defaultOrgId: config.orgId };
  };
}
