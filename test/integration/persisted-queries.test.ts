// The gateway's APQ store: a document is kept after its first use (hash-only requests then work), and a
// long document runs but is not kept, so the store's memory stays bounded whatever clients send.
import { createHash } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { startStack } from '../helpers/stack.js';

const { gateway, close } = await startStack();
afterAll(close);
async function send(body: Record<string, unknown>) {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] } };
}

const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } });

it('keeps a document after its first use: then the hash alone runs it', async () => {
  const query = `{ wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`;
  const miss = await send({ extensions: persisted(query) });
  expect(miss.body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  expect((await send({ query, extensions: persisted(query) })).body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
  expect((await send({ extensions: persisted(query) })).body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
});

it('runs a document over 16 KiB but does not keep it', async () => {
  const padding = `# ${'x'.repeat(17 * 1024)}\n`;
  const query = `${padding}{ wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") { id } }`;
  expect((await send({ query, extensions: persisted(query) })).body).toEqual({ data: { wallbox: { id: WALLBOX_IDS.full } } });
  expect((await send({ extensions: persisted(query) })).body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
});

it('refuses a hash that does not match its query', async () => {
  const { body } = await send({ query: '{ __typename }', extensions: persisted('{ somethingElse }') });
  expect(body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_MISMATCH');
});
