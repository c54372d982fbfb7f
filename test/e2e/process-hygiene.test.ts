// Process hygiene, as an operator meets it: stdout piped into a program that goes away (`npm start |
// head`) or stops reading, SIGTERM sent to npm (as a container runtime signals its first process) for
// `npm run dev` and `npm run simulator` as well as `npm start`, and a port that is already taken.
// Everything runs through npm, the way the README says to run it.
import { spawn, spawnSync, type ChildProcess, type ChildProcessWithoutNullStreams, type StdioOptions } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitForOutput } from '../helpers/main-process.js';
import { freePort } from '../helpers/ports.js';
import { eventually } from '../helpers/sse.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BANNER = /GraphiQL\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/;
const NOTE = /^stdout failed \(EPIPE\): /;

const started: ChildProcess[] = [];
// Processes below npm that a test saw, with their start times: a leftover is killed only while its pid
// still names the same process.
const seen: { pid: number; start: string }[] = [];
afterAll(() => {
  // npm cannot pass a SIGKILL on, so a failed test's gateway would outlive its npm: the whole tree goes.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) see(processTree(child.pid!));
  for (const { pid, start } of seen) if (running(pid) && stat(pid)?.start === start) process.kill(pid, 'SIGKILL');
});
const see = (pids: number[]) => pids.forEach((pid) => seen.push({ pid, start: stat(pid)?.start ?? '' }));

function npm(args: string[], env: Record<string, string>, stdio: StdioOptions = 'pipe'): ChildProcess {
  const child = spawn('npm', args, { cwd: ROOT, stdio, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env } });
  started.push(child);
  return child;
}

/** The exit code, once the child has exited; fails after `timeoutMs` (a process that ignores SIGTERM). */
function exitCode(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms later`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** `pid` and every process below it, read from /proc. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const parent = stat(Number(entry))?.ppid;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses. */
function stat(pid: number): { state: string; ppid: number; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), start: fields[19]! };
  } catch {
    return undefined;
  }
}
// A zombie (an exited child nobody has reaped yet, such as tsx's esbuild service once node is gone) no
// longer runs.
const running = (pid: number) => ![undefined, 'Z', 'X'].includes(stat(pid)?.state);

const query = (endpoint: string) =>
  fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) }).then((r) => r.json());

describe('npm start with a stdout that breaks or stalls', () => {
  it('keeps serving after the reader of its stdout has gone (EPIPE): one note on stderr, and SIGTERM still ends it with 0', { timeout: 90_000 }, async () => {
    const child = npm(['start', '--silent'], { PORT: '0' }) as ChildProcessWithoutNullStreams;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [, endpoint] = (await waitForOutput(child, BANNER, 60_000)) as unknown as [string, string];

    // The reader goes away, as `head` does once it has its lines.
    child.stdout.destroy();
    // Each request writes an access-log line: the first one after that meets EPIPE.
    await eventually(
      async () => {
        await query(endpoint);
        return NOTE.test(stderr);
      },
      'the note on stderr',
      15_000,
    );
    expect(await query(endpoint)).toEqual({ data: { __typename: 'Query' } });
    const health = await fetch(new URL('/health', endpoint));
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);

    child.kill('SIGTERM'); // to npm, as a container runtime would
    expect(await exitCode(child, 15_000)).toBe(0);
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(NOTE);
  });

  it('keeps serving while nothing reads its stdout (a full pipe), and SIGTERM still ends it with 0 at once', { timeout: 90_000 }, async () => {
    // A FIFO filled to the brim before the gateway starts: its reader (this test) never reads, so every
    // write the gateway makes to stdout would wait.
    const dir = mkdtempSync(join(tmpdir(), 'process-hygiene-'));
    const fifo = join(dir, 'stdout');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      fill(fd);
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const child = npm(['start', '--silent'], { PORT: String(port), HOST: '127.0.0.1' }, ['ignore', fd, 'pipe']);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const ready = async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before it was ready:\n${stderr}`);
        return (await fetch(`${origin}/ready`).catch(() => undefined))?.status === 200;
      };
      await eventually(ready, 'readiness', 60_000);
      for (let i = 0; i < 20; i++) expect(await query(`${origin}/graphql`)).toEqual({ data: { __typename: 'Query' } });

      child.kill('SIGTERM');
      // The drain has nothing to wait for: the time bound is the point (stuck flushing stdout, it never ended).
      expect(await exitCode(child, 10_000)).toBe(0);
      expect(stderr).toBe('');
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Writes to a non-blocking pipe until it takes no more. */
function fill(fd: number): void {
  const chunk = Buffer.alloc(64 * 1024, '.');
  for (;;) {
    try {
      writeSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return;
      throw error;
    }
  }
}

describe.each<{ script: string; args: string[]; env: Record<string, string>; ready: RegExp }>([
  { script: 'dev', args: ['run', '--silent', 'dev'], env: { PORT: '0' }, ready: BANNER },
  { script: 'simulator', args: ['run', '--silent', 'simulator', '--', '--port', '0'], env: {}, ready: /API base\s+(http:\/\/127\.0\.0\.1:\d+)\// },
])('npm run $script, then SIGTERM to npm', ({ args, env, ready }) => {
  it('ends the whole process tree (npm, node and what node started) with exit code 0, and the port is free again', { timeout: 120_000 }, async () => {
    const child = npm(args, env) as ChildProcessWithoutNullStreams;
    // tsx compiles the sources on the way: slow on a busy machine.
    const [, url] = (await waitForOutput(child, ready, 90_000)) as unknown as [string, string];
    const origin = new URL(url).origin;
    const tree = processTree(child.pid!);
    see(tree);
    expect(tree.length).toBeGreaterThanOrEqual(2);
    expect((await fetch(origin)).status).toBeGreaterThan(0);

    child.kill('SIGTERM');
    expect(await exitCode(child, 15_000)).toBe(0);
    await eventually(() => tree.every((pid) => !running(pid)), `every process of ${tree.join(', ')} to end`, 10_000);
    await expect(fetch(origin)).rejects.toThrow();
  });
});

describe('a port already in use', () => {
  it.each(['PORT', 'METRICS_PORT'])('ends start-up with one line naming the port and %s, exit code 1, no stack trace', { timeout: 60_000 }, async (setting) => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const env: Record<string, string> = setting === 'PORT' ? { PORT: String(port) } : { PORT: '0', METRICS_PORT: String(port) };
      const child = npm(['start', '--silent'], { ...env, HOST: '127.0.0.1' }) as ChildProcessWithoutNullStreams;
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await exitCode(child, 45_000)).toBe(1);
      expect(stderr).toBe(`port ${port} is already in use: set ${setting} to a free port\n`);
      // Before it, only the start-up's own log lines (info: the demo's simulator starting), none an error.
      for (const line of stdout.split('\n').filter(Boolean)) expect((JSON.parse(line) as { level: number }).level).toBeLessThan(40);
    } finally {
      holder.close();
    }
  });
});
