// One access-log line per request, at info: what was asked (operation name and type), how it went
// (HTTP status, duration, error codes, partner API calls) and who asked (the caller's subject and role,
// from the request's logger). Never variables, tokens or bodies: the line is safe to ship anywhere.
import { getOperationAST, type DocumentNode, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';
import { describeCaller } from '../caller/caller.js';

interface Entry {
  started: number;
  operation?: string | undefined;
  type?: string | undefined;
  context?: Context | undefined;
  codes: Set<string>;
}

/** Distinct error codes listed per line: enough to alert on, bounded whatever the response held. */
const MAX_CODES = 10;

export function useAccessLog(logger: Logger): Plugin {
  const entries = new WeakMap<Request, Entry>();
  return {
    onRequest({ request }) {
      entries.set(request, { started: performance.now(), codes: new Set() });
    },
    onExecute({ args }) {
      const context = args.contextValue as unknown as Context & { request?: Request };
      const entry = context.request && entries.get(context.request);
      if (!entry) return;
      const operation = getOperationAST(args.document as DocumentNode, args.operationName as string | null | undefined);
      entry.operation = operation?.name?.value;
      entry.type = operation?.operation;
      entry.context = context;
    },
    onExecutionResult({ request, result }) {
      const entry = entries.get(request);
      if (!entry || !result || Symbol.asyncIterator in result) return;
      for (const error of (result.errors ?? []) as GraphQLError[]) {
        if (entry.codes.size >= MAX_CODES) break;
        const code = error.extensions?.code;
        entry.codes.add(typeof code === 'string' ? code : 'unknown');
      }
    },
    onResponse({ request, response }) {
      const entry = entries.get(request);
      if (!entry) return;
      const line = {
        ...(entry.context ? describeCaller(entry.context.caller) : { caller: response.status === 401 ? 'unauthenticated' : 'unknown' }),
        method: request.method,
        path: pathOf(request.url),
        status: response.status,
        ms: Math.round((performance.now() - entry.started) * 10) / 10,
        ...(entry.type ? { operation: entry.operation ?? null, type: entry.type } : {}),
        ...(entry.context ? { upstreamCalls: entry.context.api.calls } : {}),
        ...(entry.codes.size ? { errors: [...entry.codes] } : {}),
      };
      // Named as the request's own logger names the caller; a request refused before it had one is logged as such.
      logger.info(line, 'request');
    },
  };
}

/** The path of an absolute URL, without parsing it into a URL object. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const end = url.indexOf('?', start);
  return end === -1 ? url.slice(start) : url.slice(start, end);
}
