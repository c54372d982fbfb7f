import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (index.js) and ESM (index.mjs) without an "exports" map: Node (and so every
    // dependency) loads the CJS one, Vite would give test files the ESM one, and graphql refuses to mix
    // the two ("from another module or realm"). Tests take the one Node takes.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every test file starts its own servers on port 0, and spends most of its time waiting on them
    // (sockets, polls, drains), not computing: four files at once on this project's two cores took the
    // idle suite from 189 s to 75 s, and it stays green with both cores kept busy by other work.
    pool: 'forks',
    maxWorkers: 4,
    // Builds dist/ (what the end-to-end tests start), and installs Chromium and redis-server when
    // they are missing (or says what to install), and the Hive Gateway router's own package.
    globalSetup: ['test/setup/build.ts', 'test/setup/debian-packages.ts', 'test/setup/hive-gateway.ts'],
  },
});
