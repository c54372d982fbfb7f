// The embedded simulator: a real HTTP server that behaves like the partner API for the endpoints the
// gateway uses. It is the demo's upstream and the tests' upstream. It counts requests per route, can
// inject faults (status, delay, dropped connection, broken body) and can revoke the tokens it issued,
// so tests and benchmarks can drive every path of the gateway over real sockets.
//
// Each resource's endpoints live in their own file (wallboxes.ts, oauth.ts, ...) and work on the
// shared state in store.ts; this file is the HTTP plumbing around them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSeed, type Json, type Seed } from './seed.js';
import { API, templatePattern, type Reply, type Route } from './http.js';
import { isReply, Store, type StoredWallbox } from './store.js';
import { tokenRoute, type SimulatorClient } from './oauth.js';
import { plugIn, renderWallbox, unplug, wallboxRoutes } from './wallboxes.js';
import { claimTokenRoutes, pairWallbox, type PairedDevice } from './claim-tokens.js';
import { cueRoutes } from './cues.js';
import { userRoutes } from './users.js';

export type { PairedDevice, SimulatorClient };

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Lifetime of issued access tokens, in seconds (upstream: "typically 36000"). */
  tokenExpiresInS?: number;
  /** OAuth2 clients accepted by `POST /oauth2/token/`. */
  clients?: SimulatorClient[];
  /** Bearer tokens accepted without a token request (the demo uses one). */
  staticTokens?: string[];
  /** Lifetime of wallbox claim tokens, in seconds. */
  claimTokenTtlS?: number;
  /** The clock (ms since epoch) behind everything that expires or is stamped, so tests can move time. */
  now?: () => number;
  seed?: Seed;
  /**
   * Benchmarks only: the record the wallbox detail GET answers for a wallbox id the simulator does not
   * hold (undefined: 404 as usual). Lets a load test name a fresh wallbox in every request without
   * seeding hundreds of thousands of them. Such wallboxes are read-only: every other route 404s.
   */
  synthesizeWallbox?: (key: { orgId: string; userId: string; wallboxId: string }) => Json | undefined;
}

export const DEMO_CLIENT: SimulatorClient = { clientId: 'demo-client', clientSecret: 'demo-secret' };
export const DEMO_TOKEN = 'demo-token';

/** A fault applied to requests of one route (or any route) before the simulator handles them. */
export interface Fault {
  /** Route name as counted (e.g. "GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}"); all routes when absent. */
  route?: string;
  /** Only requests whose path contains this text (e.g. one wallbox id). */
  pathIncludes?: string;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
  /** Wait this long before answering (or before applying the rest of the fault). */
  delayMs?: number;
  /** Answer with this status and `body` instead of the real answer. */
  status?: number;
  body?: unknown;
  /** Answer 200 with this raw text (e.g. broken JSON). */
  rawBody?: string;
  /** Destroy the connection without answering. */
  drop?: boolean;
}

/** One request as the simulator received it (kept for tests; the last 1000). */
export interface ReceivedRequest {
  route: string;
  path: string;
  query: string;
  authorization: string | undefined;
  body: unknown;
}

const MAX_LOGGED_REQUESTS = 1000;
const WALLBOX_GET = 'GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}';

/** A test hook refused, with the status and body its admin route answers. */
export class SimulatorHookError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`The simulator refused (${status}): ${JSON.stringify(body)}`);
    this.name = 'SimulatorHookError';
  }
}

export class Simulator {
  readonly #server: Server;
  readonly #options: Required<Omit<SimulatorOptions, 'seed' | 'port' | 'host' | 'synthesizeWallbox'>>;
  readonly #store: Store;
  readonly #counts = new Map<string, number>();
  readonly #sockets = new Set<Socket>();
  #faults: Fault[] = [];
  #inFlight = 0;
  #generation = 0;
  #maxInFlight = 0;
  #received: ReceivedRequest[] = [];
  readonly #routes: Route[];
  #url: URL | undefined;

