// A small soak (the full one is `npm run soak`, its figures in the README): reads through a gateway
// process over a simulator that breaks a tenth of its answers. The same checks, on fewer reads.
import { expect, it } from 'vitest';
import { runSoak, verdict } from '../../bench/soak.js';

it('survives 1,500 reads at concurrency 25 with 10 % of upstream answers broken', { timeout: 120_000 }, async () => {
  const result = await runSoak({ reads: 1500, concurrency: 25, slowMs: 300, maxDurationMs: 90_000 });
  expect(result.reads).toBe(1500);
  // The faults really happened: each kind, at roughly its rate.
  expect(result.upstream['503']).toBeGreaterThan(10);
  expect(result.upstream.reset).toBeGreaterThan(10);
  expect(result.upstream['429']).toBeGreaterThan(10);
  expect(result.upstreamCalls).toBeGreaterThan(1500);
  for (const [check, ok] of verdict(result)) expect(ok, check).toBe(true);
});
