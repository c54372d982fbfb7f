// The gateway holds upstream credentials, so web pages on other origins must not be able to use them:
// no CORS unless an origin is listed in CORS_ORIGINS, and no "simple" (form or text) POSTs that a
// browser would send cross-origin without a preflight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';
import { startGateway, startTestSimulator, type RunningGateway } from '../helpers/stack.js';

const PUT = 'PUT /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';
const MUTATION = `mutation { updateWallbox(input: { userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}", comment: "csrf" }) { id } }`;

let sim: Simulator;
let closed: RunningGateway;
let open: RunningGateway;

beforeAll(async () => {
  sim = await startTestSimulator();
  closed = await startGateway(sim);
  open = await startGateway(sim, { corsOrigins: ['https://app.example.com'] });
});
afterAll(async () => {
  await closed?.close();
  await open?.close();
  await sim?.close();
});

function preflight(url: string, origin: string) {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
}

describe('CORS', () => {
  it('allows no other origin by default', async () => {
    const response = await preflight(closed.url, 'https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(closed.url, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the origins in CORS_ORIGINS', async () => {
    const allowed = await preflight(open.url, 'https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await preflight(open.url, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe('CSRF', () => {
  it.each([
    ['a form post', 'application/x-www-form-urlencoded', new URLSearchParams({ query: MUTATION }).toString()],
    ['a text/plain post', 'text/plain', JSON.stringify({ query: MUTATION })],
    ['a multipart post', 'multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: MUTATION })}\r\n--x--\r\n`],
  ])('refuses %s with 415 BAD_REQUEST and writes nothing', async (_label, type, body) => {
    sim.resetCounts();
    const response = await fetch(closed.url, { method: 'POST', headers: { 'content-type': type, origin: 'https://evil.example' }, body });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ errors: [{ message: expect.stringContaining('application/json'), extensions: { code: 'BAD_REQUEST' } }] });
    expect(sim.count(PUT)).toBe(0);
    expect(sim.wallboxRecord(WALLBOX_IDS.full)?.comment).not.toBe('csrf');
  });

  it('refuses a mutation over GET', async () => {
    sim.resetCounts();
    const response = await fetch(`${closed.url}?query=${encodeURIComponent(MUTATION)}`);
    expect(response.status).toBe(405);
    expect(sim.count(PUT)).toBe(0);
  });

  it('accepts JSON', async () => {
    const { body } = await closed.graphql('{ __typename }');
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });
});