  constructor(options: SimulatorOptions = {}) {
    this.#options = {
      tokenExpiresInS: options.tokenExpiresInS ?? 36_000,
      clients: options.clients ?? [DEMO_CLIENT],
      staticTokens: options.staticTokens ?? [DEMO_TOKEN],
      claimTokenTtlS: options.claimTokenTtlS ?? 600,
      now: options.now ?? Date.now,
    };
    this.#store = new Store(options.seed ?? createSeed(), this.#options.now);
    this.#routes = this.#defineRoutes(options.synthesizeWallbox);
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    const { port: bound } = this.#server.address() as AddressInfo;
    this.#url = new URL(`http://${host}:${bound}`);
    return this;
  }

  /** The server's origin, e.g. http://127.0.0.1:43121 */
  get url(): URL {
    if (!this.#url) throw new Error('The simulator is not listening yet');
    return this.#url;
  }

  /** The API base the gateway is configured with (PODERO_API_URL). */
  get apiUrl(): URL {
    return new URL(API, this.url);
  }

  get tokenUrl(): URL {
    return new URL('/oauth2/token/', this.url);
  }

  get seed(): Seed {
    return this.#store.seed;
  }

  /** Requests received per route name since the last reset. Unmatched paths count as "unmatched". */
  count(route: string): number {
    return this.#counts.get(route) ?? 0;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Sum of all requests received (all routes). */
  totalRequests(): number {
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  /** Most API requests (admin routes aside) that were being handled at the same time since the last reset. */
  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  /** Access tokens issued so far, for tests that prove no token leaks into responses or logs. */
  issuedTokens(): string[] {
    return [...this.#store.issued];
  }

  /** Requests received since the last reset (admin routes aside), oldest first, optionally of one route. */
  received(route?: string): ReceivedRequest[] {
    return route === undefined ? [...this.#received] : this.#received.filter((r) => r.route === route);
  }

  resetCounts(): void {
    this.#counts.clear();
    this.#maxInFlight = 0;
    this.#received = [];
  }

  injectFault(fault: Fault): void {
    this.#faults.push({ ...fault });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  /** Invalidates every token issued so far (as if upstream rotated its keys): the next call is a 401. */
  revokeTokens(): void {
    this.#store.tokens.clear();
  }

  /** Back to the seed: data, counters, faults and issued tokens. */
  reset(): void {
    this.#store.reset();
    this.resetCounts();
    this.#faults = [];
    // Requests still held by a delay fault belong to the old state: they are dropped, not handled.
    this.#generation++;
  }

  /** The upstream JSON of a wallbox as the detail GET answers it (the simulator must be listening). */
  wallboxRecord(id: string): Json | undefined {
    const stored = this.#store.wallboxes.get(id.toLowerCase());
    return stored && renderWallbox(this.#store, stored, this.apiUrl.href);
  }

  /**
   * A car is plugged into the wallbox: a boost armed for the next session fires. Returns the wallbox as
   * the detail GET answers it; throws a SimulatorHookError (404) for an unknown or deleted wallbox.
   */
  plugIn(wallboxId: string): Json {
    return this.#rendered(plugIn(this.#store, wallboxId));
  }

  /** The car is unplugged: charging and a live boost stop; an armed boost stays armed. */
  unplug(wallboxId: string): Json {
    return this.#rendered(unplug(this.#store, wallboxId));
  }

  /**
   * A charger connects with a claim token and becomes the token's user's new wallbox, returned as the
   * detail GET answers it. Throws a SimulatorHookError: 404 unknown token, 409 used, 410 expired.
   */
  pairWallbox(token: string, device: PairedDevice = {}): Json {
    return this.#rendered(pairWallbox(this.#store, token, device));
  }

  #rendered(result: StoredWallbox | Reply): Json {
    if (isReply(result)) throw new SimulatorHookError(result.status, result.body);
    return renderWallbox(this.#store, result, this.apiUrl.href);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #defineRoutes(synthesizeWallbox: SimulatorOptions['synthesizeWallbox']): Route[] {
    const admin = (method: string, path: string, handle: Route['handle']): Route => ({
      method,
      name: `${method} ${path}`,
      pattern: templatePattern(path),
      auth: false,
      handle,
    });
    const hook = (run: () => Json, status = 200): Reply => {
      try {
        return { status, body: run() };
      } catch (error) {
        if (error instanceof SimulatorHookError) return { status: error.status, body: error.body };
        throw error;
      }
    };
    return [
      tokenRoute(this.#store, this.#options.clients, () => this.#options.tokenExpiresInS),
      ...wallboxRoutes(this.#store, () => this.apiUrl.href).map((route) =>
        synthesizeWallbox && route.name === WALLBOX_GET ? this.#orSynthesized(route, synthesizeWallbox) : route,
      ),
      ...claimTokenRoutes(this.#store, () => this.#options.claimTokenTtlS),
      ...cueRoutes(this.#store),
      ...userRoutes(this.#store),
      // Admin routes, for driving a standalone simulator (`npm run simulator`) from another process.
      admin('GET', '/_simulator/counts', () => ({ status: 200, body: this.counts() })),
      admin('POST', '/_simulator/reset', () => (this.reset(), { status: 204 })),
      admin('DELETE', '/_simulator/faults', () => (this.clearFaults(), { status: 204 })),
      admin('POST', '/_simulator/faults', ({ body }) => (this.injectFault(body as Fault), { status: 204 })),
      admin('POST', '/_simulator/wallboxes/{wallbox_id}/plug-in', ({ params: [id] }) => hook(() => this.plugIn(id!))),
      admin('POST', '/_simulator/wallboxes/{wallbox_id}/unplug', ({ params: [id] }) => hook(() => this.unplug(id!))),
      admin('POST', '/_simulator/claim-tokens/{token}/pair', ({ params: [token], body }) =>
        hook(() => this.pairWallbox(token!, pairedDevice(body)), 201),
      ),
    ];
  }

  /** The wallbox GET, answering a synthesized record where it would 404 for an id it does not hold. */
  #orSynthesized(route: Route, synthesize: NonNullable<SimulatorOptions['synthesizeWallbox']>): Route {
    return {
      ...route,
      handle: async (ctx) => {
        const reply = await route.handle(ctx);
        const [orgId, userId, wallboxId] = ctx.params as [string, string, string];
        if (reply.status !== 404 || this.#store.wallboxes.has(wallboxId.toLowerCase())) return reply;
        const record = synthesize({ orgId, userId, wallboxId });
        return record ? { status: 200, body: record } : reply;
      },
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = this.#routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    const name = route?.name ?? 'unmatched';
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
    const admin = name.includes('/_simulator/');
    if (!admin) {
      this.#maxInFlight = Math.max(this.#maxInFlight, ++this.#inFlight);
      res.once('close', () => this.#inFlight--);
    }

    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return;
    }
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = Object.fromEntries(new URLSearchParams(text));
      }
    }
    if (!admin) {
      this.#received.push({ route: name, path: url.pathname, query: url.search, authorization: req.headers.authorization, body });
      if (this.#received.length > MAX_LOGGED_REQUESTS) this.#received.shift();
    }

    const fault = this.#takeFault(name, url.pathname);
    if (fault?.delayMs) {
      const generation = this.#generation;
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (res.destroyed) return;
      if (generation !== this.#generation) {
        req.socket.destroy();
        return;
      }
    }
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    if (fault?.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(fault.rawBody);
      return;
    }
    if (fault?.status !== undefined) {
      reply(res, { status: fault.status, body: fault.body });
      return;
    }

    if (!route) {
      reply(res, { status: 404, body: { detail: 'Not Found' } });
      return;
    }
    if (route.auth && !this.#authorized(req.headers.authorization)) {
      reply(res, { status: 401, body: { detail: 'Unauthorized' } });
      return;
    }
    const params = route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent);
    try {
      reply(res, await route.handle({ params, query: url.searchParams, body, headers: req.headers }));
    } catch {
      reply(res, { status: 500, body: { detail: 'Internal Server Error' } });
    }
  }

  #takeFault(route: string, path: string): Fault | undefined {
    const index = this.#faults.findIndex(
      (f) => (f.route === undefined || f.route === route) && (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    if (index === -1) return undefined;
    const fault = this.#faults[index]!;
    if (fault.times !== undefined && --fault.times <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  #authorized(header: string | undefined): boolean {
    const match = /^Bearer (\S+)$/.exec(header ?? '');
    if (!match) return false;
    const token = match[1]!;
    if (this.#options.staticTokens.includes(token)) return true;
    const expiresAt = this.#store.tokens.get(token);
    return expiresAt !== undefined && this.#store.now() < expiresAt;
  }
}

/** The optional `{manufacturer, model}` body of the pair admin route; anything else is ignored. */
function pairedDevice(body: unknown): PairedDevice {
  const { manufacturer, model } = (body ?? {}) as Record<string, unknown>;
  return {
    ...(typeof manufacturer === 'string' && { manufacturer }),
    ...(typeof model === 'string' && { model }),
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return new Simulator(options).listen(options.port, options.host);
}

function reply(res: ServerResponse, { status, body }: Reply): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const MAX_BODY = 1024 * 1024;

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
