// The README's example queries run as written against the seeded simulator: documentation that
// cannot drift from the schema or the seed.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

let sim: Simulator;
let gateway: RunningGateway;
beforeAll(async () => {
  sim = await startTestSimulator();
  gateway = await startGateway(sim);
});
afterAll(async () => {
  await gateway?.close();
  await sim?.close();
});

it('runs every GraphQL example of the README without errors', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(examples.length).toBeGreaterThanOrEqual(2);
  for (const example of examples) {
    const { body } = await gateway.graphql(example, { userId: USER_IDS.anna, id: WALLBOX_IDS.full });
    expect(body.errors, example).toBeUndefined();
    for (const value of Object.values(body.data as object)) expect(value, example).not.toBeNull();
  }
});

it('lists the seeded ids correctly', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  for (const id of [sim.seed.orgId, ...Object.values(USER_IDS), ...Object.values(WALLBOX_IDS)]) expect(readme).toContain(id);
});
