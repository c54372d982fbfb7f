// The error catalogue (src/error-codes.ts) is the one list of codes: the README's error table says
// exactly what it says, and nothing the gateway emits is missing from it.
//
// "Nothing missing" is the type checker's to prove, not a scan's: every producer takes its code as a
// catalogue type — GraphQLErrors from src/graphql-errors.ts (`ErrorCode`, `RefusalCode`), UpstreamError
// (`CodeRaisedBy<'upstream'>`), CallerError (`CodeRaisedBy<'caller'>`), the bodies src/server.ts and
// the CSRF plugin write (`errorResponseBody`) — so a code that is not in the catalogue does not compile
// (`npm run typecheck`; the `@ts-expect-error` lines below fail it if a type ever widens). Codes yoga
// and its APQ plugin assign on their own (GRAPHQL_PARSE_FAILED, OPERATION_RESOLUTION_FAILURE,
// PERSISTED_QUERY_*) are listed by hand and met by the integration tests. What the types cannot see is a
// GraphQLError built by hand, with a code in an untyped `extensions` object: the last test keeps those
// to src/graphql-errors.ts.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CallerError } from '../../src/caller/errors.js';
import { ERROR_CODES, statusOf } from '../../src/error-codes.js';
import { codedError, refusal } from '../../src/graphql-errors.js';
import { UpstreamError } from '../../src/upstream/errors.js';

const ROOT = new URL('../../', import.meta.url);

interface Row {
  code: string;
  status: number | null;
  description: string;
}

const normalised = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The rows of the table in README.md's "## Errors" section: `| \`CODE\` | 400 or — | When |`. */
async function readmeRows(): Promise<Row[]> {
  const readme = await readFile(new URL('README.md', ROOT), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Errors\n'), readme.indexOf('\n## ', readme.indexOf('\n## Errors\n') + 1));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.map((line) => {
    const match = /^\| `([A-Z_]+)` \| (\d{3}|—) \| (.+) \|$/.exec(line);
    if (!match) throw new Error(`README.md's error table has a row that is not "| \`CODE\` | status or — | When |": ${line}`);
    return { code: match[1]!, status: match[2] === '—' ? null : Number(match[2]), description: normalised(match[3]!) };
  });
}

describe("README.md's error table", () => {
  it('lists exactly the catalogue, in its order, with its statuses and descriptions', async () => {
    const catalogue = Object.entries(ERROR_CODES).map(([code, entry]): Row => ({ code, status: entry.status, description: normalised(entry.description) }));
    expect(await readmeRows()).toEqual(catalogue);
  });

  it('can hold every description: one line, no `|`', () => {
    for (const [code, { description }] of Object.entries(ERROR_CODES)) expect(description, code).toMatch(/^[^|\n]+$/);
  });
});

describe('the catalogue types', () => {
  it('keep each raiser to its own codes (tsc checks these lines; they never run)', () => {
    const refusedByTsc = [
      // @ts-expect-error RATE_LIMITED is the caller's budget, not a failure of the partner API.
      () => new UpstreamError('RATE_LIMITED', 'spent'),
      // @ts-expect-error the caller's errors are not upstream's.
      () => new CallerError('UPSTREAM_TIMEOUT', 'slow'),
      // @ts-expect-error FORBIDDEN fails a field; it never refuses a whole request, so it has no status.
      () => refusal('FORBIDDEN', 'no'),
      // @ts-expect-error not a code of the catalogue.
      () => codedError('NOT_A_CODE', 'x'),
    ];
    expect(refusedByTsc).toHaveLength(4);
  });

  it("give a refusal the catalogue's status, and a field error none", () => {
    expect(refusal('REQUEST_ENTITY_TOO_LARGE', 'big').extensions).toEqual({ code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413, spec: false } });
    expect(refusal('BAD_REQUEST', 'type', { status: 415 }).extensions.http).toEqual({ status: 415, spec: false });
    expect(statusOf('UNAUTHENTICATED')).toBe(401);
    expect(codedError('BAD_USER_INPUT', 'orgId: is required', { fields: [] }).extensions).toEqual({ code: 'BAD_USER_INPUT', fields: [] });
  });
});

it('leaves building coded GraphQLErrors to src/graphql-errors.ts', async () => {
  const src = new URL('src/', ROOT).pathname;
  const files = (await readdir(src, { recursive: true })).filter((file) => file.endsWith('.ts') && !file.startsWith('simulator'));
  const handBuilt: string[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, await readFile(join(src, file), 'utf8'), ts.ScriptTarget.Latest);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.expression.getText(source) === 'GraphQLError' && node.arguments?.some(hasExtensions)) {
        handBuilt.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  expect(handBuilt.filter((at) => !at.startsWith('graphql-errors.ts:'))).toEqual([]);
  expect(handBuilt.length).toBeGreaterThan(0);
});

/** `{ extensions: ... }` (or `{ extensions }`) among a constructor's arguments. */
function hasExtensions(argument: ts.Expression): boolean {
  return ts.isObjectLiteralExpression(argument) && argument.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'extensions');
}
