// vitest globalSetup: the browser test (test/e2e/graphiql-browser.test.ts) drives Debian's Chromium,
// which no npm package brings (playwright cannot download browsers here). On a bare machine of the
// project's kind (Debian, root) `npm ci && npm test` installs it; anywhere else it stops with what to
// install. The browser test is never skipped: a skipped test would hide a broken GraphiQL.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const INSTALL_TIMEOUT_MS = 10 * 60_000;

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function aptGet(args: string[]): void {
  const run = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    const why = run.error ? run.error.message : `exit code ${run.status}`;
    throw new Error(`apt-get ${args.join(' ')} failed (${why}) while installing Chromium for the browser test:\n${output}`);
  }
}

export default function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;

  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(
      `The browser test (test/e2e/graphiql-browser.test.ts) needs Chromium at ${CHROMIUM}, and it is missing.\n` +
        `Install Debian's package as root (e.g. with sudo):  apt-get update && apt-get install -y --no-install-recommends chromium\n` +
        `(${isRoot ? 'apt-get is not available here' : 'this run is not root, so it cannot install it itself'}; ` +
        `playwright-core drives that binary and cannot download a browser of its own.)`,
    );
  }

  process.stderr.write(`Chromium is missing (${CHROMIUM}): installing Debian's package for the browser test...\n`);
  aptGet(['update', '-qq']);
  aptGet(['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing.`);
}
