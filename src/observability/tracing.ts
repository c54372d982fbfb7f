// OpenTelemetry traces, on when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is
// set: exported over OTLP/HTTP, the exporter reading the standard OTEL_* variables itself (headers,
// timeouts, the traces path). https://opentelemetry.io/docs/specs/otel/protocol/exporter/
//
// A request carrying a W3C `traceparent` (a federation router's) continues that trace. Each GraphQL
// request is a server span; parse, validate and execute are its children; each partner API call is a
// client span below them, with the HTTP semantic-convention attributes, its retries as events, and a
// `traceparent` of its own sent upstream. https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Context as OtelContext,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Tracing } from '../config.js';
import type { AttemptOutcome, UpstreamCall, UpstreamTelemetry } from '../upstream/telemetry.js';

const TRACER = 'podero-graphql-gateway';

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
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, TracerProvider }] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace'),
    ]);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer(TRACER),
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
  const phase = (name: string) => (_payload: unknown, wrapped: () => void) => tracer.startActiveSpan(name, (span) => ended(span, wrapped));
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const parent = propagation.extract(ROOT_CONTEXT, request.headers, HEADERS);
        const span = tracer.startSpan('graphql.request', { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': new URL(request.url).pathname } }, parent);
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
      span.setAttributes({ 'graphql.operation.type': operation.operation, ...(operation.name ? { 'graphql.operation.name': operation.name.value } : {}) });
    },
    onResponse({ request, response }) {
      requestSpans.get(request)?.setAttribute('http.response.status_code', response.status);
    },
  };
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
export function upstreamTracing(tracer: Tracer, origin: URL): UpstreamTelemetry {
  return {
    call({ method, route }: UpstreamCall) {
      const span = tracer.startSpan(`${method} ${route}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'url.template': route, 'server.address': origin.hostname, 'server.port': Number(origin.port || (origin.protocol === 'https:' ? 443 : 80)) },
      });
      const headers: Record<string, string> = {};
      const within: OtelContext = trace.setSpan(context.active(), span);
      propagation.inject(within, headers);
      let attempts = 0;
      return {
        headers,
        attempt(outcome: AttemptOutcome) {
          attempts++;
          if ('status' in outcome) span.setAttribute('http.response.status_code', outcome.status);
          else span.setAttribute('error.type', outcome.failure);
        },
        retry(attempt: number, reason: string, delayMs: number) {
          span.addEvent('retry', { 'http.request.resend_count': attempt, 'error.type': reason, 'retry.delay_ms': delayMs });
        },
        end(error?: unknown) {
          if (attempts > 1) span.setAttribute('http.request.resend_count', attempts - 1);
          if (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.setAttribute('error.type', (error as { code?: string }).code ?? 'error');
          }
          span.end();
        },
      };
    },
    tokenFetched() {},
    breakerState() {},
  };
}
