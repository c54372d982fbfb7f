// `npm run build`: src/ bundled into dist/ by esbuild, what `npm start` runs with plain node.
//
// A bundle rather than tsc's one file per module: the gateway and its dependencies are ~800 ES
// modules, and resolving, reading and linking each costs start-up time and memory (measured: start-up
// to first answer 840 -> 350 ms, idle RSS 131 -> 116 MB). What is loaded only on demand — the demo's
// simulator, GraphiQL's 9 MB page, the OpenTelemetry SDK, ioredis, jose, graphql-jit — stays in chunks
// of its own (code splitting), or outside the bundle (below), so a gateway that does not use them never
// loads them.
//
// Not minified: minifying measured no difference in memory or start-up, and a crash prints its source
// line, which in a minified bundle is most of the bundle. Source maps sit next to the chunks for anyone
// debugging (node --enable-source-maps dist/main.js); they are not enabled by default.
// Types are checked by `npm run typecheck` (tsc), not here.
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'linked',
  // Loaded only when configured (tracing, Redis), so bundling them would save no start-up time; and
  // they are CommonJS, whose named exports a bundled dynamic import() does not see (the OTel SDK's
  // failed to load that way). Node loads them from node_modules, as it would without a bundle. The
  // OTel API goes with the SDK, so that there is one copy of it.
  external: ['@opentelemetry/*', 'ioredis'],
  // CommonJS dependencies inside an ES module bundle still call require() for node's built-ins.
  banner: { js: "import { createRequire as __gatewayRequire } from 'node:module'; const require = __gatewayRequire(import.meta.url);" },
  logLevel: 'warning',
});

// V8 keeps each script's source in the heap for the life of the process, as a one-byte string when it
// is all Latin-1 and as a two-byte one otherwise: one curly quote in a dependency's comment (undici's
// spec quotes have dozens) doubled main.js's 2.9 MB to 5.8 MB of heap. esbuild writes everything but
// comments in ASCII (https://esbuild.github.io/api/#charset), so what is left is in comments, and is
// replaced here one UTF-16 unit for one, so every line and column the source maps name stays where it was.
for (const file of ['main.js', ...(await readdir('dist/chunks')).map((name) => join('chunks', name))].filter((name) => name.endsWith('.js'))) {
  const path = join('dist', file);
  const text = await readFile(path, 'utf8');
  if (/[\u0080-\uffff]/.test(text)) await writeFile(path, text.replace(/[\u0080-\uffff]/g, '?'));
}
