// The request and upstream-call histograms observe into prom-client's entries without its per-observation
// work (HistogramChild, src/observability/metrics.ts). What /metrics prints must be exactly what
// prom-client's own `labels().observe()` would print for the same observations, before and after a reset:
// for a histogram labelled by strings, one with a number among its labels (the HTTP status), and the
// upstream calls' one.
import { Histogram, Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { DURATION_BUCKETS, Metrics } from '../../src/observability/metrics.js';

// Below the first bound, on bounds, between them, and above the last (counted in +Inf only).
const DURATIONS = [0.001, 0.005, 0.0051, 0.03, 0.1, 0.7, 2.5, 4, 12, 20, 0.02];

/** The lines of one metric in an exposition text. */
const linesOf = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(name) && !line.startsWith('#'));

const NAMES = ['graphql_envelop_request_duration_seconds', 'graphql_yoga_http_duration_seconds', 'podero_upstream_request_duration_seconds'];
const ROUTE = '/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';

/** The same observations made through prom-client's own children. */
async function reference(observations: { name: string; durationS: number }[]): Promise<string> {
  const registry = new Registry();
  const histogram = <L extends string>(name: string, labelNames: L[]) => new Histogram<L>({ name, help: 'h', labelNames, buckets: DURATION_BUCKETS, registers: [registry] });
  const request = histogram('graphql_envelop_request_duration_seconds', ['operation_name', 'operation_type']);
  const http = histogram('graphql_yoga_http_duration_seconds', ['method', 'status_code', 'operation_name', 'operation_type']);
  const upstream = histogram('podero_upstream_request_duration_seconds', ['method', 'route']);
  for (const { name, durationS } of observations) {
    request.labels({ operation_name: name, operation_type: 'query' }).observe(durationS);
    http.labels({ method: 'POST', status_code: 200, operation_name: name, operation_type: 'query' }).observe(durationS);
    upstream.labels({ method: 'GET', route: ROUTE }).observe(durationS / 4);
  }
  return registry.metrics();
}

function observe(metrics: Metrics, observations: { name: string; durationS: number }[]): void {
  for (const { name, durationS } of observations) {
    metrics.requestObserved({ method: 'POST', status: 200, durationS, operationName: name, operationType: 'query', executeS: durationS / 2, errors: [] });
    metrics.upstream.call({ method: 'GET', route: ROUTE }).attempt({ status: 200 }, (durationS / 4) * 1000);
  }
}

async function expectAsPromClient(metrics: Metrics, observations: { name: string; durationS: number }[]): Promise<void> {
  const [ours, theirs] = [(await metrics.text()).body, await reference(observations)];
  for (const name of NAMES) expect(linesOf(ours, name), name).toEqual(linesOf(theirs, name));
}

it('prints the same buckets, sums and counts as prom-client’s own observe', async () => {
  const metrics = new Metrics();
  const observations = DURATIONS.flatMap((durationS, i) => [{ name: 'Dashboard', durationS }, { name: i % 2 ? 'Other' : 'Dashboard', durationS: durationS * 3 }]);
  observe(metrics, observations);
  await expectAsPromClient(metrics, observations);
  const name = 'graphql_envelop_request_duration_seconds';
  expect(linesOf((await metrics.text()).body, `${name}_count{operation_name="Dashboard"`)).toEqual([`${name}_count{operation_name="Dashboard",operation_type="query"} 17`]);
});

it('starts again from zero after the registry is reset', async () => {
  const metrics = new Metrics();
  observe(metrics, [{ name: 'Dashboard', durationS: 0.02 }]);
  metrics.registry.resetMetrics();
  observe(metrics, [{ name: 'Dashboard', durationS: 3 }]);
  await expectAsPromClient(metrics, [{ name: 'Dashboard', durationS: 3 }]);
});
