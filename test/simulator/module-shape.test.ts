// The simulator's shape, kept by a test: it imports nothing but its own files and Node's built-ins (it
// stands in for the partner API, so it owes the gateway nothing and could be a package of its own), and
// its files import each other one way only, with no circle (type-only imports included).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../src/simulator/', import.meta.url));
const SPECIFIER = /\bfrom\s+'([^']+)'|\bimport\s*\(?\s*'([^']+)'/g;

const files = readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(ROOT, name));

/** Every module a file imports, as written. */
function specifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2])!);
}

/** The simulator's files a file imports (the `.js` of an import names the `.ts` beside it). */
function imports(file: string): string[] {
  return specifiers(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

it('imports nothing but its own files and Node built-ins', () => {
  const foreign = files.flatMap((file) =>
    specifiers(file)
      .filter((s) => (s.startsWith('.') ? relative(ROOT, resolve(dirname(file), s)).startsWith('..') : !s.startsWith('node:')))
      .map((s) => `${relative(ROOT, file)} -> ${s}`),
  );
  expect(files.length).toBeGreaterThan(10);
  expect(foreign).toEqual([]);
});

it('has no import circle', () => {
  const done = new Set<string>();
  const circles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (path.includes(file)) {
      circles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' -> '));
      return;
    }
    if (done.has(file)) return;
    for (const next of imports(file)) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of files) visit(file, []);
  expect(circles).toEqual([]);
});
