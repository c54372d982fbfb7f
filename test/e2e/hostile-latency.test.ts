// Every attack of the hostile-input suite (bench/hostile-cases.ts), against the real entry point in a
// child process with its shipped defaults, while a `/health` probe is sent every 100 ms: each answer is
// coded (a 4xx with a code, or data), no probe waits more than a second (no attack holds another
// caller up, during its requests or after them), the process never exits, and its memory stays within
// 150 MB of its idle size. bench/hostile-input.ts measures the same attacks in figures.
import { readFileSync } from 'node:fs';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASES, gql, post, probing } from '../../bench/hostile-cases.js';
import { startMain, waitForOutput } from '../helpers/main-process.js';

const PROBE_LIMIT_MS = 1000;
const ALLOWED_GROWTH_MB = 150;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

let child: ChildProcessWithoutNullStreams;
let endpoint: string;
let idleMb: number;

beforeAll(async () => {
  child = startMain({ PORT: '0', LOG_LEVEL: 'warn' });
  [, endpoint] = (await waitForOutput(child, /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/)) as unknown as [string, string];
  for (let i = 0; i < 5; i++) await post(endpoint, gql('{ __typename }'));
  idleMb = rssMb(child.pid!);
});
afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

it.each(CASES)('$name ($what): a coded answer, and no other caller held up for a second', { timeout: 60_000 }, async ({ send }) => {
  const { result: sent, longestMs } = await probing(endpoint, () => send(endpoint));
  expect(child.exitCode).toBeNull();
  expect(sent.status, sent.message).toBeLessThan(500);
  if (sent.status >= 400 || !sent.data) expect(sent.code, `${sent.status} ${sent.message}`).toEqual(expect.stringMatching(/^[A-Z_]+$/));
  expect(longestMs).toBeLessThan(PROBE_LIMIT_MS);
});

it('leaves the process within 150 MB of its idle memory, and serving', async () => {
  expect(rssMb(child.pid!) - idleMb).toBeLessThan(ALLOWED_GROWTH_MB);
  expect((await post(endpoint, gql('{ __typename }'))).status).toBe(200);
});
