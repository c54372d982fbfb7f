// The gateway as a yoga instance: schema, per-request context, error codes, GraphiQL. It never listens
// (src/main.ts does); tests call `yoga.fetch` or serve it on port 0.
import { createYoga } from 'graphql-yoga';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { contextFactory, type Context, type ContextConfig } from './context.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { maskedErrors, useErrorCodes } from './plugins/use-error-codes.js';
import { usePersistedQueries } from './plugins/use-persisted-queries.js';
import { schema } from './schema/index.js';
import type { PartnerApi } from './upstream/client.js';

export interface GatewayOptions {
  api: PartnerApi;
  config: ContextConfig & Pick<Config, 'corsOrigins'>;
  logger: Logger;
  /** The operations GraphiQL opens with, one tab each. */
  examples?: string[];
}

export function createGateway({ api, config, logger, examples = [] }: GatewayOptions) {
  // The self-contained GraphiQL page is ~9 MB of HTML and never changes while the process runs:
  // render it once. It loads nothing from a CDN, so it works on machines without internet.
  let graphiqlPage: string | undefined;
  return createYoga<object, Context>({
    schema,
    context: contextFactory(api, config),
    logging: logger,
    maskedErrors,
    plugins: [useCsrfPrevention(), usePersistedQueries(), useErrorCodes()],
    // Browsers on other origins may call the gateway only when listed in CORS_ORIGINS. The gateway
    // holds upstream credentials and (for now) authenticates no caller, so this is what keeps any web
    // page from using them.
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins, methods: ['GET', 'POST'], credentials: false } : false,
    multipart: false,
    landingPage: false,
    // GraphQL documents are small; a large body is a mistake or an attack.
    maxRequestBodySize: 1024 * 1024,
    graphiql: {
      title: 'Podero GraphQL gateway',
      defaultTabs: examples.map((query) => ({ query })),
      shouldPersistHeaders: false,
    },
    renderGraphiQL: (options) => (graphiqlPage ??= renderGraphiQL(options)),
  });
}

export type Gateway = ReturnType<typeof createGateway>;
