// Prometheus metrics (prom-client), one registry per gateway: the process (CPU, memory, event-loop lag,
// GC), GraphQL requests (@graphql-yoga/plugin-prometheus) and the partner API calls.
//
// No label ever holds an id, a token or a user, and none can grow without bound: upstream routes are
// path templates (src/upstream/paths.ts), and operation names — which callers choose freely — are kept
// for the first 100 distinct ones, then counted as `other`.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { BreakerState } from '../upstream/resilience.js';
import type { AttemptOutcome, UpstreamCall, UpstreamTelemetry } from '../upstream/telemetry.js';
import type { RedisObserver } from '../redis/connection.js';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Operation names as label values: the first `max` distinct ones, then `other`. */
class OperationNames {
  readonly #seen = new Set<string>();
  constructor(readonly max = 100) {}

  label(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.#seen.has(name)) return name;
    if (this.#seen.size >= this.max || name.length > 100) return 'other';
    this.#seen.add(name);
    return name;
  }
}

export class Metrics {
  readonly registry = new Registry();
  readonly #names = new OperationNames();
  readonly #upstreamRequests: Counter<'method' | 'route' | 'status'>;
  readonly #upstreamDuration: Histogram<'method' | 'route'>;
  readonly #upstreamRetries: Counter<'method' | 'route' | 'reason'>;
  readonly #breakerState: Gauge;
  readonly #tokenRefreshes: Counter;
  readonly #redisConnected: Gauge;
  readonly #redisFallbacks: Counter<'store'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.#upstreamRequests = new Counter({
      name: 'podero_upstream_requests_total',
      help: 'Partner API requests (each attempt), by method, route template and HTTP status (or error / timeout).',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#upstreamDuration = new Histogram({
      name: 'podero_upstream_request_duration_seconds',
      help: 'Partner API request duration (each attempt), by method and route template.',
      labelNames: ['method', 'route'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#upstreamRetries = new Counter({
      name: 'podero_upstream_retries_total',
      help: 'Partner API reads sent again after a retryable failure, by method, route template and reason (error code).',
      labelNames: ['method', 'route', 'reason'],
      registers,
    });
    this.#breakerState = new Gauge({ name: 'podero_circuit_breaker_state', help: 'The partner API circuit breaker: 0 closed, 1 half-open, 2 open.', registers });
    this.#tokenRefreshes = new Counter({ name: 'podero_token_refreshes_total', help: 'Access tokens obtained from the partner API token endpoint.', registers });
    this.#redisConnected = new Gauge({ name: 'podero_redis_connected', help: 'Whether the shared Redis (REDIS_URL) is connected: 1 or 0.', registers });
    this.#redisFallbacks = new Counter({
      name: 'podero_redis_fallbacks_total',
      help: 'Operations a shared store answered from this process because Redis did not, by store (apq, read-cache, budget).',
      labelNames: ['store'],
      registers,
    });
  }

  /** What the shared Redis reports to (src/redis/connection.ts). */
  get redis(): RedisObserver {
    return {
      connected: (up) => this.#redisConnected.set(up ? 1 : 0),
      fallback: (store) => this.#redisFallbacks.inc({ store }),
    };
  }

  /** What the upstream client reports to (src/upstream/telemetry.ts). */
  get upstream(): UpstreamTelemetry {
    return {
      call: ({ method, route }: UpstreamCall) => ({
        headers: {},
        attempt: (outcome: AttemptOutcome, durationMs: number) => {
          const status = 'status' in outcome ? String(outcome.status) : outcome.failure;
          this.#upstreamRequests.inc({ method, route, status });
          this.#upstreamDuration.observe({ method, route }, durationMs / 1000);
        },
        retry: (_attempt: number, reason: string) => this.#upstreamRetries.inc({ method, route, reason }),
        end: () => {},
      }),
      tokenFetched: () => this.#tokenRefreshes.inc(),
      breakerState: (state: BreakerState) => this.#breakerState.set(BREAKER_VALUE[state]),
    };
  }

  /** GraphQL request metrics, by operation name and type: durations per phase, and errors by code. */
  graphqlPlugin(): Plugin {
    const registry = this.registry;
    const operation = (params: FillLabelsFnParams) => ({
      operationName: this.#names.label(params.operationName),
      operationType: params.operationType ?? 'unknown',
    });
    const histogram = <Phase>(name: string, help: string) =>
      createHistogram<Phase, 'operationName' | 'operationType'>({
        registry,
        histogram: { name, help, labelNames: ['operationName', 'operationType'], buckets: DURATION_BUCKETS },
        fillLabelsFn: operation,
      });
    return usePrometheus({
      registry,
      endpoint: false, // served by src/server.ts, on METRICS_PORT when set
      // The plugin's other default metrics are off: each costs every request something and adds
      // nothing here. `deprecated_field` walks every document (4-5 % of the gateway's CPU under load;
      // this schema deprecates nothing), `request_time_summary` keeps sliding-window quantiles (the
      // histograms give them), `request` counts what `request_duration_count` already counts, and
      // `schema_change` watches a schema that never changes.
      metrics: {
        graphql_envelop_deprecated_field: false,
        graphql_envelop_request_time_summary: false,
        graphql_envelop_request: false,
        graphql_envelop_schema_change: false,
        graphql_envelop_phase_parse: histogram<'parse'>('graphql_envelop_phase_parse', 'Time to parse a GraphQL operation, in seconds.'),
        graphql_envelop_phase_validate: histogram<'validate'>('graphql_envelop_phase_validate', 'Time to validate a GraphQL operation, in seconds.'),
        graphql_envelop_phase_execute: histogram<'execute'>('graphql_envelop_phase_execute', 'Time to execute a GraphQL operation (its upstream calls included), in seconds.'),
        graphql_envelop_request_duration: histogram<'execute' | 'subscribe'>('graphql_envelop_request_duration', 'Time from parse to result of a GraphQL operation, in seconds.'),
        graphql_envelop_error_result: createCounter({
          registry,
          counter: {
            name: 'graphql_envelop_error_result',
            help: 'Errors in GraphQL results, by operation, phase and error code.',
            labelNames: ['operationName', 'operationType', 'phase', 'code'],
          },
          fillLabelsFn: (params) => ({
            ...operation(params),
            phase: params.errorPhase ?? 'unknown',
            code: errorCode(params.error),
          }),
        }),
        graphql_yoga_http_duration: createHistogram({
          registry,
          histogram: {
            name: 'graphql_yoga_http_duration',
            help: 'Time to answer a GraphQL HTTP request, in seconds, by status and operation.',
            labelNames: ['method', 'statusCode', 'operationName', 'operationType'],
            buckets: DURATION_BUCKETS,
          },
          fillLabelsFn: (params) => ({ method: params.request.method, statusCode: params.response.status, ...operation(params) }),
        }),
      },
    });
  }

  /** The exposition text for GET /metrics. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * An error's code as the response will carry it. This plugin sees execution errors before yoga's
 * masking codes them (use-error-codes.ts), so an upstream failure's code is read from the original error.
 */
function errorCode(error: unknown): string {
  const { extensions, originalError } = (error ?? {}) as { extensions?: { code?: unknown }; originalError?: { code?: unknown } };
  const code = extensions?.code ?? originalError?.code;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'unknown';
}
