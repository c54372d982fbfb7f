// The README's GraphQL examples run as written against the seeded simulator, each operation of each
// block in order: documentation that cannot drift from the schema, the seed or the behaviour.
import { readFile } from 'node:fs/promises';
import { Kind, OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { IdentityProvider } from '../helpers/identity-provider.js';
import { startGateway, startStack } from '../helpers/stack.js';
import { subscribeSse } from '../helpers/sse.js';

const { sim, gateway, close } = await startStack();
// Examples about the signed-in caller (`me`) run as Anna, with a token, against a gateway that authenticates callers.
const idp = await IdentityProvider.start();
const signedIn = await startGateway(sim, { callerAuth: idp.auth() });
const annasToken = await idp.token({ claims: { podero_user_id: USER_IDS.anna } });
afterAll(async () => {
  await signedIn.close();
  await idp.close();
  await close();
});
const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');

it('runs every GraphQL example of the README without errors', async () => {
  const examples = [...readme.matchAll(/```graphql[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(examples.length).toBeGreaterThanOrEqual(4);
  // Variables the examples use: a wallbox, and a live action resolution URL (its secret is minted by the simulator).
  const { body } = await gateway.graphql(`{ wallbox(userId: "${USER_IDS.jonas}", id: "${WALLBOX_IDS.reauth}") { actions { ... on ReauthenticateAction { resolutionLink { url } } } } }`);
  const variables = { userId: USER_IDS.anna, id: WALLBOX_IDS.full, url: body.data.wallbox.actions[0].resolutionLink.url as string };

  let operations = 0;
  for (const example of examples) {
    const definitions = parse(example).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    for (const { name, operation } of definitions) {
      const operationName = name?.value;
      if (operation === OperationTypeNode.SUBSCRIPTION) {
        // A subscription's first event is the current state: it must come, without errors.
        const stream = await subscribeSse(gateway.url, example, variables);
        const [first] = await stream.waitForEvents(1);
        stream.close();
        expect(first!.errors, `${operationName ?? 'anonymous'} in:\n${example}`).toBeUndefined();
        for (const value of Object.values(first!.data ?? {})) expect(value, example).not.toBeNull();
        operations++;
        continue;
      }
      const asCaller = /\bme\s*\{/.test(example);
      const response = await fetch(asCaller ? signedIn.url : gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(asCaller ? { authorization: `Bearer ${annasToken}` } : {}) },
        body: JSON.stringify({ query: example, operationName, variables }),
      });
      const result = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
      expect(result.errors, `${operationName ?? 'anonymous'} in:\n${example}`).toBeUndefined();
      for (const value of Object.values(result.data ?? {})) expect(value, example).not.toBeNull();
      operations++;
    }
  }
  expect(operations).toBeGreaterThanOrEqual(5);
});

it('lists the seeded ids correctly', () => {
  for (const id of [sim.seed.orgId, ...Object.values(USER_IDS), ...Object.values(WALLBOX_IDS)]) expect(readme).toContain(id);
});
