// The fast path: the request nearly every client sends again and again — a POST of a JSON body naming a
// query the gateway has already parsed, validated and compiled — answered straight from node:http,
// without building a fetch Request and Response around it and without yoga's plugin pipeline. That
// wrapping cost about as much CPU as executing the query (bench/README.md, "Where a request's CPU goes").
//
// It only ever answers what yoga would answer, byte for byte; anything else goes to yoga:
// - the request: POST to the endpoint, Content-Type application/json, an Accept it knows (below), a
//   Content-Length of at most FAST_PATH_MAX_BODY and MAX_REQUEST_BYTES, no Origin when CORS_ORIGINS
//   is set (yoga adds its CORS headers); a body of `query` and optionally `variables` (an object
//   within the nesting limit) and `operationName`, nothing else: APQ hashes, trusted-document ids and
//   extensions take yoga's path;
// - the operation: a document the operation limits kept as valid (lexing, parsing, validation, cost:
//   src/plugins/use-operation-limits.ts), whose operation is compiled (use-compiled-execution.ts: a
//   query, never `_entities`, introspection or `_service`, within the compile bound). A document is
//   compiled on its second use through yoga, so its first two uses always take the long way;
// - the caller: the same identity (src/caller/identify.ts) and the same context (src/context.ts), so the
//   same budget, limits and deadline; a caller who fails authentication goes to yoga for its 401;
// - the answer: only a result with no errors is written here. One with errors, or an exception, goes to
//   yoga with the request's context (and so its loaders, which keep what each read answered or failed
//   with): yoga runs it again and answers with its own codes and wording, and no upstream call is made twice.
// The access-log line and the metrics are the same function's (reportRequest), and compression the
// same one's (use-compression.ts). Off when tracing is on (spans are yoga's) and with
// PERSISTED_DOCUMENTS_ONLY (whether a text may run depends on the caller).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { YogaInitialContext } from 'graphql-yoga';
import type { CallerIdentity } from './caller/identify.js';
import { clientAddress } from './caller/identify.js';
import type { Context } from './context.js';
import { errorResponseBody } from './error-codes.js';
import type { Logger } from './logger.js';
import type { CallerSignal } from './upstream/client.js';
import type { CompiledOperations } from './plugins/use-compiled-execution.js';
import { executionEnded } from './schema/index.js';
import { compress, encodingFor } from './plugins/use-compression.js';
import type { DocumentCache } from './plugins/use-operation-limits.js';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from './plugins/use-request-limits.js';
import { reportRequest, type RequestObserver } from './plugins/use-request-observation.js';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastPathOptions {
  /** yoga's own listener, and the endpoint it serves. */
  yoga: { requestListener: (req: IncomingMessage, res: ServerResponse, serverContext?: object) => unknown };
  endpoint: string;
  documents: DocumentCache;
  compiled: CompiledOperations;
  contextOf: (initial: YogaInitialContext) => Promise<Context>;
  identity: CallerIdentity;
  logger: Logger;
  metrics: RequestObserver | undefined;
  maxBodyBytes: number;
  /** COMPRESSION: answers from this many bytes are compressed for clients that accept it. */
  compression: { minBytes: number } | undefined;
  /** CORS_ORIGINS is set: requests with an Origin take yoga's path, which adds the CORS headers. */
  cors: boolean;
}

/**
 * Bodies the fast path reads; a larger one goes to yoga unread. Application queries with their
 * variables are a few KB; a large body is a batch of representations or an oversized document.
 */
const FAST_PATH_MAX_BODY = 16 * 1024;

/**
 * The Accept headers the fast path answers, and the Content-Type yoga answers each with (its result
 * processor's pick: https://github.com/graphql-hive/graphql-yoga/blob/main/packages/graphql-yoga/src/plugins/result-processor/accept.ts).
 * Exact strings: what clients send (none, curl's, a JSON client's, Apollo Client's), each checked against
 * yoga's answer in test/integration/fast-path.test.ts; any other takes yoga's path.
 */
const CONTENT_TYPES = new Map<string | undefined, string>([
  [undefined, 'application/json; charset=utf-8'],
  ['*/*', 'application/json; charset=utf-8'],
  ['application/json', 'application/json; charset=utf-8'],
  ['application/graphql-response+json', 'application/graphql-response+json; charset=utf-8'],
  ['application/graphql-response+json,application/json;q=0.9', 'application/graphql-response+json; charset=utf-8'],
  ['application/graphql-response+json, application/json;q=0.9', 'application/graphql-response+json; charset=utf-8'],
]);

const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** The body of a request the fast path may run: these keys and nothing else (yoga refuses unknown ones). */
interface Params {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** What the fast path has learned about an operation it runs: its name for the access log, once. */
const names = new WeakMap<DocumentNode, Map<string, string | undefined>>();

export function createFastPath(options: FastPathOptions): Listener {
  const fastPath = new FastPath(options);
  return (req, res) => fastPath.serve(req, res);
}

class FastPath {
  readonly #options: FastPathOptions;
  readonly #maxBody: number;
  /** Operations that have been answered here, each told once in the debug log. */
  readonly #told = new WeakSet<object>();

  constructor(options: FastPathOptions) {
    this.#options = options;
    this.#maxBody = Math.min(FAST_PATH_MAX_BODY, options.maxBodyBytes);
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    const { headers } = req;
    const contentType = CONTENT_TYPES.get(headers.accept);
    const length = Number(headers['content-length']);
    if (
      req.method !== 'POST' ||
      req.url !== this.#options.endpoint ||
      contentType === undefined ||
      !JSON_TYPES.has(headers['content-type'] ?? '') ||
      !(length > 0 && length <= this.#maxBody) ||
      headers['transfer-encoding'] !== undefined ||
      headers['content-encoding'] !== undefined ||
      (this.#options.cors && headers.origin !== undefined)
    ) {
      return void this.#options.yoga.requestListener(req, res);
    }
    const started = performance.now();
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    req.once('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      this.#answer(req, res, body, started, contentType).catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'the fast path failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(errorResponseBody('INTERNAL_SERVER_ERROR', 'Unexpected error.'));
      });
    });
  }

