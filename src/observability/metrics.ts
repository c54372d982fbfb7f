// Prometheus metrics (prom-client), one registry per gateway: the process (CPU, memory, event-loop lag,
// GC), GraphQL requests (src/plugins/use-request-observation.ts) and the partner API calls.
//
// No label ever holds an id, a token or a user, and none can grow without bound: upstream routes are
// path templates (src/upstream/paths.ts), and operation names — which callers choose freely — are kept
// for the first 100 distinct ones, then counted as `other`.
//
// Names follow Prometheus's conventions, which `promtool check metrics` enforces (a test runs it on a
// live /metrics): snake_case labels, a unit in every name that has one (seconds), `_total` on counters
// and on nothing else (https://prometheus.io/docs/practices/naming/). deploy/prometheus/alerts.yml
// queries these names, and CHANGELOG.md lists every rename.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastPathOutcome, RequestObservation, RequestObserver } from '../plugins/use-request-observation.js';
import type { BreakerState } from '../upstream/resilience.js';
import type { AttemptOutcome, UpstreamCall, UpstreamTelemetry } from '../upstream/telemetry.js';
import type { RedisObserver } from '../redis/connection.js';
import type { LiveObserver } from '../live/live-devices.js';

export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
/** Label sets remembered per metric; past this, children are looked up by prom-client each time. */
const MAX_CHILDREN = 5000;
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
/**
 * prom-client's default metrics that are gauges named like counters (`_total` belongs to counters
 * alone); each is the sum of its per-type twin, e.g. `sum(nodejs_active_handles)`.
 */
const GAUGES_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface MetricsOptions {
  /**
   * LIVE_MAX_POLLERS, exposed beside the pollers in use (as `process_max_fds` is beside
   * `process_open_fds`), so that an alert can see the limit coming instead of the refusals.
   */
  liveMaxPollers?: number | undefined;
}

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

export class Metrics implements RequestObserver {
  readonly registry = new Registry();
  readonly #names = new OperationNames();
  readonly #upstreamRequests: Counter<'method' | 'route' | 'status'>;
  readonly #upstreamDuration: Histogram<'method' | 'route'>;
  readonly #upstreamRetries: Counter<'method' | 'route' | 'reason'>;
  readonly #breakerState: Gauge;
  readonly #tokenRefreshes: Counter;
  readonly #redisConnected: Gauge;
  readonly #redisFallbacks: Counter<'store'>;
  readonly #graphql: GraphQLMetrics;
  readonly #fastPath: Counter<'outcome'>;
  readonly #children = new Map<Histogram<string> | Counter<string>, Map<string, unknown>>();

  /** What live device state reports to (src/live/): subscriptions, pollers, polls and events. */
  readonly live: LiveObserver;

