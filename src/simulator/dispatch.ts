// How the simulator handles one request: it finds the route, counts and logs the request, applies the
// first fault that matches it (faults.ts), checks the bearer token, runs the route's handler and writes
// the reply. The admin routes (`/_simulator/...`) are counted, but never logged, faulted or tallied:
// they are how a test looks at the traffic, not part of it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Fault, FaultPlan } from './faults.js';
import type { Reply, Route } from './http.js';
import type { Traffic } from './traffic.js';

export interface DispatchOptions {
  /** Every route, in the order they are matched. */
  routes: Route[];
  traffic: Traffic;
  faults: FaultPlan;
  /** Whether an Authorization header carries a token the simulator accepts. */
  authorized(header: string | undefined): boolean;
}

const ADMIN = '/_simulator/';
const MAX_BODY = 1024 * 1024;

export class Dispatcher {
  readonly #options: DispatchOptions;
  /** Requests held by a delay or a hang: each entry lets them go (destroying the socket) on reset or close. */
  readonly #held = new Set<() => void>();

  constructor(options: DispatchOptions) {
    this.#options = options;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { routes, traffic, faults } = this.#options;
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    const name = route?.name ?? 'unmatched';
    traffic.arrived(name);
    const api = !name.includes(ADMIN);
    if (api) res.once('close', traffic.started());

    let body: unknown;
    try {
      body = parseBody(await readBody(req));
    } catch {
      return;
    }
    if (api) {
      const traceparent = req.headers.traceparent;
      traffic.log({ route: name, path: url.pathname, query: url.search, authorization: req.headers.authorization, traceparent: Array.isArray(traceparent) ? traceparent[0] : traceparent, body });
    }

    const fault = api ? faults.take(name, req.method ?? 'GET', url.pathname) : undefined;
    if (fault && (await this.#injected(fault, req, res))) return;
    const result = await this.#answer(route, url, req, body);
    if (api) traffic.answered(String(result.status));
    reply(res, result, fault?.headers);
  }

  /** Lets every held request go, destroying its socket: it belongs to a state that is gone. */
  releaseHeld(): void {
    for (const release of [...this.#held]) release();
  }

  /**
   * Does what a fault does before or instead of the answer. True when the fault took the request over
   * (it held it for good, cut the connection or answered itself); false when the real answer follows.
   */
  async #injected(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { traffic } = this.#options;
    if (fault.delayMs !== undefined && !(await this.#hold(req.socket, res, fault.delayMs))) return true;
    if (fault.hang) {
      traffic.answered('hang');
      await this.#hold(req.socket, res, undefined);
      return true;
    }
    if (fault.reset) {
      traffic.answered('reset');
      req.socket.resetAndDestroy();
      return true;
    }
    if (fault.drop) {
      traffic.answered('drop');
      req.socket.destroy();
      return true;
    }
    if (fault.rawBody !== undefined) {
      traffic.answered('200');
      res.writeHead(200, { 'content-type': 'application/json', ...fault.headers }).end(fault.rawBody);
      return true;
    }
    if (fault.status === undefined) return false;
    traffic.answered(String(fault.status));
    reply(res, { status: fault.status, body: fault.body }, fault.headers);
    return true;
  }

  /** The route's answer: 404 without a route, 401 without a token it accepts, 500 when its handler throws. */
  async #answer(route: Route | undefined, url: URL, req: IncomingMessage, body: unknown): Promise<Reply> {
    if (!route) return { status: 404, body: { detail: 'Not Found' } };
    if (route.auth && !this.#options.authorized(req.headers.authorization)) return { status: 401, body: { detail: 'Unauthorized' } };
    let params: string[];
    try {
      params = route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent);
    } catch {
      // A malformed percent-escape (`%E0%A4%A`): a path that names nothing, as a web server answers it.
      return { status: 404, body: { detail: 'Not Found' } };
    }
    try {
      return await route.handle({ params, query: url.searchParams, body, headers: req.headers });
    } catch {
      return { status: 500, body: { detail: 'Internal Server Error' } };
    }
  }

  /**
   * Holds a request for `ms` (for ever when undefined) without answering. True when the time is up;
   * false when the client went away first or `releaseHeld` let it go (destroying its socket). No timer
   * outlives the hold.
   */
  #hold(socket: Socket, res: ServerResponse, ms: number | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (elapsed: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#held.delete(release);
        res.off('close', gone);
        resolve(elapsed);
      };
      const release = () => {
        finish(false);
        socket.destroy();
      };
      const gone = () => finish(false);
      const timer = ms === undefined ? undefined : setTimeout(() => finish(!res.destroyed), ms);
      this.#held.add(release);
      res.once('close', gone);
    });
  }
}

/** A body as JSON, else as a form (the token endpoint takes either); undefined when empty. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.destroy();
        reject(new Error('body too large'));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, { status, body }: Reply, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
