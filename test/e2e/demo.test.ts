// `npm start` with nothing configured: the real entry point in a child process, over real HTTP.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_IDS, WALLBOX_IDS } from '../../src/simulator/seed.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts src/main.ts the way `npm start` does, with exactly the given environment. */
function startMain(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${seen}`));
    });
  });
}

describe('demo mode', () => {
  let child: ChildProcessWithoutNullStreams;
  let output = '';
  let endpoint: string;

  beforeAll(async () => {
    child = startMain({ PORT: '0' });
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    [, endpoint] = (await waitForOutput(child, /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/)) as unknown as [string, string];
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('says plainly that it runs over the embedded simulator, and prints an example query with real seeded ids', () => {
    expect(output).toMatch(/demo mode/i);
    expect(output).toContain('embedded partner API simulator');
    expect(output).toContain(WALLBOX_IDS.full);
    expect(output).toContain(USER_IDS.anna);
  });

  it('serves GraphiQL, self-contained, opening with the example query', async () => {
    const response = await fetch(endpoint, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Podero GraphQL gateway');
    expect(html).toContain(`id: \\"${WALLBOX_IDS.full}\\"`); // the default query, JSON-encoded into the page
    // Nothing is loaded from another machine: no external scripts, styles, imports or CSS urls.
    expect(html).not.toMatch(/<script[^>]+src=["']?https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']?https?:/i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/@import\s+(url\()?["']?https?:/i);
    expect(html).not.toMatch(/import\(\s*["'`]https?:/i);
  });

  it('answers the example query from the seeded data', async () => {
    const html = await (await fetch(endpoint, { headers: { accept: 'text/html' } })).text();
    const query = JSON.parse(`"${/"defaultQuery":"((?:[^"\\]|\\.)*)"/.exec(html)![1]!}"`) as string;
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { data: { wallbox: Record<string, unknown> }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.wallbox).toMatchObject({
      id: WALLBOX_IDS.full,
      connectionStatus: 'OK',
      owner: { firstName: 'Anna', lastName: 'Berger' },
      deviceModel: { manufacturer: 'Easee' },
      isCharging: true,
    });
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('start-up with an invalid configuration', () => {
  it('stops with a message naming the variable and what it expected', async () => {
    const child = startMain({ PORT: 'eighty', PODERO_CLIENT_SECRET: 'do-not-print-me' });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT: expected an integer from 0 to 65535');
    expect(stderr).toContain('PODERO_CLIENT_SECRET: is set, but PODERO_API_URL is not');
    expect(stderr).not.toContain('do-not-print-me');
  });
});