  constructor({ liveMaxPollers }: MetricsOptions = {}) {
    collectDefaultMetrics({ register: this.registry });
    for (const name of GAUGES_NAMED_TOTAL) this.registry.removeSingleMetric(name);
    const registers = [this.registry];
    this.live = liveMetrics(this.registry, liveMaxPollers);
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
    this.#graphql = graphqlMetrics(registers);
    this.#fastPath = new Counter({
      name: 'podero_fast_path_requests_total',
      help: 'POST requests the fast path read, by outcome: answered there, or handed to yoga (not compiled yet, errors in the answer, a caller it could not identify).',
      labelNames: ['outcome'],
      registers,
    });
    this.#redisFallbacks = new Counter({
      name: 'podero_redis_fallbacks_total',
      help: 'Operations a shared store answered from this process because Redis did not, by store (apq, read-cache, budget, live).',
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
          // Children found by key, as requestObserved's: every upstream call records these (~1.3 KB of label hashing a call otherwise).
          this.#child(this.#upstreamRequests, `${method}\u0000${route}\u0000${status}`, () => ({ method, route, status })).inc();
          this.#child(this.#upstreamDuration, `${method}\u0000${route}`, () => ({ method, route })).observe(durationMs / 1000);
        },
        retry: (_attempt: number, reason: string) => this.#upstreamRetries.inc({ method, route, reason }),
        end: () => {},
      }),
      tokenFetched: () => this.#tokenRefreshes.inc(),
      breakerState: (state: BreakerState) => this.#breakerState.set(BREAKER_VALUE[state]),
    };
  }

  /**
   * One GraphQL request, as src/plugins/use-request-observation.ts saw it, recorded under the names
   * @graphql-yoga/plugin-prometheus uses (with the units and snake_case labels the conventions ask for)
   * but without the plugin: its hooks cost each request more than the observations themselves.
   */
  requestObserved(request: RequestObservation): void {
    const { httpDuration, requestDuration, executeDuration, errors } = this.#graphql;
    const operation_name = this.#names.label(request.operationName);
    const operation_type = request.operationType ?? 'unknown';
    const operation = `${operation_name}\u0000${operation_type}`;
    const http = `${request.method}\u0000${request.status}\u0000${operation}`;
    this.#child(httpDuration, http, () => ({ method: request.method, status_code: request.status, operation_name, operation_type })).observe(request.durationS);
    if (request.executeS !== undefined) {
      const labels = () => ({ operation_name, operation_type });
      this.#child(executeDuration, operation, labels).observe(request.executeS);
      this.#child(requestDuration, operation, labels).observe(request.durationS);
    }
    for (const { phase, code } of request.errors) {
      const label = /^[A-Z_]{1,40}$/.test(code) ? code : 'unknown';
      this.#child(errors, `${operation}\u0000${phase}\u0000${label}`, () => ({ operation_name, operation_type, phase, code: label })).inc();
    }
  }

  fastPathUsed(outcome: FastPathOutcome): void {
    this.#child(this.#fastPath, outcome, () => ({ outcome })).inc();
  }

  /**
   * A metric's child for one set of label values, found by a key string instead of prom-client hashing
   * the label object on every observation. Bounded like the labels themselves (operation names are
   * capped; methods, statuses, phases and codes are few), and past MAX_CHILDREN not remembered.
   */
  #child<M extends Histogram<string> | Counter<string>>(metric: M, key: string, labels: () => Record<string, string | number>): ReturnType<M['labels']> {
    let children = this.#children.get(metric);
    if (!children) this.#children.set(metric, (children = new Map<string, unknown>()));
    let child = children.get(key) as ReturnType<M['labels']> | undefined;
    if (!child) {
      const remembered = children.size < MAX_CHILDREN;
      const values = labels();
      // A histogram's child remembered here observes into prom-client's entry itself (HistogramChild).
      child = (remembered && metric instanceof Histogram ? new HistogramChild(metric, values) : metric.labels(values)) as ReturnType<M['labels']>;
      if (remembered) children.set(key, child);
    }
    return child;
  }

  /** The exposition text for GET /metrics. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

type OperationLabel = 'operation_name' | 'operation_type';
interface GraphQLMetrics {
  httpDuration: Histogram<'method' | 'status_code' | OperationLabel>;
  requestDuration: Histogram<OperationLabel>;
  executeDuration: Histogram<OperationLabel>;
  errors: Counter<OperationLabel | 'phase' | 'code'>;
}

function graphqlMetrics(registers: Registry[]): GraphQLMetrics {
  const operation: OperationLabel[] = ['operation_name', 'operation_type'];
  const histogram = <L extends string>(name: string, help: string, labelNames: L[]) => new Histogram<L>({ name, help, labelNames, buckets: DURATION_BUCKETS, registers });
  return {
    httpDuration: histogram('graphql_yoga_http_duration_seconds', 'Time to answer a GraphQL HTTP request, by method, status and operation.', ['method', 'status_code', ...operation]),
    requestDuration: histogram('graphql_envelop_request_duration_seconds', 'Time to answer a GraphQL operation that was executed, by operation.', operation),
    executeDuration: histogram('graphql_envelop_phase_execute_seconds', 'Time to execute a GraphQL operation (its upstream calls included), by operation.', operation),
    errors: new Counter({
      name: 'graphql_envelop_error_result_total',
      help: 'Errors in GraphQL results, by operation, phase (parse, validate, execute, or request: refused before a document was read) and error code.',
      labelNames: [...operation, 'phase', 'code'],
      registers,
    }),
  };
}

function liveMetrics(registry: Registry, maxPollers: number | undefined): LiveObserver {
  const registers = [registry];
  if (maxPollers !== undefined) {
    new Gauge({ name: 'podero_live_max_pollers', help: 'LIVE_MAX_POLLERS: the most devices (and device lists) this process polls at once.', registers }).set(maxPollers);
  }
  const subscriptions = new Gauge({
    name: 'podero_live_subscriptions',
    help: 'Open subscriptions, by transport (sse, graphql-ws, multipart).',
    labelNames: ['transport'],
    registers,
  });
  const pollers = new Gauge({ name: 'podero_live_pollers', help: 'Devices (and device lists) polled for subscribers now, one poller each.', registers });
  const polls = new Counter({
    name: 'podero_live_polls_total',
    help: 'Polls of a watched device, by outcome: changed, unchanged, failed (transient; tried again next interval), ended (404/403/401 ended its streams).',
    labelNames: ['outcome'],
    registers,
  });
  const events = new Counter({ name: 'podero_live_events_total', help: 'Events sent to subscribers (a change of what their selection holds, or the first state).', registers });
  return {
    subscriptions: (transport, delta) => subscriptions.inc({ transport }, delta),
    pollers: (count) => pollers.set(count),
    poll: (outcome) => polls.inc({ outcome }),
    event: () => events.inc(),
  };
}

/** What prom-client keeps per label set of a histogram (its lib/histogram.js), and what /metrics prints from. */
interface HistogramEntry {
  labels: Record<string, string | number>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}
