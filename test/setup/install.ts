// How the globalSetup files run an installer (apt-get, npm ci): bounded in time and output, and a
// failure told with why and the last lines it printed, so a red CI run says what to fix.
import { spawnSync } from 'node:child_process';

/** The longest an install may take: a cold cache on a slow link. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** Runs `command`; on failure throws `failure(why, output)` with the last `tailLines` lines of its output. */
export function install(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; tailLines: number; failure: (why: string, output: string) => string },
): void {
  const run = spawnSync(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status === 0) return;
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-options.tailLines).join('\n');
  // A timeout is reported as an error (ETIMEDOUT); a signal alone came from elsewhere (OOM killer, a user).
  const why = run.error
    ? (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
      ? `no end within ${INSTALL_TIMEOUT_MS / 1000} s`
      : run.error.message
    : run.signal
      ? `killed by ${run.signal}`
      : `exit code ${run.status}`;
  throw new Error(options.failure(why, output));
}
