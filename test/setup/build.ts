// vitest globalSetup: the end-to-end tests run what `npm start` runs, dist/main.js, and the benchmark
// peers' test runs the baselines as `npm run bench` does, compiled. A test run builds both first
// (incremental: a second or two when nothing changed), so they never test a stale build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export default function build(): void {
  for (const script of ['build', 'build:baselines']) {
    const run = spawnSync('npm', ['run', '--silent', script], { cwd: ROOT, encoding: 'utf8', timeout: 5 * 60_000 });
    if (run.status !== 0) throw new Error(`npm run ${script} failed before the tests:\n${run.stdout}${run.stderr}`);
  }
}
