// Fault injection: what the simulator does to a request instead of (or before) answering it, so the
// gateway's resilience (timeouts, retries with backoff, Retry-After, the circuit breaker) can be driven
// over real sockets. Faults are registered in order and the first one that matches a request applies.
// A fault with a `probability` applies to that fraction of the requests it matches, drawn from a PRNG
// seeded per fault, so a soak run against a fresh (or reset) simulator is reproducible.
import type { Problem } from './http.js';
import { anything, boolean, integer, listOf, mapOf, number, string, validateBody, type FieldRule } from './validate.js';

/** A fault applied to matching API requests (never to the `/_simulator/` admin routes). */
export interface Fault {
  /** Route name as counted (e.g. "GET /org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}"); all routes when absent. */
  route?: string;
  /** Only requests with one of these methods (e.g. ["GET"]); every method when absent. */
  methods?: string[];
  /** Only requests whose path contains this text (e.g. one wallbox id). */
  pathIncludes?: string;
  /** How many requests it applies to (then it is removed); unlimited when absent. */
  times?: number;
  /** The fraction (0..1) of matching requests it applies to; the others are left to later faults or the real answer. */
  probability?: number;
  /** Wait this long before answering (or before applying the rest of the fault). */
  delayMs?: number;
  /** Answer with this status and `body` instead of the real answer. */
  status?: number;
  body?: unknown;
  /** Headers sent with the fault's answer (e.g. `{ 'retry-after': '2' }`), or with the real one when it gives none. */
  headers?: Record<string, string>;
  /** Answer 200 with this raw text (e.g. broken JSON). */
  rawBody?: string;
  /** Destroy the connection without answering (a FIN: the client sees the other side close). */
  drop?: boolean;
  /** Abort the connection with a TCP RST (the client sees ECONNRESET). */
  reset?: boolean;
  /** Never answer: the request stays open until the client gives up, or the simulator is reset or closed. */
  hang?: boolean;
}

/** The default seed of the fault PRNG (any fixed number: reproducible unless a test picks another). */
export const DEFAULT_FAULT_SEED = 0x5eed;

const RULES: Record<keyof Fault, FieldRule> = {
  route: { check: string() },
  methods: { check: listOf(string()) },
  pathIncludes: { check: string() },
  times: { check: integer({ ge: 1 }) },
  probability: { check: number({ ge: 0, le: 1 }) },
  delayMs: { check: number({ ge: 0 }) },
  status: { check: integer({ ge: 100, le: 599 }) },
  body: { check: anything, nullable: true },
  headers: { check: mapOf(string()) },
  rawBody: { check: string() },
  drop: { check: boolean },
  reset: { check: boolean },
  hang: { check: boolean },
};

/**
 * What is wrong with a fault, pydantic-style; unknown fields are problems too (a misspelt `propability`
 * silently ignored would turn a soak into a run without faults).
 */
export function faultProblems(input: unknown): Problem[] {
  const { problems } = validateBody(input, RULES);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return problems;
  const extra = Object.keys(input).filter((key) => !Object.hasOwn(RULES, key));
  return [...problems, ...extra.map((key) => ({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted' }))];
}

interface Registered {
  fault: Fault;
  /** Applications left; undefined for unlimited. */
  left: number | undefined;
  random: () => number;
}

/** The registered faults, in order, and how often they applied. */
export class FaultPlan {
  #registered: Registered[] = [];
  #injected = 0;
  #applied = 0;

  constructor(readonly seed: number = DEFAULT_FAULT_SEED) {}

  /** Registers a fault behind the others; throws a TypeError naming every problem with it. */
  add(fault: Fault): void {
    const problems = faultProblems(fault);
    if (problems.length > 0) throw new TypeError(`Invalid fault ${JSON.stringify(fault)}: ${problems.map((p) => `${p.loc.slice(1).join('.') || 'fault'}: ${p.msg}`).join('; ')}`);
    // Each fault draws from its own stream, seeded by its place in the plan: what one fault draws does
    // not depend on how much traffic the others saw.
    this.#registered.push({ fault: structuredClone(fault), left: fault.times, random: mulberry32(this.seed + this.#injected++) });
  }

  /** Forgets every fault; the next one registered draws as the first one after a fresh start. */
  clear(): void {
    this.#registered = [];
    this.#injected = 0;
  }

  /** The faults still registered, with `times` as what is left of it. */
  list(): Fault[] {
    return this.#registered.map(({ fault, left }) => ({ ...structuredClone(fault), ...(left !== undefined && { times: left }) }));
  }

  /** Faults applied since the last `resetApplied()`. */
  get applied(): number {
    return this.#applied;
  }

  resetApplied(): void {
    this.#applied = 0;
  }

  /** The fault that applies to a request, if any; using it up counts as an application. */
  take(route: string, method: string, path: string): Fault | undefined {
    for (const [index, entry] of this.#registered.entries()) {
      const { fault } = entry;
      if (fault.route !== undefined && fault.route !== route) continue;
      if (fault.methods !== undefined && !fault.methods.some((m) => m.toUpperCase() === method)) continue;
      if (fault.pathIncludes !== undefined && !path.includes(fault.pathIncludes)) continue;
      if (fault.probability !== undefined && entry.random() >= fault.probability) continue;
      if (entry.left !== undefined && --entry.left <= 0) this.#registered.splice(index, 1);
      this.#applied++;
      return fault;
    }
    return undefined;
  }
}

/** A small, well-known 32-bit PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed everywhere (faults and dynamics.ts). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
