// OpenTelemetry traces, on when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is
// set: exported over OTLP/HTTP, the exporter reading the standard OTEL_* variables itself (headers,
// timeouts, the traces path). https://opentelemetry.io/docs/specs/otel/protocol/exporter/
//
// A request carrying a W3C `traceparent` (a federation router's) continues that trace. Each GraphQL
// request is a server span; parse, validate and execute are its children; each partner API call is a
// client span below them, with its retries as events and a `traceparent` of its own sent upstream.
// Both kinds carry the stable HTTP semantic-convention attributes, so a tracing backend's HTTP views
// work on them unchanged: https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context as OtelContext,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';
import { getOperationAST, type DocumentNode, type GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
// The version `npm start` reports is the one package.json declares: bundled into dist/ by esbuild,
// read as it is under tsx and in the tests.
import packageJson from '../../package.json' with { type: 'json' };
import type { Tracing } from '../config.js';
import type { AttemptOutcome, UpstreamCall, UpstreamTelemetry } from '../upstream/telemetry.js';

const TRACER = 'podero-graphql-gateway';

// Still in development in the semantic conventions, so not among the package's stable exports (its
// README advises copying these rather than importing its `incubating` entry point at run time):
// https://opentelemetry.io/docs/specs/semconv/graphql/graphql-spans/
// https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/#url-template
const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
const ATTR_URL_TEMPLATE = 'url.template';

export interface TracingSetup {
  tracer: Tracer;
  /** Sends what is buffered now. */
  flush(): Promise<void>;
  /** Sends what is buffered, stops, and takes the global tracer, context and propagator back: part of a graceful shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Installs the OTel SDK for this process: the tracer provider, async context, W3C propagation. The SDK
 * is imported here, so a gateway without tracing loads only the (no-op) API.
 */
export async function startTracing({ serviceName }: Tracing): Promise<TracingSetup> {
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { OTLPTraceExporter }, { defaultResource, resourceFromAttributes }, { BatchSpanProcessor, TracerProvider }] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace'),
    ]);
  const provider = new TracerProvider({
    // The SDK's default resource names the SDK (`telemetry.sdk.*`); a resource given here replaces it
    // unless merged into it. https://opentelemetry.io/docs/specs/semconv/resource/#telemetry-sdk
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: packageJson.version })),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer(TRACER, packageJson.version),
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The trace and span ids of the active span, for log lines. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

const HEADERS: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/** Spans for each GraphQL request and its phases, in the caller's trace when it sent one. */
export function useTracing(tracer: Tracer): Plugin {
  const requestSpans = new WeakMap<Request, Span>();
  /** Requests whose span was failed by their GraphQL errors: their HTTP status adds nothing to that. */
  const failed = new WeakSet<Request>();
  const phase = (name: string) => (_payload: unknown, wrapped: () => void) => tracer.startActiveSpan(name, (span) => ended(span, wrapped));
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const parent = propagation.extract(ROOT_CONTEXT, request.headers, HEADERS);
        const span = tracer.startSpan('graphql.request', { kind: SpanKind.SERVER, attributes: serverAttributes(request) }, parent);
        requestSpans.set(request, span);
        return context.with(trace.setSpan(parent, span), () => ended(span, wrapped));
      },
      parse: phase('graphql.parse'),
      validate: phase('graphql.validate'),
      execute: phase('graphql.execute'),
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const span = request && requestSpans.get(request);
      const operation = getOperationAST(args.document as DocumentNode, args.operationName as string | null | undefined);
      if (!span || !operation) return;
      // Named as the semantic conventions for GraphQL server spans suggest: `query Wallbox`.
      span.updateName(`${operation.operation}${operation.name ? ` ${operation.name.value}` : ''}`);
      span.setAttributes({ [ATTR_GRAPHQL_OPERATION_TYPE]: operation.operation, ...(operation.name ? { [ATTR_GRAPHQL_OPERATION_NAME]: operation.name.value } : {}) });
    },
    onResultProcess({ request, result }) {
      // A response with errors failed, whatever its HTTP status: GraphQL answers most errors (a device
      // not found, upstream down) with 200 and partial data. Seen here rather than after execution, so
      // that a document refused before it (unparsable, invalid, over a limit) counts too. Streams
      // (subscriptions) are answered before their events, so their request span cannot wait for them.
      const span = requestSpans.get(request);
      if (!span || isAsyncIterable(result)) return;
      const errors = (Array.isArray(result) ? result : [result]).flatMap((r): readonly GraphQLError[] => r.errors ?? []);
      if (errors.length === 0) return;
      const code = errors[0]!.extensions?.code;
      failSpan(span, typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR', errors.length);
      failed.add(request);
    },
    onResponse({ request, response }) {
      const span = requestSpans.get(request);
      if (!span) return;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (failed.has(request)) return;
      // A refusal written before yoga read the request (a POST that is not JSON) holds errors too, and
      // any server error fails the span (the conventions' rule for server spans); their code is the status.
      const json = /^application\/(?:graphql-response\+)?json\b/.test(response.headers.get('content-type') ?? '');
      if (response.status >= 500 || (response.status >= 400 && json)) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute(ATTR_ERROR_TYPE, String(response.status));
      }
    },
  };
}

/** The span failed with these GraphQL errors; `error.type` is the first one's code, low in cardinality by construction (src/error-codes.ts). */
function failSpan(span: Span, code: string, count: number): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: count > 1 ? `${code} (and ${count - 1} more errors)` : code });
  span.setAttribute(ATTR_ERROR_TYPE, code);
}

