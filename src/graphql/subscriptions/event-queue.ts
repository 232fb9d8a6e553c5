/**
 * A push-to-pull queue: the live feed pushes, the GraphQL subscription pulls (an async
 * iterator). Bounded: a consumer that does not keep up is ended (as a socket that does not read
 * is dropped) rather than buffered without limit.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting?: (result: IteratorResult<T>) => void;
  private finished = false;

  constructor(
    private readonly capacity: number,
    private readonly onEnd: () => void,
  ) {}

  push(value: T): void {
    if (this.finished) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
    } else if (this.buffer.length >= this.capacity) {
      this.end();
    } else {
      this.buffer.push(value);
    }
  }

  /** Ends the stream: what is buffered is dropped, a waiting consumer is told it is done. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.buffer.length = 0;
    this.onEnd();
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffer.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
