import { WebSocket } from 'ws';
import type { TestApp } from './app';

export const WS_PATH = '/api/v1/ws';

/** A server message as the protocol defines it. */
export interface WsMessage {
  type: string;
  id?: string;
  event?: string;
  created_at?: string;
  data?: Record<string, unknown>;
  user_id?: number;
}

export interface WsClose {
  code: number;
  reason: string;
}

/** Makes a listening test app's WebSocket URL. */
export function wsUrl(t: TestApp): string {
  const address = t.app.getHttpServer().address();
  if (!address || typeof address !== 'object') throw new Error('the app is not listening');
  return `ws://127.0.0.1:${address.port}${WS_PATH}`;
}

/**
 * A real `ws` client that keeps every message it receives, so a test can wait for the next one
 * matching a condition (and later assert that no other arrived).
 */
export class WsClient {
  readonly received: WsMessage[] = [];
  readonly closed: Promise<WsClose>;
  /** Server (ws-level) pings seen. */
  pings = 0;
  private readonly waiters = new Set<() => void>();
  private consumed = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse((data as Buffer).toString('utf8')) as WsMessage);
      this.wake();
    });
    socket.on('ping', () => {
      this.pings += 1;
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  /** Opens a socket (rejects with the HTTP status when the upgrade is refused). */
  static open(url: string, options: { origin?: string; autoPong?: boolean } = {}): Promise<WsClient> {
    const socket = new WebSocket(url, {
      origin: options.origin,
      autoPong: options.autoPong ?? true,
    });
    const client = new WsClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => {
        reject(new Error(`upgrade refused: ${res.statusCode}`));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** Opens, authenticates and waits for `ready`. */
  static async ready(
    url: string,
    token: string,
    lastEventId?: string,
  ): Promise<{ client: WsClient; ready: WsMessage }> {
    const client = await WsClient.open(url);
    client.send({ type: 'auth', token, ...(lastEventId ? { last_event_id: lastEventId } : {}) });
    const ready = await client.next();
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(ready)}`);
    return { client, ready };
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message not consumed yet that matches `accept` (earlier ones are consumed too). */
  async next(
    accept: (message: WsMessage) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<WsMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.consumed < this.received.length) {
        const message = this.received[this.consumed];
        this.consumed += 1;
        if (accept(message)) return message;
      }
      if (this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`socket closed; received ${JSON.stringify(this.received)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no matching message; received ${JSON.stringify(this.received)}`);
      }
      await this.wait(left);
    }
  }

  /** The next `event` message of type `event` (skipping others). */
  nextEvent(event: string, taskId?: number): Promise<WsMessage> {
    return this.next(
      (m) =>
        m.type === 'event' &&
        m.event === event &&
        (taskId === undefined || taskIdOf(m) === taskId),
    );
  }

  /** A ping/pong round trip: every message the server sent before it has arrived. */
  async sync(): Promise<void> {
    this.send({ type: 'ping' });
    await this.next((m) => m.type === 'pong');
  }

  /** Messages received (consumed or not) that are events. */
  events(): WsMessage[] {
    return this.received.filter((m) => m.type === 'event');
  }

  /** Waits until `probe` holds (re-checked on every message, ping or close). */
  async until(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('condition not met in time');
      await this.wait(left);
    }
  }

  close(): void {
    this.socket.terminate();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The task id an event is about (`data.task.id`, or `data.task_id` for `task.hidden`). */
export function taskIdOf(message: WsMessage): number | undefined {
  const data = message.data ?? {};
  if (typeof data.task_id === 'number') return data.task_id;
  const task = data.task as { id?: number } | undefined;
  return task?.id;
}
