// A real redis-server (Debian's package) on a free port, for the replica tests: started, stopped and
// started again on the same port to play an outage.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { freePort } from './ports.js';

export interface RunningRedis {
  url: URL;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  let child: ChildProcessWithoutNullStreams | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${seen}`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${seen}`)));
    });
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: new URL(`redis://127.0.0.1:${port}`), stop, start };
}
