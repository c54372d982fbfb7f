// Load from the harness process with autocannon: a fixed number of connections, each sending its next
// request as soon as the last one was answered, for a fixed time. Every request is built fresh from a
// run-wide counter (see workload.ts), so none repeats another's variables. Latencies are recorded here
// at autocannon's own timing (sub-millisecond; autocannon's histogram keeps whole milliseconds only).
import autocannon from 'autocannon';

export interface LoadTarget {
  /** Origin of the server, e.g. http://127.0.0.1:4000 */
  origin: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Request n of the run. */
  request: (n: number) => { path: string; body?: string };
  /** Whether an answer is a success (a 2xx with a wrong body is counted as a mismatch). */
  verifyBody: (body: string) => boolean;
}

/** The run-wide request number: shared by every load of a run, so request numbers never repeat. */
export interface RequestCounter {
  next: number;
}

export interface LoadResult {
  /** Answers received in the window (any status). */
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 2xx answers whose body failed verifyBody (e.g. GraphQL errors). */
  mismatches: number;
  firstRequest: number;
  lastRequest: number;
}

export function runLoad(target: LoadTarget, options: { connections: number; durationS: number; counter: RequestCounter }): Promise<LoadResult> {
  const { counter } = options;
  const firstRequest = counter.next;
  let latencies = new Float64Array(1 << 16);
  let answered = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.origin,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationS,
        timeout: 10,
        headers: target.headers,
        // autocannon hands the body over as the string it collected.
        verifyBody: (body) => typeof body === 'string' && target.verifyBody(body),
        requests: [
          {
            method: target.method,
            setupRequest: (request) => ({ ...request, ...target.request(counter.next++) }),
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const sorted = latencies.subarray(0, answered).sort();
        const percentile = (p: number) => (answered === 0 ? NaN : sorted[Math.min(answered - 1, Math.ceil(p * answered) - 1)]!);
        let sum = 0;
        for (const value of sorted) sum += value;
        resolve({
          requests: answered,
          durationS: result.duration,
          rps: answered / result.duration,
          p50Ms: percentile(0.5),
          p99Ms: percentile(0.99),
          meanMs: sum / answered,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          mismatches: result.mismatches,
          firstRequest,
          lastRequest: counter.next - 1,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      if (answered === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[answered++] = responseTimeMs;
    });
  });
}
