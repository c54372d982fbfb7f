// Hostile documents must not pile up in memory. The real entry point in a child process (so its RSS is
// its own), with its body limit raised to 2 MiB, so that every document below is read in full, and its
// other limits as they ship: the token limit stops the token-dense ones while lexing; the ones made of
// a comment are parsed and validated; the document cache keeps what fits its byte budget; the cost
// limit refuses fragments that multiply; operations used again are compiled, only when small, into a
// cache bounded in bytes. Each set must leave RSS within +300 MB at once and within +150 MB once V8 has
// collected what was garbage (below), and the gateway still serving.
// The sets are bench/hostile-cases.ts's, which bench/hostile-input.ts measures.
import { readFileSync } from 'node:fs';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MEMORY_CASES, type MemoryCase } from '../../bench/hostile-cases.js';
import { startMain, waitForOutput } from '../helpers/main-process.js';

const ALLOWED_GROWTH_MB = 150;

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

async function post(endpoint: string, query: string): Promise<number> {
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  await response.arrayBuffer();
  return response.status;
}

const SETS: MemoryCase[] = [
  ...MEMORY_CASES,
  // Small enough to be cached (under 4 MiB each), 1.6 times what the cache's 32 MiB budget holds.
  { name: 'memory-900x60KB', what: '900 distinct 60 KB documents, each one the cache would keep', count: 900, times: 1, status: 200, document: (i) => `# ${i} ${'x'.repeat(60_000)}\n{ __typename }` },
];

describe('memory under large distinct documents (limits raised, caches bounded)', () => {
  let child: ChildProcessWithoutNullStreams;
  let endpoint: string;

  beforeAll(async () => {
    child = startMain({ PORT: '0', LOG_LEVEL: 'warn', MAX_REQUEST_BYTES: String(2 * 1024 * 1024) });
    [, endpoint] = (await waitForOutput(child, /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/)) as unknown as [string, string];
    for (let i = 0; i < 5; i++) await post(endpoint, '{ __typename }');
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it.each(SETS)('$what: RSS grows by less than 150 MB, and the gateway still serves', { timeout: 120_000 }, async ({ count, times, status, document }) => {
    const before = rssMb(child.pid!);
    const statuses = new Set<number>();
    for (let i = 0; i < count; i++) for (let n = 0; n < times; n++) statuses.add(await post(endpoint, document(i)));
    // Every one was read and answered: refused by the token limit (400), or run (200); none for its size (413).
    expect([...statuses]).toEqual([status]);
    // Right after the burst, garbage not yet collected counts too: it must still stay under twice the bound.
    expect(rssMb(child.pid!) - before).toBeLessThan(2 * ALLOWED_GROWTH_MB);
    // What must not pile up is what the gateway keeps; the bodies it read are garbage. On a machine with
    // room V8 collects them late: right after 200 of the 700 KB bodies RSS stood at +130 to +167 MB (the
    // more the larger the young generation), and it came back to +5 MB at a full collection ~14 s into
    // being idle (observed with --trace-gc). So the bound is judged once that has had its chance: memory
    // the gateway keeps never comes back.
    await vi.waitFor(() => expect(rssMb(child.pid!) - before).toBeLessThan(ALLOWED_GROWTH_MB), { timeout: 40_000, interval: 250 });
    expect(await post(endpoint, '{ __typename }')).toBe(200);
  });
});
