// The gateway as a yoga instance: schema, per-request context, limits, error codes, GraphiQL, given
// what src/app.ts built (the partner API client, callers' identity and budgets). It never listens.
import { createYoga, type Plugin } from 'graphql-yoga';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { contextFactory, type Context, type ContextConfig } from './context.js';
import type { CallBudgetStore } from './caller/budget.js';
import type { CallerIdentity } from './caller/identify.js';
import { useCallerAuth } from './plugins/use-caller-auth.js';
import { useRequestObservation } from './plugins/use-request-observation.js';
import type { Metrics } from './observability/metrics.js';
import { CompiledOperations, useCompiledExecution } from './plugins/use-compiled-execution.js';
import { useCompression } from './plugins/use-compression.js';
import { useExecutionEnd } from './plugins/use-execution-end.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { maskedErrors, useErrorCodes } from './plugins/use-error-codes.js';
import { useGraphiQL } from './plugins/use-graphiql.js';
import { DocumentCache, useOperationLimits } from './plugins/use-operation-limits.js';
import { usePersistedQueries, type PersistedQueriesOptions, type TrustedDocuments } from './plugins/use-persisted-queries.js';
import { useRequestLimits } from './plugins/use-request-limits.js';
import { useLiveSubscriptions } from './plugins/use-live-subscriptions.js';
import { useMultipartSubscriptions } from './plugins/use-multipart-subscriptions.js';
import type { LiveDevices } from './live/live-devices.js';
import type { Connections } from './live/connections.js';
import { schema } from './schema/index.js';
import { createFastPath } from './fast-path.js';
import type { PartnerApi } from './upstream/client.js';

export type GatewayConfig = ContextConfig &
  Pick<Config, 'corsOrigins' | 'limits' | 'graphiql' | 'introspection' | 'development' | 'auth' | 'compression'>;

export interface GatewayOptions {
  api: PartnerApi;
  config: GatewayConfig;
  logger: Logger;
  /** The operations GraphiQL opens with, one tab each. */
  examples?: string[];
  /** Who is calling, as `config.auth` describes it. */
  identity: CallerIdentity;
  /** Where callers' budgets of upstream calls are kept; absent: no budget. */
  budget: CallBudgetStore | undefined;
  /** Prometheus metrics of GraphQL requests (src/observability/metrics.ts). */
  metrics?: Metrics | undefined;
  /** OpenTelemetry: spans for each request and its phases (src/observability/tracing.ts's useTracing), when tracing is on. */
  tracing?: Plugin | undefined;
  /** The pollers subscriptions share (src/live/). */
  live: LiveDevices;
  /** Open subscription connections per client address (LIVE_MAX_CONNECTIONS_PER_CLIENT). */
  connections: Connections;
  /** Redis (REDIS_URL): APQ documents shared with the other replicas. */
  apqShare?: PersistedQueriesOptions['share'];
  /** PERSISTED_DOCUMENTS: the operations the clients ship, run by id (and with PERSISTED_DOCUMENTS_ONLY, nothing else). */
  trustedDocuments?: TrustedDocuments | undefined;
}

const ENDPOINT = '/graphql';

export function createGateway({ api, config, logger, examples = [], identity, budget, live, connections, ...options }: GatewayOptions) {
  const context = contextFactory({ api, identity, budget, logger, config, live });
  const documents = new DocumentCache();
  const compiled = new CompiledOperations(logger);
  const yoga = createYoga<object, Context>({
    schema,
    graphqlEndpoint: ENDPOINT,
    context,
    logging: logger,
    maskedErrors,
    plugins: [
      // First, so that its onResponse runs before the others': the access log's and the metrics' durations include compressing.
      config.compression ? useCompression(config.compression) : {},
      options.tracing ?? {},
      useRequestObservation({ logger, metrics: options.metrics }),
      config.graphiql && useGraphiQL({ endpoint: ENDPOINT, title: 'Podero GraphQL gateway', defaultTabs: examples.map((query) => ({ query })) }),
      useCsrfPrevention(),
      // Before anything reads the request: an unauthenticated caller gets a 401 and nothing else.
      useCallerAuth({ identity, publicServiceSdl: config.auth?.publicServiceSdl ?? true, logger }),
      useRequestLimits({ maxBodyBytes: config.limits.requestBytes }),
      // After APQ, which turns a hash into the document the limits then check (and, with
      // PERSISTED_DOCUMENTS_ONLY, refuses an unlisted document before they lex it).
      usePersistedQueries({ share: options.apqShare, trusted: options.trustedDocuments, identity }),
      useOperationLimits({ limits: config.limits, introspection: config.introspection, documents }),
      useErrorCodes({ maxErrors: config.limits.errors, development: config.development }),
      useCompiledExecution(compiled),
      useExecutionEnd(),
      useLiveSubscriptions({ logger, observer: options.metrics?.live, connections }),
      // Apollo Client's HttpLink asks for subscriptions as multipart; yoga itself serves SSE.
      useMultipartSubscriptions(),
    ],
    // use-operation-limits.ts keeps parsed documents in a cache bounded in bytes; yoga's is bounded in entries only.
    parserAndValidationCache: false,
    // Browsers on other origins may call the gateway only when listed in CORS_ORIGINS: without caller
    // authentication this is what keeps any web page from using the organization's credentials.
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins, methods: ['GET', 'POST'], credentials: false } : false,
    multipart: false,
    landingPage: false,
    // use-request-limits.ts checks the body size, without re-streaming every body.
    maxRequestBodySize: false,
    // use-graphiql.ts serves it (rendered once, split, compressed, cached).
    graphiql: false,
  });
  // What node:http calls: the fast path for the requests it can answer as yoga would, yoga for the rest.
  // Tracing's spans and PERSISTED_DOCUMENTS_ONLY's per-caller check are yoga's alone.
  const listener =
    options.tracing || options.trustedDocuments?.only
      ? yoga.requestListener
      : createFastPath({
          yoga,
          endpoint: ENDPOINT,
          documents,
          compiled,
          contextOf: context,
          identity,
          logger,
          metrics: options.metrics,
          maxBodyBytes: config.limits.requestBytes,
          compression: config.compression || undefined,
          cors: config.corsOrigins.length > 0,
        });
  return Object.assign(yoga, { listener });
}

export type Gateway = ReturnType<typeof createGateway>;
