// Open subscription connections per client address (LIVE_MAX_CONNECTIONS_PER_CLIENT): WebSockets
// (counted at the upgrade, src/live/graphql-ws.ts) and HTTP streams, SSE and multipart (counted when
// their stream starts, src/plugins/use-live-subscriptions.ts). A stream holds a socket, a file
// descriptor and its buffers for as long as it lasts; this bounds how many one address can pin.
export class Connections {
  readonly #open = new Map<string, number>();
  readonly #max: number;

  /** `max`: connections one address may hold; 0: no limit. */
  constructor(max: number) {
    this.#max = max;
  }

  /** Counts a connection from `address`: the function that releases it (call it once), or undefined when refused. */
  open(address: string | undefined): (() => void) | undefined {
    const key = address ?? 'unknown';
    const held = this.#open.get(key) ?? 0;
    if (this.#max > 0 && held >= this.#max) return undefined;
    this.#open.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left > 0) this.#open.set(key, left);
      else this.#open.delete(key);
    };
  }
}

export const TOO_MANY_CONNECTIONS_MESSAGE = 'Too many open subscription connections from this client address (LIVE_MAX_CONNECTIONS_PER_CLIENT); close one first';
