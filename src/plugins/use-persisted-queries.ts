// Persisted documents, in one place: operations that travel by id instead of in full. Two kinds:
//
// - Trusted documents (PERSISTED_DOCUMENTS): a manifest the clients' build writes, listing the
//   operations they ship. Apollo's persisted query manifest
//   (https://www.apollographql.com/docs/graphos/platform/security/persisted-queries, what
//   @apollo/generate-persisted-query-manifest writes), or an id → document object as GraphQL Hive's
//   app deployments (https://the-guild.dev/graphql/hive/docs/features/app-deployments) and Relay's
//   persisted queries (https://relay.dev/docs/guides/persisted-queries/) keep them. A listed id runs its
//   document, sent as Apollo Client's PersistedQueryLink sends it (`extensions.persistedQuery.sha256Hash`)
//   or as GraphQL over HTTP's persisted operations proposal and Hive's clients do (`documentId`,
//   https://github.com/graphql/graphql-over-http/blob/main/rfcs/PersistedOperations.md).
// - Automatic persisted queries (APQ, as Apollo Client's persisted-queries link speaks it): after the
//   first use of an operation only its SHA-256 hash travels. An unknown hash is answered with
//   PersistedQueryNotFound (code PERSISTED_QUERY_NOT_FOUND) and the client resends the query once.
//
// With PERSISTED_DOCUMENTS_ONLY the manifest is an allow-list: an app in end users' hands can be
// rewritten to send anything, so "only what the app ships" has to be the gateway's rule. A request runs
// when it names a listed id (a document sent with it must be that one) or, with no id, sends a listed
// document verbatim; anything else is refused with PERSISTED_QUERY_NOT_IN_LIST in onParams, before the
// document is lexed or parsed, and without touching the APQ store, so no client can register a document
// of its own. PERSISTED_DOCUMENTS_STAFF_EXEMPT lets staff tokens (src/caller/caller.ts) send any document.
import { readFile } from 'node:fs/promises';
import { createInMemoryAPQStore, useAPQ, type APQStore } from '@graphql-yoga/plugin-apq';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { z } from 'zod';
import { ConfigError, type PersistedDocumentsConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { clientAddress, type CallerIdentity } from '../caller/identify.js';
import type { Caller } from '../caller/caller.js';
import { AuthenticationError } from '../caller/token.js';
import { refusal } from '../graphql-errors.js';

/** The manifest as read at start-up, and what it is for. */
export interface TrustedDocuments {
  /** Document by id. */
  byId: ReadonlyMap<string, string>;
  /** The listed documents, for those sent in full. */
  bodies: ReadonlySet<string>;
  /** PERSISTED_DOCUMENTS_ONLY: nothing else runs. */
  only: boolean;
  /** PERSISTED_DOCUMENTS_STAFF_EXEMPT: staff callers may send any document, as if `only` were off. */
  staffExempt: boolean;
}

export interface PersistedQueriesOptions {
  /** Documents kept (least recently used go first). */
  maxEntries?: number;
  /** How long a document is kept, in milliseconds. */
  ttlMs?: number;
  /** Longer documents run, but are not kept: the store's memory stays bounded by maxEntries × this. */
  maxDocumentLength?: number;
  /** Puts the documents where replicas share them (src/redis/stores.ts), this process's store as its fallback. */
  share?: ((local: APQStore, options: { ttlMs: number; maxDocumentLength: number }) => APQStore) | undefined;
  /** PERSISTED_DOCUMENTS, read by readTrustedDocuments; absent: APQ alone. */
  trusted?: TrustedDocuments | undefined;
  /** Who is calling: staff may be exempt, and a caller caller-auth refused gets nothing from here. */
  identity?: CallerIdentity | undefined;
}

type OnParams = NonNullable<Plugin['onParams']>;

export function usePersistedQueries({ maxEntries = 1000, ttlMs = 24 * 3600_000, maxDocumentLength = 16 * 1024, share, trusted, identity }: PersistedQueriesOptions = {}): Plugin {
  // The plugin's default store keeps documents for 36 s (its ttl is in milliseconds), so clients would
  // re-send most queries in full; and it would keep documents of any size.
  const store = createInMemoryAPQStore({ max: maxEntries, ttl: ttlMs });
  const bounded: APQStore = {
    get: (hash) => store.get(hash),
    set(hash, document): void {
      if (document.length <= maxDocumentLength) void store.set(hash, document);
    },
  };
  const apq = useAPQ({ store: share ? share(bounded, { ttlMs, maxDocumentLength }) : bounded }).onParams!;
  return {
    async onParams(payload) {
      const { params, request } = payload;
      const id = idOf(params, request);
      const listed = id === undefined ? undefined : trusted?.byId.get(id);
      if (listed !== undefined) return runListed(payload, listed);
      // An ordinary request, with its document and no id: nothing persisted about it.
      if (id === undefined && !trusted?.only) return;
      // A caller use-caller-auth refused is answered 401 there; nothing here may tell them more (such as
      // whether a hash is in the APQ store). Its one exception, AUTH_PUBLIC_SERVICE_SDL's `_service { sdl }`
      // for composition tools, runs as that setting says, allow-list or not.
      const caller = identity?.required ? await callerOf(identity, payload) : ORGANIZATION;
      if (caller === undefined) return;
      if (trusted?.only && !(trusted.staffExempt && caller.kind === 'staff')) {
        if (id === undefined && typeof params.query === 'string' && trusted.bodies.has(params.query)) return;
        throw notInList(`Only the operations in the gateway's persisted documents run here: this ${id === undefined ? 'document' : 'id'} is not one of them`);
      }
      // `documentId` names a trusted document only; APQ hashes are the extension's.
      if (id !== undefined && params.extensions?.persistedQuery === undefined) throw notInList('No persisted document has this documentId');
      return apq(payload);
    },
  };
}

/** A listed id: its document runs; a different document sent with it is refused, as APQ refuses a wrong hash. */
function runListed({ params, setParams }: Parameters<OnParams>[0], listed: string): void {
  if (params.query != null && params.query !== listed) {
    throw refusal('PERSISTED_QUERY_MISMATCH', 'The document sent is not the one its persisted id names');
  }
  const { documentId: _, ...rest } = params as GraphQLParams & { documentId?: unknown };
  setParams({ ...rest, query: listed });
}

/** The id a request names: the APQ extension's hash, or `documentId` (in the body, or a GET's URL). */
function idOf(params: GraphQLParams, request: Request): string | undefined {
  const persisted = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  if (persisted?.version === 1 && typeof persisted.sha256Hash === 'string') return persisted.sha256Hash;
  // yoga's GET parser reads only the four standard parameters.
  const inUrl = request.method === 'GET' && request.url.includes('documentId=');
  const documentId = (params as { documentId?: unknown }).documentId ?? (inUrl ? new URL(request.url).searchParams.get('documentId') : undefined);
  return typeof documentId === 'string' && documentId !== '' ? documentId : undefined;
}

/** Without caller authentication everyone acts as the organization, and no one is staff. */
const ORGANIZATION: Caller = { kind: 'organization', address: undefined };

async function callerOf(identity: CallerIdentity, { request, context }: Parameters<OnParams>[0]): Promise<Caller | undefined> {
  try {
    return await identity.of(request, clientAddress(context));
  } catch (error) {
    if (error instanceof AuthenticationError) return undefined;
    throw error;
  }
}

function notInList(message: string) {
  return refusal('PERSISTED_QUERY_NOT_IN_LIST', message);
}

// ---- the manifest --------------------------------------------------------------------------------

const text = z.string().min(1, 'a non-empty string');
const ApolloManifest = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: text, body: text })).min(1, 'at least one operation'),
});
const DocumentMap = z.record(text, text).refine((map) => Object.keys(map).length > 0, 'at least one document');

