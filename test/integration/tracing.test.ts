// OpenTelemetry traces, exported over OTLP/HTTP to a receiver the test runs: the caller's trace is
// continued, parse/validate/execute are children of the operation's span, each partner API call is a
// client span with the HTTP semantic-convention attributes and its retries as events, upstream receives
// a `traceparent` of the same trace, and log lines carry the trace id.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTracing, type TracingSetup } from '../../src/observability/tracing.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { subscribeSse } from '../helpers/sse.js';
import { WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  events?: { name: string; attributes: { key: string; value: Record<string, unknown> }[] }[];
}

let receiver: Server;
const spans: OtlpSpan[] = [];
let tracing: TracingSetup;
let sim: Simulator;
let gateway: RunningGateway;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const resource of parsed.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  // The exporter reads the standard variable itself, as it does in production.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  tracing = await startTracing({ serviceName: 'podero-graphql-gateway-test' });
  sim = await startTestSimulator();
  gateway = await startGateway(sim, { tracer: tracing.tracer, traceLogs: true, random: () => 0 });
});
afterAll(async () => {
  await gateway.close();
  await sim.close();
  await tracing.shutdown();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  receiver.close();
});

const attribute = (span: OtlpSpan | undefined, key: string) => {
  const value = span?.attributes.find((a) => a.key === key)?.value;
  return value && (value.stringValue ?? value.intValue ?? value.boolValue);
};

it('continues the caller\'s trace, and carries it into upstream', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentId = '00f067aa0ba902b7';
  sim.injectFault({ route: WALLBOX_GET, status: 503, times: 1 });
  const { body } = await gateway.graphql(`query Status { wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`, undefined, {
    traceparent: `00-${traceId}-${parentId}-01`,
  });
  expect(body.errors).toBeUndefined();
  await tracing.flush();

  const inTrace = spans.filter((s) => s.traceId === traceId);
  const operation = inTrace.find((s) => s.name === 'query Status');
  expect(operation).toMatchObject({ parentSpanId: parentId, kind: 2 }); // SERVER
  expect(attribute(operation, 'graphql.operation.name')).toBe('Status');
  expect(attribute(operation, 'http.response.status_code')).toBe(200);
  for (const phase of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
    expect(inTrace.find((s) => s.name === phase)?.parentSpanId, phase).toBe(operation!.spanId);
  }
  const execute = inTrace.find((s) => s.name === 'graphql.execute')!;
  const call = inTrace.find((s) => s.kind === 3); // CLIENT
  expect(call).toMatchObject({ name: 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}', parentSpanId: execute.spanId });
  expect(attribute(call, 'http.request.method')).toBe('GET');
  expect(attribute(call, 'url.template')).toBe('/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}');
  expect(attribute(call, 'http.response.status_code')).toBe(200);
  expect(attribute(call, 'http.request.resend_count')).toBe(1);
  expect(call!.events?.map((e) => e.name)).toEqual(['retry']);

  // Both attempts went upstream with a traceparent of this trace, naming the client span as parent.
  const sent = sim.received(WALLBOX_GET).map((r) => r.traceparent);
  expect(sent).toEqual([`00-${traceId}-${call!.spanId}-01`, `00-${traceId}-${call!.spanId}-01`]);

  // Log lines written during the request carry the trace id.
  const upstreamLogs = gateway.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'upstream call');
  expect(upstreamLogs.at(-1)).toMatchObject({ trace_id: traceId });
});

it('traces each poll of a subscription as a trace of its own, with its upstream call inside', async () => {
  const s = await subscribeSse(gateway.url, `subscription { wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`);
  await s.waitForEvents(1);
  s.close();
  await tracing.flush();
  const poll = spans.find((span) => span.name === 'live poll');
  expect(poll?.parentSpanId ?? '').toBe('');
  expect(attribute(poll, 'podero.live.watched')).toBe('wallbox');
  const call = spans.find((span) => span.parentSpanId === poll!.spanId);
  expect(call).toMatchObject({ name: 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}', kind: 3 });
});

it('starts a new trace for a caller that sent none', async () => {
  spans.length = 0;
  await gateway.graphql('{ __typename }');
  await tracing.flush();
  const root = spans.find((s) => s.name === 'query');
  expect(root).toBeDefined();
  expect(root!.parentSpanId ?? '').toBe('');
});
