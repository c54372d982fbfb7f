// The live-subscription benchmark's peers (bench/live.ts), each in a process of its own so that neither
// one's CPU time is the gateway's:
//
//   node --import tsx bench/live-peers.ts upstream     the partner API simulator (seeded, static bench
//                                                       token), noting when it answered each API request
//   node --import tsx bench/live-peers.ts subscribers  GraphQL-over-SSE subscribers, noting when each
//                                                       event arrived
//
// The harness drives them over the IPC channel child_process opens
// (https://nodejs.org/api/child_process.html#subprocesssendmessage-sendhandle-options-callback): it
// sends `{ id, method, params }`, a peer answers `{ id, result }` or `{ id, error }`. Both stamp times
// as performance.timeOrigin + performance.now(): milliseconds since the epoch with sub-millisecond
// precision, comparable between processes of one machine
// (https://nodejs.org/api/perf_hooks.html#performancetimeorigin).
import { subscribe } from 'node:diagnostics_channel';
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createSeed } from '../src/simulator/seed.js';
import { startSimulator } from '../src/simulator/server.js';
import { BENCH_TOKEN } from './workload.js';

/** The comments the harness writes start with this, so the upstream knows which answers carry one. */
export const MARKER_PREFIX = 'live-bench ';
/** A marked comment in a JSON text: the upstream's answer, a subscriber's event. */
const MARKER = new RegExp(`"comment":"(${MARKER_PREFIX}[^"]*)"`);

export const now = (): number => performance.timeOrigin + performance.now();

/** One API request the upstream answered: when (its answer written), what, and the marker its body carried. */
export interface Answered {
  t: number;
  method: string;
  path: string;
  marker?: string;
}

export interface SubscriptionSpec {
  query: string;
  variables: Record<string, unknown>;
}

export interface SubscribersStatus {
  /** Streams opened (200, text/event-stream). */
  open: number;
  /** Requests refused or failed before a stream started. */
  failed: number;
  /** Streams that have had their first event. */
  firstEvents: number;
  /** Events carrying GraphQL errors. */
  errorEvents: number;
  /** Streams that ended (complete, or the connection closed) while the harness still held them. */
  ended: number;
  /** The first failure seen, for the harness's error message. */
  firstFailure?: string;
}

type Handler = (params: never) => unknown;

