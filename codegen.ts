// GraphQL Code Generator: the one generator of the committed artefacts (`npm run schema` and
// `npm run codegen` both run it; test/integration/schema-artefacts.test.ts fails when one is stale):
//   schema/schema.graphql              the schema as served, printed and sorted
//   schema/subgraph.graphql            the Federation 2 subgraph SDL (with @link and @key), for composition
//   examples/apollo-client/generated/  typed documents of the Apollo Client example
// Both SDLs come from the Pothos schema itself.
import type { CodegenConfig } from '@graphql-codegen/cli';
import { printSortedSchema, printSubgraphSdl } from './src/schema/index.js';

const config: CodegenConfig = {
  schema: printSortedSchema(),
  generates: {
    'schema/schema.graphql': { plugins: ['schema-ast'], config: { includeDirectives: true, sort: true } },
    // printSubgraphSchema's output as it is: a plain printer would drop the federation directives.
    'schema/subgraph.graphql': { plugins: [{ add: { content: printSubgraphSdl() } }] },
    // The Apollo Client example: one TypedDocumentNode per .graphql operation (client preset).
    'examples/apollo-client/generated/': {
      preset: 'client',
      documents: ['examples/apollo-client/operations/*.graphql'],
      presetConfig: { fragmentMasking: false },
      config: {
        // The example is ESM under NodeNext with verbatimModuleSyntax, like the rest of the project.
        importExtension: '.js',
        useTypeImports: true,
        enumsAsTypes: true,
        // The gateway serves both scalars as strings on the wire; any other scalar stays `unknown`.
        scalars: { UUID: 'string', DateTime: 'string' },
        defaultScalarType: 'unknown',
        // Apollo Client adds __typename to every object selection (not to the root).
        nonOptionalTypename: true,
        skipTypeNameForRoot: true,
      },
    },
  },
  hooks: {},
};

export default config;
