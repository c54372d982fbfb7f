// The embedded simulator: a real HTTP server that behaves like the partner API for the endpoints the
// gateway uses. It is the demo's upstream and the tests' upstream. It counts requests per route, can
// inject faults (faults.ts: status, delay, hang, dropped or reset connection, broken body) and can revoke
// the tokens it issued, so tests and benchmarks can drive every path of the gateway over real sockets.
//
// This file is the server's lifecycle and the methods tests drive it by. The endpoints live in api/,
// one file per resource, working on the shared state in store.ts; dispatch.ts takes each request from
// the socket to its route; traffic.ts keeps what was received; admin-routes.ts and hooks.ts are the
// ways in that are not the partner API's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { adminRoutes, type SimulatorAdmin } from './admin-routes.js';
import { bearerAccepted, type SimulatorClient } from './api/auth.js';
import type { PlugInOptions } from './api/charging.js';
import type { PairedDevice } from './api/claim-tokens.js';
import { renderDevice } from './api/devices.js';
import { partnerApiRoutes } from './api/routes.js';
import type { WallboxSynthesizer } from './api/wallboxes.js';
import { Dispatcher } from './dispatch.js';
import { Dynamics, type DynamicsOptions } from './dynamics.js';
import { DEFAULT_FAULT_SEED, FaultPlan, type Fault } from './faults.js';
import { DeviceHooks } from './hooks.js';
import { API } from './http.js';
import type { Json, Seed } from './records.js';
import { createSeed } from './seed.js';
import { Store } from './store.js';
import { Traffic, type ReceivedRequest } from './traffic.js';

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
  synthesizeWallbox?: WallboxSynthesizer;
  /**
   * Devices change over time while the simulator listens (dynamics.ts): cars charge, heat pumps'
   * temperatures drift, a `requested` boost starts. Off unless set, so the seed reads back exactly.
   */
  dynamics?: boolean | DynamicsOptions;
}

export const DEMO_CLIENT: SimulatorClient = { clientId: 'demo-client', clientSecret: 'demo-secret' };
export const DEMO_TOKEN = 'demo-token';

export class Simulator implements SimulatorAdmin {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #store: Store;
  readonly #faults: FaultPlan;
  readonly #traffic = new Traffic();
  readonly #hooks: DeviceHooks;
  readonly #dispatcher: Dispatcher;
  readonly #dynamics: Dynamics | undefined;
  #url: URL | undefined;

  constructor(options: SimulatorOptions = {}) {
    const now = options.now ?? Date.now;
    const staticTokens = options.staticTokens ?? [DEMO_TOKEN];
    const store = (this.#store = new Store(options.seed ?? createSeed(), now));
    this.#faults = new FaultPlan(options.faultSeed ?? DEFAULT_FAULT_SEED);
    const apiBase = () => this.apiUrl.href;
    this.#hooks = new DeviceHooks(store, apiBase);
    this.#dynamics = options.dynamics ? new Dynamics(store, options.dynamics === true ? {} : options.dynamics) : undefined;
    store.boostsWait = this.#dynamics !== undefined;
    const api = partnerApiRoutes(store, apiBase, {
      clients: options.clients ?? [DEMO_CLIENT],
      tokenExpiresInS: options.tokenExpiresInS ?? 36_000,
      claimTokenTtlS: options.claimTokenTtlS ?? 600,
      synthesizeWallbox: options.synthesizeWallbox,
    });
    this.#dispatcher = new Dispatcher({
      routes: [...api, ...adminRoutes(this, this.#hooks)],
      traffic: this.#traffic,
      faults: this.#faults,
      authorized: (header) => bearerAccepted(store, staticTokens, header),
    });
    this.#server = createServer((req, res) => void this.#dispatcher.handle(req, res));
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
    this.#dynamics?.start();
    return this;
  }

  async close(): Promise<void> {
    this.#dynamics?.stop();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#dispatcher.releaseHeld();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
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

  /**
   * One step of the devices' dynamics at the simulator's clock, for tests that move the clock
   * themselves instead of waiting for the driver. Throws when the simulator was started without them.
   */
  tickDynamics(): void {
    if (!this.#dynamics) throw new Error('The simulator was started without dynamics: pass `dynamics` to startSimulator');
    this.#dynamics.tick();
  }

  /** Back to the seed: data, counters, faults and issued tokens. */
  reset(): void {
    // Requests still held by a delay or hang belong to the old state: they are dropped, not handled.
    this.#dispatcher.releaseHeld();
    this.#store.reset();
    this.resetCounts();
    this.#faults.clear();
  }

  /** Requests received per route name since the last reset. Unmatched paths count as "unmatched". */
  count(route: string): number {
    return this.#traffic.count(route);
  }

  counts(): Record<string, number> {
    return this.#traffic.counts();
  }

  /** Sum of all requests received (all routes). */
  totalRequests(): number {
    return this.#traffic.total();
  }

  /** Most API requests (admin routes aside) that were being handled at the same time since the last reset. */
  get maxInFlight(): number {
    return this.#traffic.maxInFlight;
  }

  /** API requests (admin routes aside) being handled now, including those a delay or hang holds. */
  get inFlight(): number {
    return this.#traffic.inFlight;
  }

  /**
   * Answers given to API requests since the last reset of the counts, by status ("200", "503", ...),
   * real and injected alike; requests a fault gave no answer count as "drop", "reset" or "hang".
   */
  statusCounts(): Record<string, number> {
    return this.#traffic.outcomes();
  }

  /** Requests received since the last reset (admin routes aside), oldest first, optionally of one route. */
  received(route?: string): ReceivedRequest[] {
    return this.#traffic.received(route);
  }

  resetCounts(): void {
    this.#traffic.reset();
    this.#faults.resetApplied();
  }

  /** Registers a fault behind those already registered (the first that matches a request applies). */
  injectFault(fault: Fault): void {
    this.#faults.add(fault);
  }

  /** The faults still registered, `times` counting what is left. */
  faults(): Fault[] {
    return this.#faults.list();
  }

  /** Faults applied since the last reset of the counts. */
  faultsApplied(): number {
    return this.#faults.applied;
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Access tokens issued so far, for tests that prove no token leaks into responses or logs. */
  issuedTokens(): string[] {
    return [...this.#store.issued];
  }

  /** Invalidates every token issued so far (as if upstream rotated its keys): the next call is a 401. */
  revokeTokens(): void {
    this.#store.tokens.clear();
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
    return this.#hooks.plugIn(deviceId, options);
  }

  /** The car is unplugged: charging and a live boost stop (an EV's session completes); an armed boost stays armed. */
  unplug(deviceId: string): Json {
    return this.#hooks.unplug(deviceId);
  }

  /**
   * A charger connects with a claim token and becomes the token's user's new wallbox, returned as the
   * detail GET answers it. Throws a SimulatorHookError: 404 unknown token, 409 used, 410 expired.
   */
  pairWallbox(token: string, device: PairedDevice = {}): Json {
    return this.#hooks.pairWallbox(token, device);
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return new Simulator(options).listen(options.port, options.host);
}
