// The committed artefacts are what codegen.ts generates from the code: fail when any is stale.
//   schema/schema.graphql                   the printed SDL (npm run schema)
//   schema/subgraph.graphql                 the Federation 2 subgraph SDL (npm run schema)
//   examples/apollo-client/generated/*      the Apollo Client example's typed documents (npm run codegen)
import { readdir, readFile } from 'node:fs/promises';
import { beforeAll, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.js';

const CLIENT_DIR = 'examples/apollo-client/generated/';

let outputs: { filename: string; content: string }[];

beforeAll(async () => {
  outputs = (await generate({ ...config, silent: true }, false)) as typeof outputs;
});

async function expectCommitted(files: typeof outputs, command: string): Promise<void> {
  for (const { filename, content } of files) {
    const committed = await readFile(new URL(`../../${filename}`, import.meta.url), 'utf8').catch(() => undefined);
    expect(committed, `${filename} is stale: run ${command} and commit it`).toBe(content);
  }
}

it('has a committed schema/ that matches what `npm run schema` generates', async () => {
  const schemaFiles = outputs.filter((o) => o.filename.startsWith('schema/'));
  expect(schemaFiles.map((o) => o.filename).sort()).toEqual(['schema/schema.graphql', 'schema/subgraph.graphql']);
  await expectCommitted(schemaFiles, 'npm run schema');
});

it(`has a committed ${CLIENT_DIR} that matches what \`npm run codegen\` generates`, async () => {
  const clientFiles = outputs.filter((o) => o.filename.startsWith(CLIENT_DIR));
  const expected = ['gql.ts', 'graphql.ts', 'index.ts'].map((name) => CLIENT_DIR + name);
  expect(clientFiles.map((o) => o.filename).sort()).toEqual(expected);
  // Nothing left over from operations that no longer exist.
  const committedNames = (await readdir(new URL(`../../${CLIENT_DIR}`, import.meta.url))).map((name) => CLIENT_DIR + name).sort();
  expect(committedNames, `${CLIENT_DIR} holds files codegen no longer generates`).toEqual(expected);
  await expectCommitted(clientFiles, 'npm run codegen');
});
