// Baseline for `npm run bench`: Apollo Server 5 (standalone) with @apollo/datasource-rest, set up as
// their docs recommend: a RESTDataSource per request, created in the context function with the
// server's cache. The data source deduplicates identical GETs within a request; nothing else is added.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RESTDataSource, type AugmentedRequest, type DataSourceConfig } from '@apollo/datasource-rest';
import { baselineConfig, type BaselineConfig } from './config.js';
import { createResolvers, typeDefs, type UpstreamWallbox, type WallboxKey } from './wallbox-schema.js';

class PoderoAPI extends RESTDataSource {
  override baseURL: string;
  readonly #token: string;

  constructor(config: BaselineConfig, options: DataSourceConfig) {
    super(options);
    this.baseURL = `${config.apiUrl}/`;
    this.#token = config.token;
  }

  override willSendRequest(_path: string, request: AugmentedRequest): void {
    request.headers.authorization = `Bearer ${this.#token}`;
  }

  getWallbox({ orgId, userId, id, includeDeleted }: WallboxKey): Promise<UpstreamWallbox> {
    const path = `org/${encodeURIComponent(orgId)}/users/${encodeURIComponent(userId)}/wallboxes/${encodeURIComponent(id)}`;
    return this.get<UpstreamWallbox>(path, includeDeleted ? { params: { include_deleted: 'true' } } : {});
  }
}

interface Context {
  dataSources: { podero: PoderoAPI };
}

const config = baselineConfig();
const server = new ApolloServer<Context>({
  typeDefs,
  resolvers: createResolvers<Context>((key, { dataSources }) => dataSources.podero.getWallbox(key), config.orgId),
});

const { url } = await startStandaloneServer(server, {
  listen: { port: config.port, host: config.host },
  context: () => Promise.resolve({ dataSources: { podero: new PoderoAPI(config, { cache: server.cache }) } }),
});
process.stdout.write(`Apollo Server baseline listening on ${url}\n`);
