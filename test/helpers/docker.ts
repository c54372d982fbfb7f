// Docker for the container test (test/e2e/container.test.ts): whether an engine answers, a `docker`
// runner, and the base image the Dockerfile names — pulled where a registry answers; where none does
// (this project's machines), made here under the same tag from Debian's packages and this machine's Node.
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end or `timeoutMs` (then SIGKILL, code null); keeps the output's last 64 KB each. */
export function run(command: string, args: string[], options: { timeoutMs: number; stdin?: Readable; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    const keep = (key: 'stdout' | 'stderr') => (chunk: Buffer) => (out[key] = (out[key] + chunk.toString()).slice(-65_536));
    child.stdout!.on('data', keep('stdout'));
    child.stderr!.on('data', keep('stderr'));
    if (options.stdin) options.stdin.pipe(child.stdin!);
    const timer = setTimeout(() => {
      out.stderr += `\n(killed after ${options.timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: out.stdout, stderr: `${out.stderr}${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, ...out });
    });
  });
}

export const docker = (args: string[], timeoutMs = 60_000, cwd?: string) => run('docker', args, { timeoutMs, cwd });

/** Polls `check` until it holds (every 100 ms), or throws after `timeoutMs` naming `what` and the last value seen. */
export async function waitFor<T>(what: string, check: () => Promise<T>, holds: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (holds(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Why no Docker engine can be used here, or undefined when one answers. */
export async function dockerUnavailable(): Promise<string | undefined> {
  const info = await docker(['info', '--format', '{{.ServerVersion}}'], 20_000);
  if (info.code === 0) return undefined;
  return (info.stderr.trim() || info.stdout.trim() || `docker info exited with ${info.code}`).split('\n').slice(-3).join(' ');
}

/** `docker compose` (the plugin) or `docker-compose` (the older standalone), whichever is installed. */
export async function composeCommand(): Promise<string[] | undefined> {
  if ((await docker(['compose', 'version'], 20_000)).code === 0) return ['docker', 'compose'];
  if ((await run('docker-compose', ['version'], { timeoutMs: 20_000 })).code === 0) return ['docker-compose'];
  return undefined;
}

/** The image the Dockerfile's first stage starts FROM. */
export function baseImageOf(dockerfile: string): string {
  const from = /^FROM\s+(\S+)/im.exec(dockerfile)?.[1];
  if (!from) throw new Error('the Dockerfile has no FROM line');
  return from;
}

/** Makes sure `tag` is in the engine: already there, pulled, or made here. */
export async function ensureBaseImage(tag: string): Promise<'present' | 'pulled' | 'made'> {
  if ((await docker(['image', 'inspect', tag], 20_000)).code === 0) return 'present';
  if ((await docker(['pull', tag], 3 * 60_000)).code === 0) return 'pulled';
  await makeStandIn(tag);
  return 'made';
}

/**
 * Builds the Dockerfile in `root` as `tag`, and its build stage as `${tag}-build`: tagged, so the layer
 * cache of `npm ci` survives the clean-up, which removes the images a rebuild replaced (a changed
 * src/ would otherwise leave a few dozen MB behind on each run).
 */
export async function buildImage(root: string, tag: string, timeoutMs: number): Promise<void> {
  const tags = [`${tag}-build`, tag];
  const before = await Promise.all(tags.map(imageId));
  const deadline = Date.now() + timeoutMs;
  for (const [i, name] of tags.entries()) {
    const build = await docker(['build', ...(i === 0 ? ['--target', 'build'] : []), '-t', name, '.'], Math.max(deadline - Date.now(), 1), root);
    if (build.code !== 0) throw new Error(`docker build -t ${name} failed (${build.code}):\n${build.stdout.slice(-4000)}${build.stderr.slice(-4000)}`);
  }
  const after = await Promise.all(tags.map(imageId));
  for (const old of before) if (old && !after.includes(old)) await docker(['rmi', old], 60_000);
}

async function imageId(tag: string): Promise<string | undefined> {
  const inspect = await docker(['image', 'inspect', '--format', '{{.Id}}', tag], 20_000);
  return inspect.code === 0 ? inspect.stdout.trim() : undefined;
}

/**
 * A stand-in for the official image (https://hub.docker.com/_/node, built as in
 * https://github.com/nodejs/docker-node/blob/main/20/bookworm-slim/Dockerfile): Debian's minimal base
 * system from debootstrap, this machine's `node` and `npm` in /usr/local, a `node` user with uid 1000,
 * and the same entrypoint script, so a Dockerfile written for the official image builds and runs on it.
 * The certificate authorities this machine's Node and npm are told to trust go with them: where a proxy
 * re-signs TLS (as on this project's machines), `npm ci` inside the build reaches the registry too.
 */
async function makeStandIn(tag: string): Promise<void> {
  const [, major, suite] = /^node:(\d+)-([a-z]+)-slim$/.exec(tag) ?? [];
  if (!major || !suite) throw new Error(`no registry answered for ${tag}, and only node:<major>-<debian suite>-slim can be made here`);
  if (process.versions.node.split('.')[0] !== major) throw new Error(`no registry answered for ${tag}, and this machine's Node is ${process.version}, not ${major}`);
  if (process.getuid?.() !== 0 || !existsSync('/usr/sbin/debootstrap')) {
    throw new Error(`no registry answered for ${tag}; to make it here, run the tests as root with Debian's debootstrap installed (apt-get install -y debootstrap)`);
  }
  const root = await mkdtemp(join(tmpdir(), 'node-base-'));
  try {
    const bootstrap = await run('debootstrap', ['--variant=minbase', suite, root, await debianMirror()], { timeoutMs: 8 * 60_000 });
    if (bootstrap.code !== 0) throw new Error(`debootstrap failed (${bootstrap.code}):\n${bootstrap.stdout.slice(-2000)}${bootstrap.stderr.slice(-2000)}`);
    // What debian:*-slim leaves out too: package lists, downloaded packages, documentation, translations.
    for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) {
      await rm(join(root, dir), { recursive: true, force: true });
      await mkdir(join(root, dir), { recursive: true });
    }
    await addNode(root);
    const trust = await addTrustedCertificates(root);
    const user = await run('chroot', [root, 'sh', '-c', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'], { timeoutMs: 60_000 });
    if (user.code !== 0) throw new Error(`could not add the node user: ${user.stderr}`);
    await importRoot(root, tag, trust);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** node, npm (with npx) and docker-entrypoint.sh where the official image has them. */
async function addNode(root: string): Promise<void> {
  const bin = join(root, 'usr/local/bin');
  const npm = npmDirectory();
  if (!existsSync(join(npm, 'bin/npm-cli.js'))) throw new Error(`npm is not at ${npm}, beside ${process.execPath}`);
  await mkdir(bin, { recursive: true });
  await cp(process.execPath, join(bin, 'node'));
  await cp(npm, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true });
  await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(bin, 'npm'));
  await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(bin, 'npx'));
  // The official script, verbatim in effect: a first argument that is no command runs under node; exec
  // replaces the shell, so the command is PID 1 and receives the container's signals itself.
  await writeFile(
    join(bin, 'docker-entrypoint.sh'),
    '#!/bin/sh\nset -e\nif [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then\n  set -- node "$@"\nfi\nexec "$@"\n',
  );
  await chmod(join(bin, 'docker-entrypoint.sh'), 0o755);
}

/** Copies the CA files NODE_EXTRA_CA_CERTS and npm's own npmrc (`cafile=`) name; returns the former. */
async function addTrustedCertificates(root: string): Promise<string | undefined> {
  const npmrc = await readFile(join(npmDirectory(), 'npmrc'), 'utf8').catch(() => '');
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  for (const file of [extra, /^cafile\s*=\s*(\S+)/m.exec(npmrc)?.[1]]) {
    if (!file || !existsSync(file)) continue;
    await mkdir(join(root, dirname(file)), { recursive: true });
    await cp(file, join(root, file), { dereference: true });
  }
  return extra && existsSync(extra) ? extra : undefined;
}

/** npm sits beside node's prefix: <prefix>/bin/node and <prefix>/lib/node_modules/npm. */
const npmDirectory = () => join(dirname(dirname(process.execPath)), 'lib/node_modules/npm');

async function importRoot(root: string, tag: string, extraCaCerts: string | undefined): Promise<void> {
  const tar = spawn('tar', ['-C', root, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const changes = [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `ENV NODE_VERSION=${process.versions.node}`,
    ...(extraCaCerts ? [`ENV NODE_EXTRA_CA_CERTS=${extraCaCerts}`] : []),
    `LABEL org.opencontainers.image.description="Stand-in for ${tag}, made by test/helpers/docker.ts (no registry answered)"`,
    'ENTRYPOINT ["docker-entrypoint.sh"]',
    'CMD ["node"]',
  ].flatMap((change) => ['--change', change]);
  const imported = await run('docker', ['import', ...changes, '-', tag], { timeoutMs: 5 * 60_000, stdin: tar.stdout });
  if (imported.code !== 0) throw new Error(`docker import failed (${imported.code}): ${imported.stderr}`);
}

/** The Debian mirror this machine's apt uses (deb822 or one-line sources), else Debian's own. */
async function debianMirror(): Promise<string> {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const uri = /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+\s+main/m.exec(text)?.[1];
    if (uri && !uri.includes('security')) return uri;
  }
  return 'http://deb.debian.org/debian';
}
