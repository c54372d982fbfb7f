// vitest globalSetup: the end-to-end tests run what `npm start` runs, dist/main.js. A test run builds
// it first (incremental: a second or two when nothing changed), so they never test a stale build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function build(): void {
  const run = spawnSync('npm', ['run', '--silent', 'build'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', timeout: 5 * 60_000 });
  if (run.status !== 0) throw new Error(`npm run build failed before the tests:\n${run.stdout}${run.stderr}`);
}
