// OpenTelemetry traces, exported over OTLP/HTTP to a receiver the test runs, which decodes what the
// exporter sends (OTLP's JSON encoding, the exporter's default): the caller's trace is continued,
// parse/validate/execute are children of the operation's span, each partner API call is a client span
// with its retries as events, upstream receives a `traceparent` of the same trace, and log lines carry
// the trace id. Server and client spans carry the stable HTTP semantic-convention attributes, secrets
// redacted; a response with GraphQL errors fails its request's span; the resource names the service,
// its version and the SDK. https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { ROOT_CONTEXT, context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTracing, upstreamTracing, type TracingSetup } from '../../src/observability/tracing.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import type { Simulator } from '../../src/simulator/server.js';
import { subscribeSse } from '../helpers/sse.js';
import { WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

type OtlpAttributes = { key: string; value: Record<string, unknown> }[];

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttributes;
  events?: { name: string; attributes: OtlpAttributes }[];
  /** Absent or code 0: unset; 2: error. */
  status?: { code?: number; message?: string };
  /** The resource the span was exported with (the receiver adds it to each span). */
  resource: OtlpAttributes;
}

const SERVER = 2;
const CLIENT = 3;
const STATUS_ERROR = 2;
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let receiver: Server;
const spans: OtlpSpan[] = [];
/** Every body the exporter sent, decoded: what a secret must never appear in. */
const exported: string[] = [];
/** The media types they came as: JSON is the only encoding this receiver decodes. */
const contentTypes = new Set<string>();
let tracing: TracingSetup;
let sim: Simulator;
let gateway: RunningGateway;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      contentTypes.add(req.headers['content-type'] ?? '');
      exported.push(body);
      const parsed = JSON.parse(body) as { resourceSpans: { resource: { attributes: OtlpAttributes }; scopeSpans: { spans: Omit<OtlpSpan, 'resource'>[] }[] }[] };
      for (const { resource, scopeSpans } of parsed.resourceSpans) {
        for (const scope of scopeSpans) spans.push(...scope.spans.map((span) => ({ ...span, resource: resource.attributes })));
      }
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

const attribute = (attributes: OtlpAttributes | undefined, key: string) => {
  const value = attributes?.find((a) => a.key === key)?.value;
  return value && (value.stringValue ?? value.intValue ?? value.boolValue);
};
const attr = (span: OtlpSpan | undefined, key: string) => attribute(span?.attributes, key);

/** A W3C traceparent of a fresh trace, so each test finds its own spans among the polls' and the others'. */
function freshTrace(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

/** The spans of one trace, once the SDK has handed everything ended so far to the receiver. */
async function spansOf(traceId: string): Promise<OtlpSpan[]> {
  await tracing.flush();
  return spans.filter((s) => s.traceId === traceId);
}

const serverSpan = (inTrace: OtlpSpan[]) => inTrace.find((s) => s.kind === SERVER);

it('continues the caller\'s trace, and carries it into upstream', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentId = '00f067aa0ba902b7';
  sim.injectFault({ route: WALLBOX_GET, status: 503, times: 1 });
  const { body } = await gateway.graphql(`query Status { wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`, undefined, {
    traceparent: `00-${traceId}-${parentId}-01`,
  });
  expect(body.errors).toBeUndefined();

  const inTrace = await spansOf(traceId);
  const operation = inTrace.find((s) => s.name === 'query Status');
  expect(operation).toMatchObject({ parentSpanId: parentId, kind: SERVER });
  expect(attr(operation, 'graphql.operation.name')).toBe('Status');
  expect(attr(operation, 'http.response.status_code')).toBe(200);
  for (const phase of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
    expect(inTrace.find((s) => s.name === phase)?.parentSpanId, phase).toBe(operation!.spanId);
  }
  const execute = inTrace.find((s) => s.name === 'graphql.execute')!;
  const call = inTrace.find((s) => s.kind === CLIENT);
  expect(call).toMatchObject({ name: 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}', parentSpanId: execute.spanId });
  expect(attr(call, 'http.request.method')).toBe('GET');
  expect(attr(call, 'url.template')).toBe('/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}');
  expect(attr(call, 'http.response.status_code')).toBe(200);
  expect(attr(call, 'http.request.resend_count')).toBe(1);
  expect(call!.events?.map((e) => e.name)).toEqual(['retry']);

  // Both attempts went upstream with a traceparent of this trace, naming the client span as parent.
  const sent = sim.received(WALLBOX_GET).map((r) => r.traceparent);
  expect(sent).toEqual([`00-${traceId}-${call!.spanId}-01`, `00-${traceId}-${call!.spanId}-01`]);

  // Log lines written during the request carry the trace id.
  const upstreamLogs = gateway.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'upstream call');
  expect(upstreamLogs.at(-1)).toMatchObject({ trace_id: traceId });
});

