// vitest globalSetup: test/e2e/hive-gateway.test.ts runs a real federation router, Hive Gateway, in front
// of this gateway. The router is large (~500 MB installed) and not a dependency of the gateway, so it
// lives in its own package, test/federation/hive-gateway/, with its own lockfile, and is installed here
// with `npm ci` (https://docs.npmjs.com/cli/commands/npm-ci) rather than by the root's `npm ci`.
//
// It installs again when the lockfile (or package.json) changed since the last install: a hash of both
// is written beside the installed packages. A hash rather than file times, because git gives every
// file it writes the time of the checkout, so times say nothing about which lockfile was installed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { install } from './install.js';

export const HIVE_GATEWAY_DIR = fileURLToPath(new URL('../federation/hive-gateway/', import.meta.url));
const NODE_MODULES = join(HIVE_GATEWAY_DIR, 'node_modules');
const STAMP = join(NODE_MODULES, '.installed-lockfile-sha256');

function lockfileHash(): string {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(HIVE_GATEWAY_DIR, file)));
  return hash.digest('hex');
}

export default function installHiveGateway(): void {
  const wanted = lockfileHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === wanted) return;

  process.stderr.write('Installing Hive Gateway for test/e2e/hive-gateway.test.ts (npm ci in test/federation/hive-gateway)...\n');
  const started = Date.now();
  // The root's `npm test` hands its npm settings to its children as npm_config_* variables (the root's
  // .npmrc sets legacy-peer-deps); this package is installed as its lockfile was made, with its own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
  install('npm', ['ci', '--prefix', HIVE_GATEWAY_DIR, '--no-audit', '--no-fund'], {
    cwd: HIVE_GATEWAY_DIR,
    env,
    tailLines: 30,
    failure: (why, output) =>
      `Installing Hive Gateway for test/e2e/hive-gateway.test.ts failed (${why}). It needs the npm registry; ` +
      `to retry by hand: npm ci --prefix test/federation/hive-gateway\n${output}`,
  });
  writeFileSync(STAMP, `${wanted}\n`);
  process.stderr.write(`Installed Hive Gateway in ${Math.round((Date.now() - started) / 1000)} s.\n`);
}
