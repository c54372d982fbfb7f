// Queries a client sends again and again run compiled (graphql-jit): the query is turned once into a
// JavaScript function that walks exactly its selection, instead of graphql-js interpreting the
// document on every request. https://github.com/zalando-incubator/graphql-jit
//
// What runs compiled, and what does not:
// - a document seen for the first time runs interpreted: compiling costs many executions' worth of
//   CPU, which a document used once (or a flood of distinct ones) would only pay for; its second use
//   compiles it and runs compiled, and so do the uses after it;
// - only queries: a mutation is rare and waits on upstream writes anyway, and is never run twice (below);
// - not `_entities`: graphql-jit resolves unions differently from graphql-js and fails where a union's
//   type is found by a resolver the schema was built with (an open issue,
//   https://github.com/zalando-incubator/graphql-jit/issues/90) — federation's `_Entity` is such a
//   union; nor introspection or `_service`, which tools send now and then;
// - an answer with errors is not used: graphql-jit words and locates errors its own way (variable
//   coercion messages, no `locations`), so the query runs again interpreted and that answer is sent.
//   Its reads come from the request's loaders, which keep failures too: no upstream call is made twice.
//   So every answer, compiled or not, is exactly graphql-js's (test/integration/compiled-execution.test.ts).
//
// What is compiled, and how much of it is kept, is bounded, since graphql-jit's output grows with the
// operation as executed, not as written: it generates code for every field after fragment expansion,
// once per concrete type of an abstract field. 40 aliases walking `owner { devices { ...F } }` through
// three levels of fragments are a 3.5 KB document and 34,000 compiled fields; compiling it blocked the
// event loop for seconds and took gigabytes. So:
// - an operation is compiled only when it has at most MAX_COMPILED_FIELDS expanded fields
//   (operation-cost.ts counts them); larger ones always run interpreted;
// - compiled operations are kept in a cache bounded in bytes (COMPILED_CACHE_BYTES, each weighed by its
//   fields); one that is evicted runs interpreted until it is used twice again.
// graphql-jit is loaded when the first operation is used a second time, not at start-up; until it has
// loaded, operations run interpreted.
import { OperationTypeNode, getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';
import { operationCost } from './operation-cost.js';
import { rootFields } from './root-fields.js';

type PromiseOrValue<T> = Promise<T> | T;
export type CompiledQuery = (root: unknown, context: unknown, variables: unknown) => PromiseOrValue<ExecutionResult>;
type Jit = typeof import('graphql-jit');

/** Root fields whose operations always run interpreted. */
const INTERPRETED_ROOT_FIELDS = new Set(['_entities', '_service', '__schema', '__type']);

/**
 * Expanded fields an operation may have to be compiled. Measured with graphql-jit 0.8 on this schema:
 * compiling costs ~30-40 us and ~3 KB of heap per field, so 500 fields take ~20 ms (the 50 ms a compile
 * may block the event loop, with room for a busy machine) and ~1.5 MB. The largest operation the gateway
 * ships (the demo's device tab) has 57.
 */
export const MAX_COMPILED_FIELDS = 500;
/** Heap the compiled operations kept may take, estimated per operation as below. */
const COMPILED_CACHE_BYTES = 16 * 1024 * 1024;
/** Measured as above: ~90-110 KB for a compiled operation of 20-60 fields, ~3 KB per field for large ones. */
const compiledBytes = (fields: number) => 64 * 1024 + 4 * 1024 * fields;

interface Compilable {
  name: string | null;
  fields: number;
}

/** Per document (and operation name): how often it ran, and its compiled form once there is one. */
interface Entry {
  uses: number;
  /** Compiled, and in the cache; null: runs interpreted for good. */
  compiled?: CompiledQuery | null;
}

/**
 * The operations compiled so far, and how often each document ran: shared by the plugin below (yoga's
 * path) and the fast path (src/fast-path.ts), which runs an operation only once it is compiled here.
 */
export class CompiledOperations {
  readonly #logger: Logger;
  readonly #entries = new WeakMap<DocumentNode, Map<string, Entry>>();
  // Keyed by entry, so that an eviction sends that operation back to counting its uses.
  readonly #kept = new LRUCache<Entry, CompiledQuery, number>({
    maxSize: COMPILED_CACHE_BYTES,
    dispose: (_compiled, entry) => {
      entry.compiled = undefined;
      entry.uses = 0;
    },
  });
  #jit: Jit | undefined;
  #loading: Promise<void> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  #entryOf(document: DocumentNode, operationName: string): Entry {
    let byName = this.#entries.get(document);
    if (!byName) this.#entries.set(document, (byName = new Map<string, Entry>()));
    let entry = byName.get(operationName);
    if (!entry) byName.set(operationName, (entry = { uses: 0 }));
    return entry;
  }

  /** The compiled form of an operation already compiled (and kept), counted as used; nothing is compiled here. */
  compiled(document: DocumentNode, operationName: string | null | undefined): CompiledQuery | undefined {
    const entry = this.#entries.get(document)?.get(operationName ?? '');
    if (!entry?.compiled) return undefined;
    this.#kept.get(entry); // most recently used
    return entry.compiled;
  }

  /** The compiled form for this execution, compiling it on its second use; undefined: run it interpreted. */
  forExecution(args: ExecutionArgs): CompiledQuery | undefined {
    const entry = this.#entryOf(args.document, args.operationName ?? '');
    if (entry.compiled === null || ++entry.uses < 2) return undefined;
    if (entry.compiled) {
      this.#kept.get(entry); // most recently used
      return entry.compiled;
    }
    const operation = compilable(args, this.#logger);
    if (operation === null) return void (entry.compiled = null);
    // Loaded on the first operation worth compiling; until then, interpreted.
    if (!this.#jit) return void (this.#loading ??= import('graphql-jit').then((loaded) => void (this.#jit = loaded)));
    entry.compiled = compile(args, operation, this.#jit, (compiled) => this.#kept.set(entry, compiled, { size: compiledBytes(operation.fields) }), this.#logger);
    return entry.compiled ?? undefined;
  }
}

export function useCompiledExecution(operations: CompiledOperations): Plugin {
  return {
    onExecute({ args: executionArgs, executeFn, setExecuteFn }) {
      const compiled = operations.forExecution(executionArgs);
      if (!compiled) return;
      const interpreted = executeFn as (args: ExecutionArgs) => PromiseOrValue<ExecutionResult>;
      setExecuteFn((run: ExecutionArgs) => {
        const result = compiled(run.rootValue, run.contextValue, run.variableValues ?? {});
        const answer = (settled: ExecutionResult) => (settled.errors?.length ? interpreted(run) : settled);
        return result instanceof Promise ? result.then(answer) : answer(result);
      });
    },
  };
}

/** The operation's name and expanded fields when it may be compiled; null when it runs interpreted for good. */
function compilable(args: ExecutionArgs, logger: Logger): Compilable | null {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== OperationTypeNode.QUERY || rootFields(args.document, operation).some((f) => INTERPRETED_ROOT_FIELDS.has(f.name.value))) {
    return null;
  }
  const name = operation.name?.value.slice(0, 64) ?? null;
  const { fields } = operationCost(args.schema, args.document, operation);
  if (fields <= MAX_COMPILED_FIELDS) return { name, fields };
  logger.debug({ operation: name, fields }, 'operation runs interpreted: too large to compile');
  return null;
}

/** Compiles the operation and keeps it; null when graphql-jit cannot. */
function compile(args: ExecutionArgs, { name, fields }: Compilable, { compileQuery, isCompiledQuery }: Jit, keep: (compiled: CompiledQuery) => void, logger: Logger): CompiledQuery | null {
  const started = performance.now();
  let reason: string;
  try {
    const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
    if (isCompiledQuery(result)) {
      const compiled = result.query as CompiledQuery;
      keep(compiled);
      logger.debug({ operation: name, fields, ms: Math.round(performance.now() - started) }, 'operation compiled');
      return compiled;
    }
    reason = result.errors?.[0]?.message ?? 'unknown';
  } catch (error) {
    reason = error instanceof Error ? error.message : 'unknown';
  }
  logger.info({ operation: name, reason: reason.slice(0, 200) }, 'operation runs interpreted: graphql-jit cannot compile it');
  return null;
}
