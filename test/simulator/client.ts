// The simulator under test, over real HTTP on port 0, with a clock the tests move by hand.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { DEMO_TOKEN, startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js';
import { ORG_ID } from '../../src/simulator/seed.js';

/** A fixed start, so expiry and time stamps are exact. */
export const START = Date.parse('2026-11-26T08:00:00Z');

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestSimulator {
  sim: Simulator;
  /** Back to the seed, and the clock back to START. */
  reset(): void;
  /** Moves the simulator's clock forward. */
  advance(ms: number): void;
  now(): number;
  /** A call below the API base (`path` starts with "/"), with the demo bearer token unless `token: null`. */
  api(method: string, path: string, body?: unknown, options?: { token?: string | null }): Promise<Answer>;
  /** A call to an admin route (`/_simulator/...`). */
  admin(method: string, path: string, body?: unknown): Promise<Answer>;
}

export async function startClockedSimulator(options: SimulatorOptions = {}): Promise<TestSimulator> {
  let clock = START;
  const sim = await startSimulator({ now: () => clock, ...options });
  const call = async (url: URL | string, method: string, body: unknown, token: string | null): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(5000) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    sim,
    reset: () => {
      clock = START;
      sim.reset();
    },
    advance: (ms) => void (clock += ms),
    now: () => clock,
    api: (method, path, body, { token = DEMO_TOKEN } = {}) => call(sim.apiUrl.href + path, method, body, token),
    admin: (method, path, body) => call(new URL(path, sim.url), method, body, null),
  };
}

/**
 * One clocked simulator for the calling test file: started before its tests, back to the seed (and
 * the clock to START) before each test, closed after them all.
 */
export function simulatorPerFile(options: SimulatorOptions = {}): TestSimulator {
  let started: TestSimulator | undefined;
  beforeAll(async () => {
    started = await startClockedSimulator(options);
  });
  beforeEach(() => started!.reset());
  afterAll(() => started?.sim.close());
  const live = (): TestSimulator => {
    if (!started) throw new Error('The simulator starts in beforeAll: use it inside a test');
    return started;
  };
  return {
    get sim() {
      return live().sim;
    },
    reset: () => live().reset(),
    advance: (ms) => live().advance(ms),
    now: () => live().now(),
    api: (...args) => live().api(...args),
    admin: (...args) => live().admin(...args),
  };
}

/** The API path of a user's resources. */
export const userPath = (userId: string, orgId = ORG_ID) => `/org/${orgId}/users/${userId}`;
export const wallboxPath = (userId: string, wallboxId: string, orgId = ORG_ID) => `${userPath(userId, orgId)}/wallboxes/${wallboxId}`;

/** The API path of a user's device of a kind, by its collection ("heat-pumps", "electric-vehicles", ...). */
export const devicePath = (collection: string, userId: string, deviceId: string, orgId = ORG_ID) => `${userPath(userId, orgId)}/${collection}/${deviceId}`;

/** The user who owns a seeded device of any kind. */
export function ownerOf(sim: Simulator, deviceId: string): string {
  const { wallboxes, heatPumps, electricVehicles, inverters } = sim.seed;
  const device = [...wallboxes, ...heatPumps, ...electricVehicles, ...inverters].find((d) => d.record.id === deviceId);
  if (!device) throw new Error(`no seeded device ${deviceId}`);
  return device.userId;
}
