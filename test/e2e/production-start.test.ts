// `npm start` in production: without PODERO_API_URL it stops at once with a message that says what
// to set, rather than serving the simulator's made-up devices and reporting ready; with
// PODERO_DEMO=true it runs the demo, and /ready says so.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { waitForOutput } from '../helpers/main-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function npmStart(env: Record<string, string>) {
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', ...env } });
  children.push(child);
  return child;
}

it('stops with NODE_ENV=production and no PODERO_API_URL, naming PODERO_API_URL and PODERO_DEMO=true', async () => {
  const child = npmStart({ NODE_ENV: 'production' });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(output).toContain('PODERO_API_URL: is not set, and NODE_ENV=production');
  expect(output).toContain('PODERO_DEMO=true');
  expect(output).not.toMatch(/listening|GraphiQL/);
});

it('runs the demo in production when PODERO_DEMO=true, and says so in /ready', async () => {
  const child = npmStart({ NODE_ENV: 'production', PODERO_DEMO: 'true', LOG_LEVEL: 'info' });
  const [, endpoint] = (await waitForOutput(child, /"endpoint":"(http:\/\/127\.0\.0\.1:\d+\/graphql)","mode":"demo"/)) as unknown as [string, string];
  const ready = await fetch(new URL('/ready', endpoint));
  expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', mode: 'demo' }]);
  child.kill('SIGTERM');
  expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
});