const EXPECTED =
  "expected Apollo's persisted query manifest ({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id, body }] }) " +
  'or a JSON object of id → document (Hive, Relay)';

/** PERSISTED_DOCUMENTS, read at start-up: a file that cannot be read or is not a manifest stops it, naming the variable. */
export async function readTrustedDocuments({ file, only, staffExempt }: PersistedDocumentsConfig, logger: Logger): Promise<TrustedDocuments> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? `is not JSON (${error.message})` : `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    throw invalid(`${file} ${why}`);
  }
  const byId = documentsById(json, file);
  logger.info({ file, operations: byId.size, only, staffExempt }, 'persisted documents loaded');
  return { byId, bodies: new Set(byId.values()), only, staffExempt };
}

function documentsById(json: unknown, file: string): Map<string, string> {
  // Apollo's manifest says what it is; anything else must be the plain map.
  const entries = typeof json === 'object' && json !== null && 'format' in json ? apolloEntries(json, file) : mapEntries(json, file);
  const byId = new Map<string, string>();
  for (const [id, body] of entries) {
    // The same id twice is fine for the same document; for two, which one runs would be a guess.
    if (byId.has(id) && byId.get(id) !== body) throw invalid(`${file} lists id ${id} for two different documents`);
    byId.set(id, body);
  }
  return byId;
}

function apolloEntries(json: unknown, file: string): [string, string][] {
  const parsed = ApolloManifest.safeParse(json);
  if (!parsed.success) throw unexpected(parsed.error, file);
  return parsed.data.operations.map((o) => [o.id, o.body]);
}

function mapEntries(json: unknown, file: string): [string, string][] {
  const parsed = DocumentMap.safeParse(json);
  if (!parsed.success) throw unexpected(parsed.error, file);
  return Object.entries(parsed.data);
}

function unexpected(error: z.ZodError, file: string): ConfigError {
  const issue = error.issues[0]!;
  return invalid(`${EXPECTED}; in ${file}, ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
}

function invalid(problem: string): ConfigError {
  return new ConfigError(`Invalid configuration:\n  PERSISTED_DOCUMENTS: ${problem}`);
}
