// A GraphQL-over-SSE subscriber for tests (the protocol yoga and GraphiQL speak: `event: next` with a
// result, `event: complete`, `:` comments as keep-alives), which keeps what arrived so a test can wait
// for a condition on it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Result = { data?: any; errors?: { message: string; extensions: Record<string, any> }[] };

export interface SseSubscription {
  /** The HTTP status of the response. */
  status: number;
  /** Each `next` event's result, in order. */
  events: Result[];
  /** Whether `complete` arrived (or the stream closed). */
  readonly completed: boolean;
  /** Keep-alive comments received. */
  readonly pings: number;
  /** The body, when the answer was not a stream (a refused request). */
  body: Result | undefined;
  /** Resolves once `count` events have arrived (rejects when the stream ends first). */
  waitForEvents(count: number): Promise<Result[]>;
  waitForComplete(): Promise<void>;
  /** Leaves: the connection is closed. */
  close(): void;
}

export async function subscribeSse(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<SseSubscription> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const events: Result[] = [];
  let completed = false;
  let pings = 0;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const subscription: SseSubscription = {
    status: response.status,
    events,
    get completed() {
      return completed;
    },
    get pings() {
      return pings;
    },
    body: undefined,
    waitForEvents: (count) => until(() => events.length >= count, () => completed, `${count} events`).then(() => events),
    waitForComplete: () => until(() => completed, () => false, 'complete'),
    close: () => abort.abort(),
  };
  function until(done: () => boolean, failed: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) {
          waiters.delete(check);
          resolve();
        } else if (failed()) {
          waiters.delete(check);
          reject(new Error(`the stream ended before ${what}: ${JSON.stringify(events)}`));
        }
      };
      waiters.add(check);
      check();
    });
  }
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    subscription.body = (await response.json()) as Result;
    completed = true;
    return subscription;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = response.body!.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (message.startsWith(':')) pings++;
          else if (message.startsWith('event: next')) events.push(JSON.parse(message.slice(message.indexOf('data: ') + 6)) as Result);
          else if (message.startsWith('event: complete')) completed = true;
          notify();
        }
      }
    } catch {
      // Aborted by close().
    }
    completed = true;
    notify();
  })();
  return subscription;
}

/** Resolves once `condition` holds, checking every few milliseconds (fails the test after `timeoutMs`). */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
