// schema/schema.graphql is what codegen.ts generates from the code: fail when it is stale.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.js';

it('has a committed schema/ that matches what `npm run schema` generates', async () => {
  const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
  const schemaFiles = outputs.filter((o) => o.filename.startsWith('schema/'));
  expect(schemaFiles.map((o) => o.filename).sort()).toEqual(['schema/schema.graphql']);
  for (const { filename, content } of schemaFiles) {
    const committed = await readFile(new URL(`../../${filename}`, import.meta.url), 'utf8');
    expect(committed, `${filename} is stale: run npm run schema and commit it`).toBe(content);
  }
});