interface HistogramInternals {
  hashMap: Record<string, HistogramEntry>;
  upperBounds: number[];
}

/**
 * One label set of a histogram, observed without prom-client's per-observation work: its child's
 * `observe` validates and hashes the label object and turns the bucket bound (a float) into a property
 * key on every call. Measured on `{ __typename }` at c=10, the metrics half of a request's report cost as
 * much as the rest of the request, and its garbage outlived scavenges. The entry written is prom-client's
 * own (made by its public `zero()` when there is none), so /metrics prints it exactly as before; after a
 * `reset()` (a new map) the entry is found or made again.
 */
class HistogramChild {
  readonly #histogram: HistogramInternals & Histogram<string>;
  readonly #labels: Record<string, string | number>;
  readonly #bounds: number[];
  readonly #keys: string[];
  #map: HistogramInternals['hashMap'] | undefined;
  #entry: HistogramEntry | undefined;

  constructor(histogram: Histogram<string>, labels: Record<string, string | number>) {
    this.#histogram = histogram as unknown as HistogramInternals & Histogram<string>;
    this.#labels = labels;
    this.#bounds = this.#histogram.upperBounds;
    // The bucket keys as prom-client writes them: `bucketValues[upperBound]`, a number made a key.
    this.#keys = this.#bounds.map(String);
  }

  observe(value: number): void {
    const histogram = this.#histogram;
    let entry = this.#entry;
    if (!entry || this.#map !== histogram.hashMap) entry = this.#attach();
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    entry.sum += value;
    entry.count += 1;
    if (i < bounds.length) entry.bucketValues[this.#keys[i]!]! += 1;
  }

  #attach(): HistogramEntry {
    const histogram = this.#histogram;
    const same = (entry: HistogramEntry) => Object.keys(this.#labels).every((name) => entry.labels[name] === this.#labels[name]);
    let entry = Object.values(histogram.hashMap).find(same);
    if (!entry) {
      histogram.zero(this.#labels);
      entry = Object.values(histogram.hashMap).find(same)!;
    }
    this.#map = histogram.hashMap;
    this.#entry = entry;
    return entry;
  }
}
