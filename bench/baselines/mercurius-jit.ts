// Baseline for `npm run bench`: a GraphQL server set up for speed, as a developer who cares about it writes
// one. Fastify 5 + mercurius 16 with `jit: 1`: mercurius compiles an
// operation with graphql-jit once it has run it once (so from its second request on), instead of
// interpreting it with graphql-js's execute on every request
// (https://mercurius.dev/#/docs/api/options, `jit`). The same hand-written schema as the other baselines
// and undici's request() in the resolver, as plain-yoga.ts: one upstream call per `wallbox` field, no
// loader, no cache (a query that names the same wallbox twice fetches it twice).
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { baselineConfig } from './config.js';
import { undiciWallboxReader } from './undici-wallbox.js';
import { createResolvers, typeDefs, upstreamError } from './wallbox-schema.js';

const config = baselineConfig();
const { Action, ...resolvers } = createResolvers(undiciWallboxReader(config, upstreamError), config.orgId);

// Logger off (Fastify's default, written out): someone writing this for speed does not log each request.
// https://fastify.dev/docs/latest/Reference/Server/#logger
const app = Fastify({ logger: false });
await app.register(mercurius, {
  schema: typeDefs,
  // mercurius takes an interface's type resolver as `resolveType`, not graphql-tools' `__resolveType`.
  resolvers: { ...resolvers, Action: { resolveType: Action.__resolveType } },
  jit: 1,
});
await app.listen({ port: config.port, host: config.host });
process.stdout.write(`mercurius (graphql-jit) baseline listening on http://${config.host}:${config.port}/graphql\n`);
