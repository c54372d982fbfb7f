// Tells the schema when an execution yoga ran has ended (executionEnded, src/schema/builder.ts), so
// that what it kept for that execution is dropped at once rather than at the next full GC: a query's
// or a mutation's when its result is in, a subscription's when its stream ends (or at once, when it
// was refused before it had one). src/fast-path.ts and each live event (use-live-subscriptions.ts)
// call it themselves, since they execute without yoga's hooks.
import type { Plugin } from 'graphql-yoga';
import { executionEnded } from '../schema/index.js';

export function useExecutionEnd(): Plugin {
  return {
    onExecute({ args }) {
      return { onExecuteDone: () => executionEnded(args.contextValue) };
    },
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) return void executionEnded(args.contextValue);
          return { onEnd: () => executionEnded(args.contextValue) };
        },
      };
    },
  };
}
