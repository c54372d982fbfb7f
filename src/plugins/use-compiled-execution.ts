// Queries a client sends again and again run compiled (graphql-jit): the query is turned once into a
// JavaScript function that walks exactly its selection, instead of graphql-js interpreting the
// document on every request. https://github.com/zalando-incubator/graphql-jit
//
// What runs compiled, and what does not:
// - a document seen for the first time runs interpreted: compiling costs many executions' worth of
//   CPU, which a document used once (or a flood of distinct ones) would only pay for; its second use
//   compiles it, in the background, and uses after that run compiled;
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
// A compiled query is kept as long as its parsed document is (use-operation-limits.ts caches those,
// bounded in bytes), so compiled functions are bounded by the same budget. graphql-jit is loaded on the
// first compilation, not at start-up.
import { OperationTypeNode, getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { rootFields } from './root-fields.js';

type PromiseOrValue<T> = Promise<T> | T;
type CompiledQuery = (root: unknown, context: unknown, variables: unknown) => PromiseOrValue<ExecutionResult>;

/** Root fields whose operations always run interpreted. */
const INTERPRETED_ROOT_FIELDS = new Set(['_entities', '_service', '__schema', '__type']);

/** Per document (and operation name): how often it ran, and its compiled form once there is one. */
interface Entry {
  uses: number;
  compiled?: Promise<CompiledQuery | undefined>;
  ready?: CompiledQuery | null;
}

export function useCompiledExecution(logger: Logger): Plugin {
  const entries = new WeakMap<DocumentNode, Map<string, Entry>>();

  const entryOf = (document: DocumentNode, operationName: string): Entry => {
    let byName = entries.get(document);
    if (!byName) entries.set(document, (byName = new Map<string, Entry>()));
    let entry = byName.get(operationName);
    if (!entry) byName.set(operationName, (entry = { uses: 0 }));
    return entry;
  };

  return {
    onExecute({ args: executionArgs, executeFn, setExecuteFn }) {
      const args = executionArgs as ExecutionArgs;
      const entry = entryOf(args.document, args.operationName ?? '');
      entry.uses++;
      if (entry.ready) {
        const compiled = entry.ready;
        const interpreted = executeFn as (args: ExecutionArgs) => PromiseOrValue<ExecutionResult>;
        setExecuteFn((run: ExecutionArgs) => {
          const result = compiled(run.rootValue, run.contextValue, run.variableValues ?? {});
          const answer = (settled: ExecutionResult) => (settled.errors?.length ? interpreted(run) : settled);
          return result instanceof Promise ? result.then(answer) : answer(result);
        });
        return;
      }
      // Compiled in the background from the second use on; until it is ready, interpreted.
      if (entry.uses < 2 || entry.compiled || entry.ready === null) return;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== OperationTypeNode.QUERY || rootFields(args.document, operation).some((f) => INTERPRETED_ROOT_FIELDS.has(f.name.value))) {
        entry.ready = null;
        return;
      }
      const name = operation.name?.value ?? null;
      entry.compiled = compile(args).then(({ compiled, reason }) => {
        entry.ready = compiled ?? null;
        if (compiled) logger.debug({ operation: name }, 'operation compiled');
        else logger.info({ operation: name, reason }, 'operation runs interpreted: graphql-jit cannot compile it');
        return compiled;
      });
    },
  };
}

async function compile(args: ExecutionArgs): Promise<{ compiled?: CompiledQuery; reason?: string }> {
  try {
    const { compileQuery, isCompiledQuery } = await import('graphql-jit');
    const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
    if (isCompiledQuery(result)) return { compiled: result.query as CompiledQuery };
    return { reason: result.errors?.[0]?.message.slice(0, 200) ?? 'unknown' };
  } catch (error) {
    return { reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown' };
  }
}