it('describes the request and each partner API call with the HTTP semantic conventions, in a resource naming the service, its version and the SDK', async () => {
  const { traceId, traceparent } = freshTrace();
  const { status, body } = await gateway.graphql(`{ wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`, undefined, { traceparent });
  expect(body.errors).toBeUndefined();

  const inTrace = await spansOf(traceId);
  const request = serverSpan(inTrace);
  const endpoint = new URL(gateway.url);
  expect(Object.fromEntries(['http.request.method', 'url.scheme', 'url.path', 'http.response.status_code'].map((k) => [k, attr(request, k)]))).toEqual({
    'http.request.method': 'POST',
    'url.scheme': 'http',
    'url.path': endpoint.pathname,
    'http.response.status_code': status,
  });
  expect(attr(request, 'url.query')).toBeUndefined();
  expect(attr(request, 'error.type')).toBeUndefined();
  expect(request!.status?.code ?? 0).toBe(0); // unset: the request succeeded

  const call = inTrace.find((s) => s.kind === CLIENT);
  const api = sim.apiUrl;
  const path = `/org/${sim.seed.orgId}/users/${USER_IDS.anna}/wallboxes/${WALLBOX_IDS.full}`;
  expect(attr(call, 'url.full')).toBe(`${api.origin}${api.pathname.replace(/\/+$/, '')}${path}`);
  expect(attr(call, 'server.address')).toBe(api.hostname);
  expect(attr(call, 'server.port')).toBe(Number(api.port));
  expect(call!.status?.code ?? 0).toBe(0);

  for (const span of [request, call]) {
    expect(attribute(span!.resource, 'service.name')).toBe('podero-graphql-gateway-test');
    expect(attribute(span!.resource, 'service.version')).toBe(VERSION);
    expect(attribute(span!.resource, 'telemetry.sdk.name')).toBe('opentelemetry');
    expect(attribute(span!.resource, 'telemetry.sdk.language')).toBe('nodejs');
    expect(attribute(span!.resource, 'telemetry.sdk.version')).toMatch(/^\d+\.\d+\.\d+/);
  }
  expect([...contentTypes]).toEqual(['application/json']);
});

it('fails the request span of a response with errors, naming the first code, and keeps the HTTP status it sent', async () => {
  const missing = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
  // Partial data with HTTP 200: one wallbox found, one not.
  const partial = freshTrace();
  const answered = await gateway.graphql(
    `{ found: wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } missing: wallbox(userId: "${USER_IDS.anna}", id: "${missing}") { id } }`,
    undefined,
    { traceparent: partial.traceparent },
  );
  expect(answered.status).toBe(200);
  expect(answered.body.data.found).toEqual({ id: WALLBOX_IDS.full });
  const code = answered.body.errors![0]!.extensions.code as string;
  expect(code).toBe('NOT_FOUND');
  const request = serverSpan(await spansOf(partial.traceId));
  expect(request!.status).toMatchObject({ code: STATUS_ERROR, message: expect.stringContaining(code) });
  expect(attr(request, 'error.type')).toBe(code);
  expect(attr(request, 'http.response.status_code')).toBe(200);

  // A document that does not validate: no data at all, and whatever status the gateway answers with.
  const invalid = freshTrace();
  const refused = await gateway.graphql('{ noSuchField }', undefined, { traceparent: invalid.traceparent });
  const refusedCode = refused.body.errors![0]!.extensions.code as string;
  const refusedSpan = serverSpan(await spansOf(invalid.traceId));
  expect(refusedSpan!.status).toMatchObject({ code: STATUS_ERROR, message: expect.stringContaining(refusedCode) });
  expect(attr(refusedSpan, 'error.type')).toBe(refusedCode);
  expect(attr(refusedSpan, 'http.response.status_code')).toBe(refused.status);

  // A refusal written before yoga read the request (a POST that is not JSON, refused against CSRF):
  // its body holds errors too, and the span names the status it was refused with.
  const plain = freshTrace();
  const csrf = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'text/plain', traceparent: plain.traceparent }, body: '{}' });
  expect(((await csrf.json()) as { errors: unknown[] }).errors).toHaveLength(1);
  const csrfSpan = serverSpan(await spansOf(plain.traceId));
  expect(csrfSpan!.status?.code).toBe(STATUS_ERROR);
  expect(attr(csrfSpan, 'error.type')).toBe(String(csrf.status));
  expect(attr(csrfSpan, 'http.response.status_code')).toBe(csrf.status);
});