  /** yoga's path, with the body already read (as frameworks that parse bodies hand it over) and the context if one was made. */
  #viaYoga(req: IncomingMessage, res: ServerResponse, body: Buffer, context?: Context): void {
    this.#options.metrics?.fastPathUsed('to_yoga');
    // whatwg-node reads a consumed request's `body` instead of its stream; a stream of one chunk, so that
    // it is taken as it is (a Buffer would have its every index enumerated first).
    (req as IncomingMessage & { body?: unknown }).body = Readable.from([body]);
    void this.#options.yoga.requestListener(req, res, context ? { fastPathContext: context } : {});
  }

  async #answer(req: IncomingMessage, res: ServerResponse, body: Buffer, started: number, contentType: string): Promise<void> {
    const { documents, compiled, identity, contextOf } = this.#options;
    const params = paramsOf(body);
    const document = params && documents.valid(params.query);
    const run = document && compiled.compiled(document, params.operationName);
    if (!run) return this.#viaYoga(req, res, body);
    const request = lightRequest(req, res);
    const initial = { request, params, req, res } as unknown as YogaInitialContext;
    if (identity.required && !(await identity.of(request, clientAddress(initial)).then(isCaller, notCaller))) return this.#viaYoga(req, res, body);
    const context = await contextOf(initial);
    const executeStarted = performance.now();
    let result: ExecutionResult;
    try {
      result = await run(undefined, context, params.variables ?? {});
    } catch {
      return this.#viaYoga(req, res, body, context);
    } finally {
      // Also before a hand-over to yoga: yoga runs the operation again on a context object of its own
      // (it copies this one), which the schema keys apart and which yoga's own hook ends.
      executionEnded(context);
    }
    if (result.errors?.length) return this.#viaYoga(req, res, body, context);
    const executeS = (performance.now() - executeStarted) / 1000;
    await this.#write(req, res, JSON.stringify(result), contentType);
    this.#options.metrics?.fastPathUsed('answered');
    const name = operationName(document, params.operationName);
    if (!this.#told.has(run)) {
      this.#told.add(run);
      this.#options.logger.debug({ operation: name ?? null }, 'operation served on the fast path');
    }
    reportRequest(this.#options.logger, this.#options.metrics, {
      method: 'POST',
      path: this.#options.endpoint,
      status: 200,
      durationS: (performance.now() - started) / 1000,
      operationName: name,
      operationType: 'query',
      executeS,
      errors: [],
      context,
    });
  }

  /** The answer with yoga's headers, compressed as use-compression.ts compresses it. */
  async #write(req: IncomingMessage, res: ServerResponse, text: string, contentType: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    const headers: Record<string, string> = { 'Content-Type': contentType, 'content-length': String(bytes) };
    let payload: string | Buffer = text;
    const { compression } = this.#options;
    const encoding = compression && encodingFor(bytes, compression.minBytes, req.headers['accept-encoding'] ?? null);
    if (encoding) headers.vary = 'accept-encoding';
    if (encoding && encoding !== 'identity') {
      payload = await compress(text, bytes, encoding);
      headers['content-encoding'] = encoding;
      headers['content-length'] = String(payload.length);
    }
    if (!res.writableEnded && !res.destroyed) res.writeHead(200, headers).end(payload);
  }
}

const isCaller = () => true;
const notCaller = () => false;

/** The body as fast-path params, or undefined when it is anything else (yoga then answers it). */
function paramsOf(body: Buffer): Params | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const params = parsed as Record<string, unknown>;
  for (const key in params) if (key !== 'query' && key !== 'variables' && key !== 'operationName') return undefined;
  const { query, variables, operationName } = params;
  if (typeof query !== 'string') return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables) || jsonDepthExceeds(variables, MAX_JSON_DEPTH))) {
    return undefined;
  }
  return params as unknown as Params;
}

/** The operation's name for the access log and metrics, as yoga's path reads it (getOperationAST), found once. */
function operationName(document: DocumentNode, name: string | null | undefined): string | undefined {
  let byName = names.get(document);
  if (!byName) names.set(document, (byName = new Map<string, string | undefined>()));
  const key = name ?? '';
  if (!byName.has(key)) byName.set(key, getOperationAST(document, name)?.name?.value);
  return byName.get(key);
}

/**
 * What the context and caller identity read of a request (its headers, and a signal for when the client
 * goes away), without a fetch Request. The signal is the least the session reads of one (CallerSignal,
 * src/upstream/client.ts) on the response's `close`, instead of an AbortController and its EventTarget.
 */
function lightRequest(req: IncomingMessage, res: ServerResponse): Request {
  const headers = {
    get: (name: string) => {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
  return { method: 'POST', url: `http://${req.headers.host}${req.url}`, headers, signal: new ResponseSignal(res) } as unknown as Request;
}

/**
 * A class, not an object literal with a getter: V8 gives each such literal an accessor pair of its own in
 * the old generation, and a dead one there keeps whatever its getter's closure holds (this response, its
 * request, their buffers) alive through every scavenge until the next full GC.
 */
class ResponseSignal implements CallerSignal {
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  get aborted(): boolean {
    return this.#res.destroyed && !this.#res.writableFinished;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    const res = this.#res;
    res.once('close', () => {
      if (!res.writableFinished) listener();
    });
  }
}
