// The embedded simulator: a real HTTP server that behaves like the partner API for the endpoints the
// gateway uses. It is the demo's upstream and the tests' upstream. It counts requests per route, can
// inject faults (faults.ts: status, delay, hang, dropped or reset connection, broken body) and can revoke
// the tokens it issued, so tests and benchmarks can drive every path of the gateway over real sockets.
//
// Each resource's endpoints live in their own file (wallboxes.ts, heat-pumps.ts, buildings.ts, oauth.ts,
// ...) and work on the shared state in store.ts; this file is the HTTP plumbing around them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSeed, type Json, type Seed } from './seed.js';
import { API, templatePattern, unprocessable, type Reply, type Route } from './http.js';
import { isReply, Store, type DeviceKind, type StoredDevice } from './store.js';
import { tokenRoute, type SimulatorClient } from './oauth.js';
import { deviceById, devicePath, renderDevice, type DeviceKindSpec } from './devices.js';
import { plugIn, unplug, type Charger, type PlugInOptions } from './charging.js';
import { WALLBOX, WALLBOX_CHARGER, wallboxRoutes } from './wallboxes.js';
import { heatPumpRoutes } from './heat-pumps.js';
import { ELECTRIC_VEHICLE, EV_CHARGER, electricVehicleRoutes } from './electric-vehicles.js';
import { inverterRoutes } from './inverters.js';
import { buildingRoutes } from './buildings.js';
import { onboardingRoutes } from './onboarding.js';
import { claimTokenRoutes, pairWallbox, type PairedDevice } from './claim-tokens.js';
import { cueRoutes } from './cues.js';
import { userRoutes } from './users.js';
import { DEFAULT_FAULT_SEED, FaultPlan, faultProblems, type Fault } from './faults.js';

export type { DeviceKind, Fault, PairedDevice, PlugInOptions, SimulatorClient };

/** The kinds a car is plugged into, and where each differs in boost and plugging. */
const CHARGERS: Partial<Record<DeviceKind, Charger>> = { wallbox: WALLBOX_CHARGER, electric_vehicle: EV_CHARGER };

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
  /** Seed of the PRNG behind faults with a `probability`, so a soak run is reproducible. */
  faultSeed?: number;
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

/** One request as the simulator received it (kept for tests; the last 1000). */
export interface ReceivedRequest {
  route: string;
  path: string;
  query: string;
  authorization: string | undefined;
  /** The W3C trace context the caller sent, if any (the gateway's traces continue into upstream's). */
  traceparent: string | undefined;
  body: unknown;
}