it('redacts an action\'s secret from the partner API call\'s url.full, and every value of a request\'s url.query', async () => {
  const actions = await gateway.graphql(
    `{ wallbox(userId: "${USER_IDS.jonas}", id: "${WALLBOX_IDS.reauth}") { actions { ... on ReauthenticateAction { resolutionLink { url } } } } }`,
  );
  const resolutionUrl = new URL(actions.body.data.wallbox.actions[0].resolutionLink.url as string);
  const secret = resolutionUrl.searchParams.get('secret')!;
  const cueId = /\/cues\/([^/]+)\/resolve/.exec(resolutionUrl.pathname)![1]!;

  const started = freshTrace();
  const { body } = await gateway.graphql(
    'mutation ($input: StartActionInput!) { startAction(input: $input) { redirectUrl } }',
    { input: { resolutionUrl: resolutionUrl.href, successUrl: 'https://app.example/done', cancelUrl: 'https://app.example/cancelled' } },
    { traceparent: started.traceparent },
  );
  expect(body.errors).toBeUndefined();
  const call = (await spansOf(started.traceId)).find((s) => s.kind === CLIENT);
  expect(call?.name).toBe('POST /cues/{cue_id}/resolve');
  const api = sim.apiUrl;
  expect(attr(call, 'url.full')).toBe(`${api.origin}${api.pathname.replace(/\/+$/, '')}/cues/${cueId}/resolve?secret=REDACTED`);

  // The same secret in a GET request's variables: the request span keeps the query's keys, no value.
  const asked = freshTrace();
  const query = 'query ($secret: String) { __typename }';
  const response = await fetch(`${gateway.url}?${new URLSearchParams({ query, variables: JSON.stringify({ secret }) })}`, {
    headers: { accept: 'application/json', traceparent: asked.traceparent },
  });
  await response.text();
  const request = serverSpan(await spansOf(asked.traceId));
  expect(attr(request, 'http.request.method')).toBe('GET');
  expect(attr(request, 'url.query')).toBe('query=REDACTED&variables=REDACTED');

  expect(exported.join('\n')).not.toContain(secret);
});

it('redacts credentials and secret parameters in any URL it describes', async () => {
  const { traceId, traceparent } = freshTrace();
  // A URL the gateway itself would refuse (config.ts allows no credentials in PODERO_API_URL), to show
  // the rule holds even so; recorded in a trace of its own through the same exporter.
  const carrier: Record<string, string> = { traceparent };
  const parent = propagation.extract(ROOT_CONTEXT, carrier, { keys: (c) => Object.keys(c), get: (c, k) => c[k] });
  context.with(parent, () => {
    expect(trace.getSpanContext(context.active())?.traceId).toBe(traceId);
    const telemetry = upstreamTracing(tracing.tracer, new URL('https://partner:hunter2@api.example.com/api/partners/v2.0/'));
    telemetry
      .call({ method: 'POST', route: '/cues/{cue_id}/state', path: '/cues/3c90c3cc-0d44-4b50-8888-8dd25736052a/state', query: { secret: 's3cr3t', access_token: 't0k3n', sig: 'x', include_deleted: 'true' } })
      .end();
  });
  const call = (await spansOf(traceId)).find((s) => s.kind === CLIENT);
  expect(attr(call, 'url.full')).toBe(
    'https://REDACTED:REDACTED@api.example.com/api/partners/v2.0/cues/3c90c3cc-0d44-4b50-8888-8dd25736052a/state?secret=REDACTED&access_token=REDACTED&sig=REDACTED&include_deleted=true',
  );
  expect(attr(call, 'server.address')).toBe('api.example.com');
  expect(attr(call, 'server.port')).toBe(443);
  for (const leaked of ['hunter2', 's3cr3t', 't0k3n']) expect(exported.join('\n')).not.toContain(leaked);
});

it('takes the caller\'s scheme from a proxy in front, and names a method the conventions do not know _OTHER', async () => {
  const proxied = freshTrace();
  await gateway.graphql('{ __typename }', undefined, { traceparent: proxied.traceparent, 'x-forwarded-proto': 'https' });
  expect(attr(serverSpan(await spansOf(proxied.traceId)), 'url.scheme')).toBe('https');

  const forged = freshTrace();
  await gateway.graphql('{ __typename }', undefined, { traceparent: forged.traceparent, forwarded: 'for=192.0.2.1;proto=gopher' });
  expect(attr(serverSpan(await spansOf(forged.traceId)), 'url.scheme')).toBe('http');

  const odd = freshTrace();
  const response = await fetch(gateway.url, { method: 'PURGE', headers: { traceparent: odd.traceparent } });
  await response.text();
  const request = serverSpan(await spansOf(odd.traceId));
  expect(attr(request, 'http.request.method')).toBe('_OTHER');
  expect(attr(request, 'http.request.method_original')).toBe('PURGE');
  expect(attr(request, 'http.response.status_code')).toBe(response.status);
  // Refused with an error (BAD_REQUEST), so failed like any response that holds one.
  expect(request!.status).toMatchObject({ code: STATUS_ERROR, message: 'BAD_REQUEST' });
});

it('traces each poll of a subscription as a trace of its own, with its upstream call inside', async () => {
  const s = await subscribeSse(gateway.url, `subscription { wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`);
  await s.waitForEvents(1);
  s.close();
  await tracing.flush();
  const poll = spans.find((span) => span.name === 'live poll');
  expect(poll?.parentSpanId ?? '').toBe('');
  expect(attr(poll, 'podero.live.watched')).toBe('wallbox');
  const call = spans.find((span) => span.parentSpanId === poll!.spanId);
  expect(call).toMatchObject({ name: 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}', kind: CLIENT });
});

it('starts a new trace for a caller that sent none', async () => {
  spans.length = 0;
  await gateway.graphql('{ __typename }');
  await tracing.flush();
  const root = spans.find((s) => s.name === 'query');
  expect(root).toBeDefined();
  expect(root!.parentSpanId ?? '').toBe('');
});
