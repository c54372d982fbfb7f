// The request histograms observe into prom-client's entries without its per-observation work
// (HistogramChild, src/observability/metrics.ts). What /metrics prints must be exactly what prom-client's
// own `labels().observe()` would print for the same observations, before and after a reset.
import { Histogram, Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { Metrics } from '../../src/observability/metrics.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
// Below the first bound, on bounds, between them, and above the last (counted in +Inf only).
const DURATIONS = [0.001, 0.005, 0.0051, 0.03, 0.1, 0.7, 2.5, 4, 12, 20, 0.02];

/** The lines of one metric in an exposition text. */
const linesOf = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(name) && !line.startsWith('#'));

async function reference(observations: { name: string; durationS: number }[]): Promise<string> {
  const registry = new Registry();
  const histogram = new Histogram({ name: 'graphql_envelop_request_duration_seconds', help: 'h', labelNames: ['operation_name', 'operation_type'], buckets: BUCKETS, registers: [registry] });
  for (const { name, durationS } of observations) histogram.labels({ operation_name: name, operation_type: 'query' }).observe(durationS);
  return registry.metrics();
}

function observe(metrics: Metrics, observations: { name: string; durationS: number }[]): void {
  for (const { name, durationS } of observations) {
    metrics.requestObserved({ method: 'POST', status: 200, durationS, operationName: name, operationType: 'query', executeS: durationS / 2, errors: [] });
  }
}

it('prints the same buckets, sums and counts as prom-client’s own observe', async () => {
  const metrics = new Metrics();
  const observations = DURATIONS.flatMap((durationS, i) => [{ name: 'Dashboard', durationS }, { name: i % 2 ? 'Other' : 'Dashboard', durationS: durationS * 3 }]);
  observe(metrics, observations);
  const name = 'graphql_envelop_request_duration_seconds';
  expect(linesOf((await metrics.text()).body, name)).toEqual(linesOf(await reference(observations), name));
  expect(linesOf((await metrics.text()).body, `${name}_count{operation_name="Dashboard"`)).toEqual([`${name}_count{operation_name="Dashboard",operation_type="query"} 17`]);
});

it('starts again from zero after the registry is reset', async () => {
  const metrics = new Metrics();
  observe(metrics, [{ name: 'Dashboard', durationS: 0.02 }]);
  metrics.registry.resetMetrics();
  observe(metrics, [{ name: 'Dashboard', durationS: 3 }]);
  const name = 'graphql_envelop_request_duration_seconds';
  expect(linesOf((await metrics.text()).body, name)).toEqual(linesOf(await reference([{ name: 'Dashboard', durationS: 3 }]), name));
});
