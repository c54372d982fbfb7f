// vitest globalSetup: some test files need programs no npm package brings, from Debian's packages:
// Chromium for the browser test (test/e2e/graphiql-browser.test.ts; playwright-core drives it and
// cannot download a browser here), redis-server for the replica tests (test/integration/replicas.test.ts)
// and prometheus's promtool, which checks /metrics and tests the alert rules (test/integration/prometheus.test.ts).
// On a bare machine of the project's kind (Debian, root) `npm ci && npm test` installs what is missing;
// anywhere else it stops with what to install. Those tests are never skipped: a skipped test would hide
// a broken GraphiQL, a broken scale-out or an alert that never fires.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { install } from './install.js';

const NEEDED = [
  { binary: '/usr/bin/chromium', package: 'chromium', by: 'test/e2e/graphiql-browser.test.ts' },
  { binary: '/usr/bin/redis-server', package: 'redis-server', by: 'test/integration/replicas.test.ts' },
  { binary: '/usr/bin/promtool', package: 'prometheus', by: 'test/integration/prometheus.test.ts' },
];

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
  install('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    tailLines: 20,
    failure: (why, output) => `apt-get ${args.join(' ')} failed (${why}) while installing test dependencies:\n${output}`,
  });
}

export default function ensureDebianPackages(): void {
  const missing = NEEDED.filter((n) => !existsSync(n.binary));
  if (missing.length === 0) return;

  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(
      `${missing.map((m) => `${m.by} needs ${m.binary}`).join('; ')}, and it is missing.\n` +
        `Install Debian's packages as root (e.g. with sudo):  apt-get update && apt-get install -y --no-install-recommends ${missing.map((m) => m.package).join(' ')}\n` +
        `(${isRoot ? 'apt-get is not available here' : 'this run is not root, so it cannot install them itself'}.)`,
    );
  }

  process.stderr.write(`Installing Debian's ${missing.map((m) => m.package).join(', ')} for the tests...\n`);
  aptGet(['update', '-qq']);
  aptGet(['install', '-y', '-qq', '--no-install-recommends', ...missing.map((m) => m.package)]);
  for (const m of missing) if (!existsSync(m.binary)) throw new Error(`apt-get installed ${m.package}, but ${m.binary} is still missing.`);
}
