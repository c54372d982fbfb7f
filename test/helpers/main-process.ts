// The real entry point in a child process, the way `npm start` runs it (node dist/main.js, built by
// test/setup/build.ts): for e2e tests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { START_FLAGS } from '../../bench/start-command.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts dist/main.js the way `npm start` does, with exactly the given environment (plus PATH). */
export function startMain(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

/**
 * Resolves with the first match of `pattern` in the child's stdout + stderr; rejects on timeout or exit.
 * Stops listening either way, so a long-lived child's output is not kept and searched again for ever.
 */
export function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const done = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${pattern}; output so far:\n${seen}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        done();
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${seen}`));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
  });
}
