// Baseline for `npm run bench`: the GraphQL server a competent developer writes in an afternoon.
// graphql-yoga with its defaults and no extra plugins, a hand-written SDL schema, and undici's
// request() in the resolver: one upstream call per `wallbox` field, no DataLoader, no cache (a query
// that names the same wallbox twice fetches it twice).
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { baselineConfig } from './config.js';
import { undiciWallboxReader } from './undici-wallbox.js';
import { createResolvers, typeDefs, upstreamError } from './wallbox-schema.js';

const config = baselineConfig();
const getWallbox = undiciWallboxReader(config, upstreamError);

const yoga = createYoga({ schema: createSchema({ typeDefs, resolvers: createResolvers(getWallbox, config.orgId) }) });

createServer(yoga.requestListener).listen(config.port, config.host, () => {
  process.stdout.write(`plain yoga baseline listening on http://${config.host}:${config.port}/graphql\n`);
});
