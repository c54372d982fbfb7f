// What the simulator has received, for tests and benchmarks to assert on: requests per route (admin
// routes too), and of the partner API's requests alone the answers per status, how many were handled
// at once, and the last requests themselves. `reset()` starts over; requests under way stay counted
// as under way.

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

export class Traffic {
  readonly #counts = new Map<string, number>();
  /** Answers given per status, plus `drop`, `reset` and `hang` for the requests given none. */
  readonly #outcomes = new Map<string, number>();
  #inFlight = 0;
  #maxInFlight = 0;
  #received: ReceivedRequest[] = [];

  /** A request for `route` (its name, or "unmatched") arrived. */
  arrived(route: string): void {
    increment(this.#counts, route);
  }

  /** An API request is being handled, until the function returned is called. */
  started(): () => void {
    this.#maxInFlight = Math.max(this.#maxInFlight, ++this.#inFlight);
    return () => void this.#inFlight--;
  }

  /** Keeps an API request for `received()`, dropping the oldest beyond the last 1000. */
  log(request: ReceivedRequest): void {
    this.#received.push(request);
    if (this.#received.length > MAX_LOGGED_REQUESTS) this.#received.shift();
  }

  /** An API request was answered with a status, or given none: `drop`, `reset` or `hang`. */
  answered(outcome: string): void {
    increment(this.#outcomes, outcome);
  }

  count(route: string): number {
    return this.#counts.get(route) ?? 0;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  total(): number {
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  outcomes(): Record<string, number> {
    return Object.fromEntries(this.#outcomes);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  received(route?: string): ReceivedRequest[] {
    return route === undefined ? [...this.#received] : this.#received.filter((r) => r.route === route);
  }

  reset(): void {
    this.#counts.clear();
    this.#outcomes.clear();
    this.#maxInFlight = 0;
    this.#received = [];
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
