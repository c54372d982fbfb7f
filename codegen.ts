// GraphQL Code Generator: the one generator of the committed schema artefacts.
//   npm run schema   -> schema/schema.graphql (the printed, sorted SDL)
//   npm run codegen  -> the same (and, as clients are added, their typed documents)
// The SDL comes from the Pothos schema itself (printSortedSchema), the same function the staleness
// test compares the committed file with.
import type { CodegenConfig } from '@graphql-codegen/cli';
import { printSortedSchema } from './src/schema/index.js';

const config: CodegenConfig = {
  schema: printSortedSchema(),
  generates: {
    'schema/schema.graphql': { plugins: ['schema-ast'], config: { includeDirectives: true, sort: true } },
  },
  hooks: {},
};

export default config;
