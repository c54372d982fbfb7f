// No token, secret or Authorization value ever appears in a response or a log line: a session of
// successes and every kind of failure, with all output collected and searched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { TEST_CLIENT, WALLBOX_GET, startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

let sim: Simulator;
let credentialed: RunningGateway;
let passThrough: RunningGateway;

beforeAll(async () => {
  sim = await startTestSimulator({ staticTokens: ['caller-token-0b8e77'] });
  credentialed = await startGateway(sim, { timeoutMs: 200 });
  passThrough = await startGateway(sim, { auth: { mode: 'pass-through' }, timeoutMs: 200 });
});
afterAll(async () => {
  await credentialed?.close();
  await passThrough?.close();
  await sim?.close();
});

it('keeps every credential out of responses and logs, through successes and failures', async () => {
  const outputs: string[] = [];
  const query = (id: string) => `{ wallbox(userId: "${USER_IDS.anna}", id: "${id}") { id owner { email } actions { code } } }`;
  const run = async (gateway: RunningGateway, q: string, headers?: Record<string, string>) => {
    outputs.push((await gateway.graphql(q, undefined, headers)).text);
  };

  for (const gateway of [credentialed, passThrough]) {
    const headers = gateway === passThrough ? { authorization: 'Bearer caller-token-0b8e77' } : undefined;
    await run(gateway, query(WALLBOX_IDS.full), headers);
    await run(gateway, query('not-a-uuid'), headers);
    await run(gateway, query(WALLBOX_IDS.oliver), headers); // 404
    await run(gateway, `{ wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { nope } }`, headers);
    for (const fault of [{ status: 500 }, { status: 401 }, { status: 403 }, { drop: true }, { delayMs: 500 }, { rawBody: 'not json' }]) {
      sim.injectFault({ route: WALLBOX_GET, times: 2, ...fault });
      await run(gateway, query(WALLBOX_IDS.full), headers);
      sim.clearFaults();
    }
    sim.revokeTokens(); // forces a token renewal in client-credentials mode
    await run(gateway, query(WALLBOX_IDS.full), headers);
  }
  await run(passThrough, query(WALLBOX_IDS.full), { authorization: 'Bearer caller-token-0b8e77-but-wrong' });

  const secrets = [
    TEST_CLIENT.clientSecret,
    Buffer.from(`${TEST_CLIENT.clientId}:${TEST_CLIENT.clientSecret}`).toString('base64'),
    'caller-token-0b8e77',
    ...sim.issuedTokens(),
  ];
  expect(sim.issuedTokens().length).toBeGreaterThanOrEqual(2);
  const everything = [...outputs, ...credentialed.logs, ...passThrough.logs];
  expect(credentialed.logs.length).toBeGreaterThan(10); // debug logging was on: there was plenty to leak
  for (const secret of secrets) {
    for (const text of everything) expect(text.includes(secret), `found a secret in: ${text.slice(0, 200)}`).toBe(false);
  }
});
