// What each request did, seen once and reported twice: one access-log line at info, and the GraphQL
// request metrics (src/observability/metrics.ts). One plugin with four hooks, rather than an access-log
// plugin and @graphql-yoga/plugin-prometheus side by side: every hook yoga runs costs each request a
// few promises, and the two took ~10 % of a small request's CPU between them, most of it to learn the
// same things twice (the operation, its errors, the status and the time taken).
//
// The line says what was asked (operation name and type), how it went (HTTP status, duration, error
// codes, partner API calls) and who asked (the caller's subject and role). Never variables, tokens or
// bodies: the line is safe to ship anywhere.
import { getOperationAST, type DocumentNode, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { describeCaller } from '../caller/caller.js';
import type { Context } from '../context.js';
import type { ErrorCode } from '../error-codes.js';
import type { Logger } from '../logger.js';

/** What the metrics are told about one GraphQL request. */
export interface RequestObservation {
  method: string;
  status: number;
  /** From the request's arrival to its response, in seconds. */
  durationS: number;
  /** The operation's name (undefined: anonymous) and type; both undefined when no operation was found. */
  operationName: string | undefined;
  operationType: string | undefined;
  /** From execution's start to its result, in seconds; undefined when nothing was executed. */
  executeS: number | undefined;
  /** Each error's code, and the phase it arose in: `execute` once execution started, else before it. */
  errors: { phase: 'parse' | 'validate' | 'execute' | 'request'; code: string }[];
}

/** What became of a POST the fast path read (src/fast-path.ts): answered there, or handed to yoga with what it had. */
export type FastPathOutcome = 'answered' | 'to_yoga';

export interface RequestObserver {
  requestObserved(observation: RequestObservation): void;
  fastPathUsed(outcome: FastPathOutcome): void;
}

interface Entry {
  started: number;
  operation?: string | undefined;
  type?: string | undefined;
  context?: Context | undefined;
  executeStarted?: number;
  executeS?: number;
  errors: RequestObservation['errors'];
}

/** Errors listed per log line, and counted per request: enough to alert on, bounded whatever the response held. */
const MAX_ERRORS = 10;

export function useRequestObservation({ logger, metrics }: { logger: Logger; metrics?: RequestObserver | undefined }): Plugin {
  const entries = new WeakMap<Request, Entry>();
  return {
    onRequest({ request }) {
      entries.set(request, { started: performance.now(), errors: [] });
    },
    onExecute({ args }) {
      const context = args.contextValue as unknown as Context & { request?: Request };
      const entry = context.request && entries.get(context.request);
      if (!entry) return;
      const operation = getOperationAST(args.document as DocumentNode, args.operationName as string | null | undefined);
      entry.operation = operation?.name?.value;
      entry.type = operation?.operation;
      entry.context = context;
      entry.executeStarted = performance.now();
      return {
        onExecuteDone() {
          entry.executeS = (performance.now() - entry.executeStarted!) / 1000;
        },
      };
    },
    // When the response is made: every result passes here, those of requests refused by a thrown error
    // (caller authentication's 401) too, which onExecutionResult never sees.
    onResultProcess({ request, result }) {
      const entry = entries.get(request);
      if (!entry || !result || Symbol.asyncIterator in result || Array.isArray(result)) return;
      for (const error of (result.errors ?? []) as GraphQLError[]) {
        if (entry.errors.length >= MAX_ERRORS) break;
        const code = error.extensions?.code;
        entry.errors.push({ phase: phaseOf(entry, code), code: typeof code === 'string' ? code : 'unknown' });
      }
    },
    onResponse({ request, response }) {
      const entry = entries.get(request);
      if (!entry) return;
      // Dropped now rather than with the request: the entry holds the context, which holds the request,
      // and V8's young-generation collector keeps a WeakMap's values alive whatever their key's fate
      // (executionEnded, src/schema/builder.ts).
      entries.delete(request);
      reportRequest(logger, metrics, {
        method: request.method,
        path: pathOf(request.url),
        status: response.status,
        durationS: (performance.now() - entry.started) / 1000,
        operationName: entry.operation,
        operationType: entry.type,
        executeS: entry.executeS,
        errors: entry.errors,
        context: entry.context,
      });
    },
  };
}

/** One request as both reports see it: the metrics' observation, and what the access line adds. */
export interface RequestReport extends RequestObservation {
  path: string;
  /** The request's context, once it had one: names the caller and counts its upstream calls. */
  context: Context | undefined;
}

/** The access-log line and the metrics of one request: here, so that every path that answers reports alike (src/fast-path.ts). */
export function reportRequest(logger: Logger, metrics: RequestObserver | undefined, report: RequestReport): void {
  const { context, path, ...observation } = report;
  metrics?.requestObserved(observation);
  const { errors } = observation;
  const codes = errors.length ? [...new Set(errors.map((e) => e.code))] : undefined;
  // Names the caller as the request's own logger would; a request refused before it had one as such.
  logger.info(
    {
      ...(context ? describeCaller(context.caller) : { caller: observation.status === 401 ? 'unauthenticated' : 'unknown' }),
      method: observation.method,
      path,
      status: observation.status,
      ms: Math.round(observation.durationS * 10000) / 10,
      ...(observation.operationType ? { operation: observation.operationName ?? null, type: observation.operationType } : {}),
      ...(context ? { upstreamCalls: context.api.calls } : {}),
      ...(codes ? { errors: codes } : {}),
    },
    'request',
  );
}

/** Codes of requests refused before their document was read: a malformed request, or no caller identity (use-caller-auth.ts). */
const REQUEST_CODES = new Set<string>(['BAD_REQUEST', 'UNAUTHENTICATED', 'AUTHENTICATION_UNAVAILABLE'] satisfies ErrorCode[]);

/** Where an error arose: in execution once it started; before it, by what the code says. */
function phaseOf(entry: Entry, code: unknown): RequestObservation['errors'][number]['phase'] {
  if (entry.executeStarted !== undefined) return 'execute';
  if (code === ('GRAPHQL_PARSE_FAILED' satisfies ErrorCode)) return 'parse';
  return typeof code === 'string' && !REQUEST_CODES.has(code) ? 'validate' : 'request';
}

/** The path of an absolute URL, without parsing it into a URL object. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const end = url.indexOf('?', start);
  return end === -1 ? url.slice(start) : url.slice(start, end);
}
