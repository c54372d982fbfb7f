// A guard for refactoring the simulator's device model: every seeded wallbox, as the detail GET answers
// it, must stay exactly as the gateway's tests know it. Secrets are fresh on every run and the port
// differs, so both are masked; everything else is pinned.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startClockedSimulator, wallboxPath, type TestSimulator } from './client.js';

let t: TestSimulator;
beforeAll(async () => {
  t = await startClockedSimulator();
});
afterAll(() => t?.sim.close());

const masked = (value: unknown, apiBase: string): unknown => JSON.parse(JSON.stringify(value).replaceAll(apiBase, '{API}').replace(/secret=[\w-]+/g, 'secret={SECRET}'));

it('serves every seeded wallbox exactly as pinned', async () => {
  const served: Record<string, unknown> = {};
  for (const { userId, record } of t.sim.seed.wallboxes) {
    const id = String(record.id);
    const { status, body } = await t.api('GET', `${wallboxPath(userId, id)}?include_deleted=true`);
    expect(status, id).toBe(200);
    served[id] = masked(body, t.sim.apiUrl.href);
    // The in-process view is the same object.
    expect(masked(t.sim.wallboxRecord(id), t.sim.apiUrl.href), id).toEqual(served[id]);
  }
  expect(served).toMatchSnapshot();
});
