// Baseline for `npm run bench`: the GraphQL server a competent developer writes in an afternoon.
// graphql-yoga with its defaults and no extra plugins, a hand-written SDL schema, and undici's
// request() in the resolver: one upstream call per `wallbox` field, no DataLoader, no cache (a query
// that names the same wallbox twice fetches it twice).
import { createServer } from 'node:http';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { request } from 'undici';
import { baselineConfig } from './config.js';
import { createResolvers, typeDefs, type UpstreamWallbox, type WallboxKey } from './wallbox-schema.js';

const config = baselineConfig();

async function getWallbox({ orgId, userId, id, includeDeleted }: WallboxKey): Promise<UpstreamWallbox> {
  const query = includeDeleted ? '?include_deleted=true' : '';
  const { statusCode, body } = await request(`${config.apiUrl}/org/${orgId}/users/${userId}/wallboxes/${id}${query}`, {
    headers: { authorization: `Bearer ${config.token}`, accept: 'application/json' },
  });
  if (statusCode !== 200) {
    await body.dump();
    throw new GraphQLError(`The partner API answered ${statusCode}`, { extensions: { code: statusCode === 404 ? 'NOT_FOUND' : 'UPSTREAM_ERROR' } });
  }
  return (await body.json()) as UpstreamWallbox;
}

const yoga = createYoga({ schema: createSchema({ typeDefs, resolvers: createResolvers(getWallbox, config.orgId) }) });

createServer(yoga.requestListener).listen(config.port, config.host, () => {
  process.stdout.write(`plain yoga baseline listening on http://${config.host}:${config.port}/graphql\n`);
});
