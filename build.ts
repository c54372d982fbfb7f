// `npm run build`: src/ bundled into dist/ by esbuild, what `npm start` runs with plain node.
//
// A bundle rather than tsc's one file per module: the gateway and its dependencies are ~800 ES
// modules, and resolving, reading and linking each costs start-up time and memory (measured: start-up
// to first answer 840 -> 350 ms, idle RSS 131 -> 116 MB). What is loaded only on demand — the demo's
// simulator, GraphiQL's 9 MB page, the OpenTelemetry SDK, ioredis, jose, graphql-jit — stays in chunks
// of its own (code splitting), or outside the bundle (below), so a gateway that does not use them never
// loads them.
//
// Whitespace and syntax minified, names kept: V8 holds every script's source in the heap for the life
// of the process, and the bundle's comments and indentation were 1 MB of main.js's 2.9 MB; worse, a
// dependency's comment with one curly quote made V8 hold a whole file as a two-byte string (measured:
// idle heap 30.2 -> 24.9 MiB, start-up unchanged). Lines are cut at about 500 characters (esbuild's
// lineLimit is a soft limit), so a crash prints a line, not the bundle; names stay as written, so stack
// traces read as the code does. Source maps sit next to the chunks for anyone debugging (node
// --enable-source-maps dist/main.js) and for bench/profile.ts; they are not enabled by default.
// Types are checked by `npm run typecheck` (tsc), not here.
import { rm } from 'node:fs/promises';
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
  minifyWhitespace: true,
  minifySyntax: true,
  lineLimit: 500,
  // Loaded only when configured (tracing, Redis), so bundling them would save no start-up time; and
  // they are CommonJS, whose named exports a bundled dynamic import() does not see (the OTel SDK's
  // failed to load that way). Node loads them from node_modules, as it would without a bundle. The
  // OTel API goes with the SDK, so that there is one copy of it.
  external: ['@opentelemetry/*', 'ioredis'],
  // CommonJS dependencies inside an ES module bundle still call require() for node's built-ins.
  banner: { js: "import { createRequire as __gatewayRequire } from 'node:module'; const require = __gatewayRequire(import.meta.url);" },
  logLevel: 'warning',
});
