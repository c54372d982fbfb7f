// How `npm start` runs the gateway: package.json's start script, `exec node <flags> dist/main.js`. Every
// harness and end-to-end test starts a gateway build with its own checkout's flags, as the container does
// (the Dockerfile's CMD, which test/e2e/container.test.ts compares with them). A module of its own, so a
// test that starts the gateway does not load the benchmark's workload.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Node's flags in `root`'s start script (another checkout's for its own build, e.g. an A/B against an
 * older commit); none where there is no package.json (a baseline's directory).
 */
export function startFlags(root: string): string[] {
  const file = join(root, 'package.json');
  if (!existsSync(file)) return [];
  const { scripts } = JSON.parse(readFileSync(file, 'utf8')) as { scripts?: { start?: string } };
  const [exec, node, ...args] = (scripts?.start ?? '').trim().split(/\s+/);
  if (exec !== 'exec' || node !== 'node' || args.pop() !== 'dist/main.js') throw new Error(`${file}: the start script is not \`exec node [flags] dist/main.js\`: ${scripts?.start}`);
  return args;
}

/** This checkout's: `node ...START_FLAGS dist/main.js` is what npm start runs. */
export const START_FLAGS: readonly string[] = startFlags(fileURLToPath(new URL('..', import.meta.url)));
