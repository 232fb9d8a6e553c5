import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as Pino } from 'pino';

/** What a log line says about the request it was written in. */
export interface RequestSummary {
  id: string;
  method: string;
  url: string;
}

/**
 * The request a line is written in, for every line of it (the request id, `req.id`). The
 * request's child logger is made only when the request logs something besides its access
 * line: most requests never do, and a pino child serializes its bindings when it is made.
 */
export class RequestLog {
  private child?: Pino;

  constructor(
    private readonly root: Pino,
    readonly req: RequestSummary,
  ) {}

  get logger(): Pino {
    this.child ??= this.root.child({ req: this.req });
    return this.child;
  }
}

/** The request being handled, across its awaits (set by the access log's onRequest hook). */
export const requestLogs = new AsyncLocalStorage<RequestLog>();