const MAX_LOGGED_REQUESTS = 1000;
const WALLBOX_GET = `GET ${devicePath(WALLBOX)}`;

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
  readonly #faults: FaultPlan;
  /** Answers given per status (API routes only), plus `drop`, `reset` and `hang` for the requests given none. */
  readonly #statuses = new Map<string, number>();
  /** Requests held by a delay or a hang: each entry lets them go (destroying the socket) on reset or close. */
  readonly #held = new Set<() => void>();
  #inFlight = 0;
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
      faultSeed: options.faultSeed ?? DEFAULT_FAULT_SEED,
    };
    this.#faults = new FaultPlan(this.#options.faultSeed);
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

  /** API requests (admin routes aside) being handled now, including those a delay or hang holds. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Faults applied since the last reset of the counts. */
  faultsApplied(): number {
    return this.#faults.applied;
  }

  /**
   * Answers given to API requests since the last reset of the counts, by status ("200", "503", ...),
   * real and injected alike; requests a fault gave no answer count as "drop", "reset" or "hang".
   */
  statusCounts(): Record<string, number> {
    return Object.fromEntries(this.#statuses);
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
    this.#statuses.clear();
    this.#faults.resetApplied();
    this.#maxInFlight = 0;
    this.#received = [];
  }

  /** Registers a fault behind those already registered (the first that matches a request applies). */
  injectFault(fault: Fault): void {
    this.#faults.add(fault);
  }

  /** The faults still registered, `times` counting what is left. */
  faults(): Fault[] {
    return this.#faults.list();
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Invalidates every token issued so far (as if upstream rotated its keys): the next call is a 401. */
  revokeTokens(): void {
    this.#store.tokens.clear();
  }

  /** Back to the seed: data, counters, faults and issued tokens. */
  reset(): void {
    // Requests still held by a delay or hang belong to the old state: they are dropped, not handled.
    this.#releaseHeld();
    this.#store.reset();
    this.resetCounts();
    this.#faults.clear();
  }

  /** The upstream JSON of a device of any kind as its detail GET answers it (the simulator must be listening). */
  deviceRecord(id: string): Json | undefined {
    const stored = this.#store.devices.get(id.toLowerCase());
    return stored && renderDevice(this.#store, stored, this.apiUrl.href);
  }

  /** The upstream JSON of a wallbox as the detail GET answers it (undefined for another kind). */
  wallboxRecord(id: string): Json | undefined {
    return this.#store.devices.get(id.toLowerCase())?.kind === 'wallbox' ? this.deviceRecord(id) : undefined;
  }

  /**
   * A car is plugged into a wallbox, or an EV is plugged in (at home unless `atHome: false`; an EV
   * starts a charging session): a boost armed for the next session fires where it can. Returns the
   * device as the detail GET answers it; throws a SimulatorHookError (404) for an unknown or deleted
   * wallbox or EV.
   */
  plugIn(deviceId: string, options: PlugInOptions = {}): Json {
    return this.#plugged(deviceId, ['wallbox', 'electric_vehicle'], (device, charger) => plugIn(this.#store, device, charger, options));
  }

  /** The car is unplugged: charging and a live boost stop (an EV's session completes); an armed boost stays armed. */
  unplug(deviceId: string): Json {
    return this.#plugged(deviceId, ['wallbox', 'electric_vehicle'], (device, charger) => unplug(this.#store, device, charger));
  }

  /**
   * A charger connects with a claim token and becomes the token's user's new wallbox, returned as the
   * detail GET answers it. Throws a SimulatorHookError: 404 unknown token, 409 used, 410 expired.
   */
  pairWallbox(token: string, device: PairedDevice = {}): Json {
    return this.#rendered(pairWallbox(this.#store, token, device));
  }

  #plugged(deviceId: string, kinds: DeviceKind[], change: (device: StoredDevice, charger: Charger) => StoredDevice): Json {
    const device = deviceById(this.#store, deviceId, kinds);
    return this.#rendered(isReply(device) ? device : change(device, CHARGERS[device.kind]!));
  }

  #rendered(result: StoredDevice | Reply): Json {
    if (isReply(result)) throw new SimulatorHookError(result.status, result.body);
    return renderDevice(this.#store, result, this.apiUrl.href);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#releaseHeld();
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
    // A car plugging in and out of a kind's device (`{at_home}` in the body only matters to an EV).
    const plugging = ({ collection, idParam, kind }: DeviceKindSpec): Route[] => [
      admin('POST', `/_simulator/${collection}/{${idParam}}/plug-in`, ({ params: [id], body }) =>
        hook(() => this.#plugged(id!, [kind], (device, charger) => plugIn(this.#store, device, charger, plugInOptions(body)))),
      ),
      admin('POST', `/_simulator/${collection}/{${idParam}}/unplug`, ({ params: [id] }) =>
        hook(() => this.#plugged(id!, [kind], (device, charger) => unplug(this.#store, device, charger))),
      ),
    ];
    const apiBase = () => this.apiUrl.href;
    return [
      tokenRoute(this.#store, this.#options.clients, () => this.#options.tokenExpiresInS),
      ...wallboxRoutes(this.#store, apiBase).map((route) =>
        synthesizeWallbox && route.name === WALLBOX_GET ? this.#orSynthesized(route, synthesizeWallbox) : route,
      ),
      ...heatPumpRoutes(this.#store, apiBase),
      ...electricVehicleRoutes(this.#store, apiBase),
      ...inverterRoutes(this.#store, apiBase),
      ...buildingRoutes(this.#store),
      ...onboardingRoutes(this.#store),
      ...claimTokenRoutes(this.#store, () => this.#options.claimTokenTtlS),
      ...cueRoutes(this.#store),
      ...userRoutes(this.#store),
      // Admin routes, for driving a standalone simulator (`npm run simulator`) from another process.
      admin('GET', '/_simulator/counts', () => ({ status: 200, body: this.counts() })),
      admin('POST', '/_simulator/reset', () => (this.reset(), { status: 204 })),
      admin('DELETE', '/_simulator/faults', () => (this.clearFaults(), { status: 204 })),
      admin('GET', '/_simulator/faults', () => ({ status: 200, body: { faults: this.faults(), applied: this.faultsApplied() } })),
      admin('POST', '/_simulator/faults', ({ body }) => {
        const problems = faultProblems(body);
        return problems.length > 0 ? unprocessable(problems) : (this.injectFault(body as Fault), { status: 204 });
      }),
      admin('GET', '/_simulator/status-counts', () => ({ status: 200, body: this.statusCounts() })),
      ...plugging(WALLBOX),
      ...plugging(ELECTRIC_VEHICLE),
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
        if (reply.status !== 404 || this.#store.devices.has(wallboxId.toLowerCase())) return reply;
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
      const traceparent = req.headers.traceparent;
      this.#received.push({ route: name, path: url.pathname, query: url.search, authorization: req.headers.authorization, traceparent: Array.isArray(traceparent) ? traceparent[0] : traceparent, body });
      if (this.#received.length > MAX_LOGGED_REQUESTS) this.#received.shift();
    }

    const fault = admin ? undefined : this.#faults.take(name, req.method ?? 'GET', url.pathname);
    const answer = (result: Reply) => {
      if (!admin) this.#tally(String(result.status));
      reply(res, result, fault?.headers);
    };
    if (fault?.delayMs !== undefined && !(await this.#hold(req.socket, res, fault.delayMs))) return;
    if (fault?.hang) {
      this.#tally('hang');
      await this.#hold(req.socket, res, undefined);
      return;
    }
    if (fault?.reset) {
      this.#tally('reset');
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.drop) {
      this.#tally('drop');
      req.socket.destroy();
      return;
    }
    if (fault?.rawBody !== undefined) {
      this.#tally('200');
      res.writeHead(200, { 'content-type': 'application/json', ...fault.headers }).end(fault.rawBody);
      return;
    }
    if (fault?.status !== undefined) {
      answer({ status: fault.status, body: fault.body });
      return;
    }

    if (!route) {
      answer({ status: 404, body: { detail: 'Not Found' } });
      return;
    }
    if (route.auth && !this.#authorized(req.headers.authorization)) {
      answer({ status: 401, body: { detail: 'Unauthorized' } });
      return;
    }
    const params = route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent);
    try {
      answer(await route.handle({ params, query: url.searchParams, body, headers: req.headers }));
    } catch {
      answer({ status: 500, body: { detail: 'Internal Server Error' } });
    }
  }

  #tally(outcome: string): void {
    this.#statuses.set(outcome, (this.#statuses.get(outcome) ?? 0) + 1);
  }

  /**
   * Holds a request for `ms` (for ever when undefined) without answering. True when the time is up;
   * false when the client went away first or reset/close let it go (destroying its socket). No timer
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

  #releaseHeld(): void {
    for (const release of [...this.#held]) release();
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

/** The optional `{at_home}` body of the EV plug-in admin route; anything else is ignored. */
function plugInOptions(body: unknown): PlugInOptions {
  const { at_home: atHome } = (body ?? {}) as Record<string, unknown>;
  return typeof atHome === 'boolean' ? { atHome } : {};
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

function reply(res: ServerResponse, { status, body }: Reply, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
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
