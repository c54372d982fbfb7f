// Relay connections (https://relay.dev/graphql/connections.htm) over what the partner API pages by
// offset, or not at all: a cursor is the item's offset, opaque to clients (base64 of "offset:<n>"), so
// `after` continues exactly where a page ended.
import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.js';
import { invalidInput } from './input.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export interface Page<T> {
  /** The items of the page, and the offset of the first. */
  items: readonly T[];
  offset: number;
  /** Items in the whole list. */
  totalCount: number;
}

export const PageInfoRef = builder.objectRef<Page<unknown>>('PageInfo').implement({
  description: 'Where a page of a connection stands in the whole list.',
  fields: (t) => ({
    hasNextPage: t.boolean({ resolve: (p) => p.offset + p.items.length < p.totalCount, description: 'Whether items follow this page.' }),
    hasPreviousPage: t.boolean({ resolve: (p) => p.offset > 0, description: 'Whether items precede this page.' }),
    startCursor: t.string({ nullable: true, resolve: (p) => (p.items.length > 0 ? cursorOf(p.offset) : null), description: 'Cursor of the first item of the page.' }),
    endCursor: t.string({ nullable: true, resolve: (p) => (p.items.length > 0 ? cursorOf(p.offset + p.items.length - 1) : null), description: 'Cursor of the last item; pass it as `after` for the next page.' }),
  }),
});

export function cursorOf(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

/** The offset after a cursor: where the page asked for starts. A cursor this gateway did not make is BAD_USER_INPUT. */
export function offsetAfter(after: string | null | undefined): number {
  if (after === null || after === undefined) return 0;
  const match = after.length <= 40 ? /^offset:(\d{1,9})$/.exec(Buffer.from(after, 'base64').toString('utf8')) : null;
  if (!match) invalidInput('after', 'is not a cursor of this connection');
  return Number(match[1]) + 1;
}

/** `first`: between 0 and `max`. */
export function pageSize(first: number | null | undefined, fallback: number, max: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > max) invalidInput('first', `must be from 0 to ${max}`);
  return size;
}

/** `<Name>Connection` and `<Name>Edge` for a node type. */
export function connectionOf<T extends object>(name: string, typedNode: ObjectRef<Types, T>, description: string) {
  // Declared for any object node (Pothos cannot check resolvers against a shape still generic here).
  const node = typedNode as unknown as ObjectRef<Types, object>;
  const edge = builder.objectRef<{ node: object; offset: number }>(`${name}Edge`).implement({
    description: `One ${name} of a ${name}Connection.`,
    fields: (t) => ({
      // Nullable, as Relay has it: one node that fails (a field of it that cannot be read) costs that
      // node, not the whole page.
      node: t.field({ type: node, nullable: true, resolve: (e) => e.node, description: `The ${name}.` }),
      cursor: t.string({ resolve: (e) => cursorOf(e.offset), description: 'Pass as `after` to continue after this one.' }),
    }),
  });
  return builder.objectRef<Page<object>>(`${name}Connection`).implement({
    description,
    fields: (t) => ({
      edges: t.field({ type: [edge], nullable: { list: false, items: true }, resolve: (p) => p.items.map((item, i) => ({ node: item, offset: p.offset + i })), description: 'The page, in order.' }),
      nodes: t.field({ type: [node], nullable: { list: false, items: true }, resolve: (p) => [...p.items], description: 'The page, without cursors.' }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (p) => p as Page<unknown>, description: 'Where the page stands.' }),
      totalCount: t.exposeInt('totalCount', { description: 'Items in the whole list.' }),
    }),
  });
}
