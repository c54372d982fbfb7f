// One subscriber's stream of a poller's values, as the async iterator graphql-js's subscribe consumes.
// It keeps at most one value waiting: a subscriber that is slow to take the next one gets the newest
// state, never a backlog of states that are already out of date. An error is the stream's last item
// (the subscription's resolver turns it into the event's field error); `Ended` ends it quietly.
import { Ended, type Delivery, type Watcher } from './poller.js';

type Item<T> = { value: T } | { error: Error } | undefined;

export class Stream<T> implements Watcher<T>, AsyncIterableIterator<T | Error> {
  #pending: Item<T>;
  /** The consumer waiting for the next item, if it is waiting. */
  #waiting: ((result: IteratorResult<T | Error>) => void) | undefined;
  #done = false;
  #onReturn: (() => void) | undefined;

  /** `onReturn`: called once, when the stream ends for any reason (the subscriber left, an error, a drain). */
  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  deliver(delivery: Delivery<T>): void {
    if (this.#done) return;
    // A terminal item waiting is never replaced by a value.
    if (this.#pending && 'error' in this.#pending) return;
    const waiting = this.#waiting;
    if (waiting && 'value' in delivery) {
      this.#waiting = undefined;
      return waiting({ value: delivery.value, done: false });
    }
    this.#pending = delivery;
    if (waiting) this.#flush();
  }

  next(): Promise<IteratorResult<T | Error>> {
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    if (this.#pending) return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#flush();
    });
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  return(): Promise<IteratorResult<T | Error>> {
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Hands the pending item to the waiting consumer. An error is handed once, then the stream is done. */
  #flush(): void {
    const item = this.#pending!;
    const waiting = this.#waiting!;
    this.#pending = undefined;
    this.#waiting = undefined;
    if ('value' in item) return waiting({ value: item.value, done: false });
    if (item.error instanceof Ended) {
      this.#finish();
      return waiting({ value: undefined, done: true });
    }
    // The error is the last item: the stream is done once it is taken.
    this.#finish();
    waiting({ value: item.error, done: false });
  }

  #finish(): void {
    this.#done = true;
    this.#pending = undefined;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
    const onReturn = this.#onReturn;
    this.#onReturn = undefined;
    onReturn?.();
  }
}