/**
 * The HTTP server span's attributes, known when the request arrives (so samplers see them).
 * `url.scheme` is the caller's, as a TLS-terminating proxy forwards it; `url.query`, when there is one,
 * keeps its keys with every value redacted: on a GET it is the GraphQL document and its variables,
 * which may hold a secret (an action's).
 */
function serverAttributes(request: Request): Attributes {
  const url = new URL(request.url);
  return {
    ...methodAttributes(request.method),
    [ATTR_URL_SCHEME]: forwardedScheme(request.headers) ?? url.protocol.slice(0, -1),
    [ATTR_URL_PATH]: url.pathname,
    ...(url.search ? { [ATTR_URL_QUERY]: redactedQuery(url.searchParams, () => true) } : {}),
  };
}

/** The methods the conventions know; any other is `_OTHER`, so a caller cannot mint attribute values. */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

function methodAttributes(method: string): Attributes {
  if (KNOWN_METHODS.has(method)) return { [ATTR_HTTP_REQUEST_METHOD]: method };
  return { [ATTR_HTTP_REQUEST_METHOD]: HTTP_REQUEST_METHOD_VALUE_OTHER, [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: method };
}

/**
 * The scheme the caller used, when a proxy in front says so (`Forwarded: proto=https`, or
 * `X-Forwarded-Proto`): only http or https, so the header cannot put anything else in a span.
 * https://developer.mozilla.org/docs/Web/HTTP/Headers/Forwarded#proto
 */
function forwardedScheme(headers: Headers): string | undefined {
  const forwarded = /(?:^|[;,\s])proto="?([a-z]+)/i.exec(headers.get('forwarded') ?? '')?.[1] ?? headers.get('x-forwarded-proto')?.split(',')[0];
  const scheme = forwarded?.trim().toLowerCase();
  return scheme === 'http' || scheme === 'https' ? scheme : undefined;
}

/** Ends a span when `wrapped` is done (sync or async), marking it failed when it threw. */
function ended<T>(span: Span, wrapped: () => T): T {
  const fail = (error: unknown) => {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    throw error;
  };
  try {
    const result = wrapped();
    if (result instanceof Promise) return result.then((value: unknown) => (span.end(), value), fail) as T;
    span.end();
    return result;
  } catch (error) {
    return fail(error);
  }
}

/** A client span per partner API call (all its attempts), carrying a `traceparent` of its own. */
export function upstreamTracing(tracer: Tracer, apiUrl: URL): UpstreamTelemetry {
  const server = { [ATTR_SERVER_ADDRESS]: apiUrl.hostname.replace(/^\[(.*)\]$/, '$1'), [ATTR_SERVER_PORT]: Number(apiUrl.port || (apiUrl.protocol === 'https:' ? 443 : 80)) };
  return {
    call(call: UpstreamCall) {
      const { method, route } = call;
      const span = tracer.startSpan(`${method} ${route}`, {
        kind: SpanKind.CLIENT,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, ...fullUrl(apiUrl, call), [ATTR_URL_TEMPLATE]: route, ...server },
      });
      const headers: Record<string, string> = {};
      const within: OtelContext = trace.setSpan(context.active(), span);
      propagation.inject(within, headers);
      let attempts = 0;
      return {
        headers,
        attempt(outcome: AttemptOutcome) {
          attempts++;
          if ('status' in outcome) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
          else span.setAttribute(ATTR_ERROR_TYPE, outcome.failure);
        },
        retry(attempt: number, reason: string, delayMs: number) {
          span.addEvent('retry', { [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt, [ATTR_ERROR_TYPE]: reason, 'retry.delay_ms': delayMs });
        },
        end(error?: unknown) {
          if (attempts > 1) span.setAttribute(ATTR_HTTP_REQUEST_RESEND_COUNT, attempts - 1);
          if (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.setAttribute(ATTR_ERROR_TYPE, (error as { code?: string }).code ?? 'error');
          }
          span.end();
        },
      };
    },
    tokenFetched() {},
    breakerState() {},
  };
}

/** What `url.full` says instead of a secret, as the semantic conventions spell it. */
const REDACTED = 'REDACTED';

/**
 * Query parameters whose values are secrets: the conventions' list (signed-URL signatures and keys),
 * and any name that says it holds a secret, a token, a password or a key — among the partner API's
 * own, a cue's `secret` (src/upstream/cues.ts). Paths need nothing: they are built from UUIDs alone
 * (src/upstream/paths.ts).
 */
const SECRET_PARAMETER = /^(?:awsaccesskeyid|signature|sig|x-goog-signature)$|secret|token|passw|credential|api[-_]?key/i;

/**
 * `url.full`: the absolute URL of a call as it is sent (the API base's origin and path, the call's path
 * and query), secrets redacted; none for a call described without its path (a unit test's).
 * https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/#url-full
 */
function fullUrl(apiUrl: URL, { path, query }: UpstreamCall): Attributes {
  if (path === undefined) return {};
  const url = new URL(apiUrl);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  url.search = query ? redactedQuery(new URLSearchParams(query), (name) => SECRET_PARAMETER.test(name)) : '';
  // Never sent (only the origin is dialled, and config.ts refuses credentials in PODERO_API_URL); the
  // conventions still ask for them to be redacted, should a URL ever carry them.
  if (url.username) url.username = REDACTED;
  if (url.password) url.password = REDACTED;
  return { [ATTR_URL_FULL]: url.href };
}

/** A query string with the values of `secret` parameters replaced by REDACTED; their names are kept. */
function redactedQuery(params: URLSearchParams, secret: (name: string) => boolean): string {
  const redacted = new URLSearchParams();
  for (const [name, value] of params) redacted.append(name, secret(name) ? REDACTED : value);
  return redacted.toString();
}