/** Answers the harness's calls with `handlers`, and tells it `ready` first. */
function serve(handlers: Record<string, Handler>, ready: Record<string, unknown>): void {
  process.on('message', (message: { id: number; method: string; params: never }) => {
    const handler = handlers[message.method];
    void Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method ${message.method}`);
        return handler(message.params);
      })
      .then(
        (result) => process.send!({ id: message.id, result }),
        (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.stack : String(error) }),
      );
  });
  // The harness gone (its IPC channel closed): nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready });
}

// ---- upstream ----------------------------------------------------------------------------------------

const MAX_ANSWERED = 200_000;

async function upstream(): Promise<void> {
  const answered: Answered[] = [];
  // Node's own HTTP server events (https://nodejs.org/api/diagnostics_channel.html#http) hand over every
  // request the simulator serves, without changing the simulator. Its answer is stamped as the
  // simulator writes it (`end()`, which hands the bytes to the socket at once): 'finish' comes a tick
  // later, when this process gets round to it, by which time the gateway may have read the answer. The
  // body is read as it is written, so "the GET that carried the change" is the first answer holding
  // the new comment, whatever the order in which requests were handled.
  subscribe('http.server.request.start', (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    if (request.url?.startsWith('/_simulator/')) return;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      const [chunk] = args;
      const marker = typeof chunk === 'string' && chunk.includes(MARKER_PREFIX) ? MARKER.exec(chunk)?.[1] : undefined;
      answered.push({ t: now(), method: request.method ?? '', path: request.url ?? '', ...(marker ? { marker } : {}) });
      if (answered.length > MAX_ANSWERED) answered.splice(0, answered.length - MAX_ANSWERED);
      return end(...args);
    }) as ServerResponse['end'];
  });

  const simulator = await startSimulator({ port: 0, host: '127.0.0.1', seed: createSeed(), staticTokens: [BENCH_TOKEN] });
  serve(
    {
      /** The API requests of `method` answered from `since` to `until` (epoch ms). */
      answered: ({ method, since, until }: { method: string; since: number; until: number }) =>
        answered.filter((a) => a.method === method && a.t >= since && a.t <= until),
      /** When the first GET answer carrying `marker` was written (epoch ms), or null. (The PUT's own answer carries it too.) */
      detected: ({ marker }: { marker: string }) => answered.find((a) => a.method === 'GET' && a.marker === marker)?.t ?? null,
    },
    { url: simulator.url.href, apiUrl: simulator.apiUrl.href, orgId: simulator.seed.orgId },
  );
}

// ---- subscribers -------------------------------------------------------------------------------------

interface Subscriber {
  firstAt: number | undefined;
  response: IncomingMessage | undefined;
  closedByUs: boolean;
}

function subscribers(): void {
  // Every stream holds a connection of its own for as long as it lasts: no pooling limit, no reuse.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  let held: Subscriber[] = [];
  const status: SubscribersStatus = { open: 0, failed: 0, firstEvents: 0, errorEvents: 0, ended: 0 };
  /** Arrival times (epoch ms) of each marked comment, one per subscriber that received it. */
  const arrivals = new Map<string, number[]>();
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((check) => check());

  const fail = (why: string) => {
    status.failed++;
    status.firstFailure ??= why;
    notify();
  };

  // Runs once per event in a loop over up to a thousand sockets whose events came together: each one's
  // cost delays the next one's timestamp, so the comment is found in the text, without parsing it.
  const onEvent = (subscriber: Subscriber, at: number, data: string) => {
    if (subscriber.firstAt === undefined) {
      subscriber.firstAt = at;
      status.firstEvents++;
    }
    if (data.includes('"errors":')) status.errorEvents++;
    const marker = MARKER.exec(data)?.[1];
    if (marker) {
      let times = arrivals.get(marker);
      if (!times) arrivals.set(marker, (times = []));
      times.push(at);
    }
  };

  /** One POST with Accept: text/event-stream; resolves when its stream has started (or failed to). */
  const open = (url: string, spec: SubscriptionSpec): Promise<void> =>
    new Promise((resolve) => {
      const subscriber: Subscriber = { firstAt: undefined, response: undefined, closedByUs: false };
      const body = JSON.stringify(spec);
      const req = request(url, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': Buffer.byteLength(body) },
      });
      req.on('error', (error) => {
        if (!subscriber.response) {
          fail(`request failed: ${error.message}`);
          resolve();
        }
      });
      req.on('response', (response) => {
        subscriber.response = response;
        if (response.statusCode !== 200 || !response.headers['content-type']?.startsWith('text/event-stream')) {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            fail(`HTTP ${response.statusCode}: ${text.slice(0, 500)}`);
            resolve();
          });
          return;
        }
        held.push(subscriber);
        status.open++;
        resolve();
        // Messages are `event: next\ndata: {...}\n\n` and `event: complete\n...`; lines starting with
        // `:` are keep-alives (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const at = now();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (message.startsWith('event: next')) onEvent(subscriber, at, message.slice(message.indexOf('data: ') + 6));
          }
          notify();
        });
        response.on('close', () => {
          if (!subscriber.closedByUs) status.ended++;
          notify();
        });
      });
      req.end(body);
    });

  const until = (done: () => boolean, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        settle();
        resolve(true);
      };
      const timer = setTimeout(() => {
        settle();
        resolve(false);
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  serve(
    {
      /** Opens every subscription, at most `concurrency` requests waiting for their answer at once. */
      open: async ({ url, specs, concurrency }: { url: string; specs: SubscriptionSpec[]; concurrency: number }) => {
        let next = 0;
        const lane = async () => {
          while (next < specs.length) await open(url, specs[next++]!);
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, lane));
        return status;
      },
      /** Resolves once every open stream has had its first event, or after `timeoutMs`: the status then. */
      firstEvents: async ({ timeoutMs }: { timeoutMs: number }) => {
        await until(() => status.firstEvents >= status.open, timeoutMs);
        return status;
      },
      /** The arrival times of `marker`, once `count` subscribers have it or after `timeoutMs`. */
      arrivals: async ({ marker, count, timeoutMs }: { marker: string; count: number; timeoutMs: number }) => {
        await until(() => (arrivals.get(marker)?.length ?? 0) >= count, timeoutMs);
        return arrivals.get(marker) ?? [];
      },
      status: () => status,
      /** Closes every stream (their sockets destroyed) and starts counting afresh. */
      close: () => {
        for (const subscriber of held) {
          subscriber.closedByUs = true;
          subscriber.response?.destroy();
        }
        held = [];
        arrivals.clear();
        Object.assign(status, { open: 0, failed: 0, firstEvents: 0, errorEvents: 0, ended: 0, firstFailure: undefined });
        return status;
      },
    },
    {},
  );
}

// Run as a peer, not when bench/live.ts imports the constants above.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const role = process.argv[2];
  if (role === 'upstream') await upstream();
  else if (role === 'subscribers') subscribers();
  else throw new Error(`bench/live-peers.ts: expected the role "upstream" or "subscribers", got ${role}`);
}
