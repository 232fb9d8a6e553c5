import { WebSocket } from 'ws';
import { CLOSE } from './realtime.protocol';
import type { RealtimeMetrics } from './realtime-metrics';
import { compareStreamIds } from './stream-id';

/** setTimeout's largest delay (about 24.8 days); a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A slow client gets this long to take its close frame before its connection is cut. */
const SLOW_CLIENT_GRACE_MS = 2000;

/** Who an entry is rendered for: a socket, or another transport's listener (RealtimeListener). */
export interface RealtimeRecipient {
  userId: number | null;
  /** Project ids the recipient narrowed the stream to; null: everything it may see. */
  subscription: Set<number> | null;
}

/** One entry of the stream as prepared for delivery; `render` answers null for "not for you". */
export interface Deliverable {
  id: string;
  /** Epoch ms the event happened, for the fan-out latency. */
  at: number;
  /** The text to send to this recipient (null: nothing) and the event name for the metrics. */
  render(recipient: RealtimeRecipient): { text: string; event: string } | null;
}

/**
 * One socket's state: who it is (once authenticated), what it subscribed to, how far it has
 * been served (`cursor`, the last event id delivered or passed over), its timers, and its
 * client messages, handled one at a time in arrival order.
 */
export class RealtimeConnection implements RealtimeRecipient {
  userId: number | null = null;
  /** Project ids the client narrowed the stream to; null: everything it may see. */
  subscription: Set<number> | null = null;
  /** Set by every pong; the heartbeat drops a connection that has not answered since its last ping. */
  alive = true;
  cursor: string | null = null;
  /** While a resume replays the stream, live events wait here (then those not replayed go out). */
  replaying = false;
  pending: Deliverable[] = [];
  private closing = false;
  private authTimer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    private readonly maxBufferedBytes: number,
    private readonly metrics: RealtimeMetrics,
  ) {}

  get open(): boolean {
    return !this.closing && this.socket.readyState === WebSocket.OPEN;
  }

  /** Runs client message handlers one after another, so replies keep the messages' order. */
  enqueue(work: () => Promise<void>, onError: (error: unknown) => void): void {
    this.chain = this.chain.then(work).catch(onError);
  }

  startAuthTimer(ms: number): void {
    this.authTimer = setTimeout(() => this.close(CLOSE.authTimeout, 'authentication timeout'), ms);
  }

  authenticated(userId: number, expiresAtMs: number): void {
    clearTimeout(this.authTimer);
    this.userId = userId;
    this.armExpiry(expiresAtMs);
  }

  /** Delivers unless already served (a replayed event that also came live); keeps the order. */
  deliver(item: Deliverable): void {
    if (this.replaying) this.pending.push(item);
    else this.deliverNow(item);
  }

  /** `deliver`, bypassing the wait of a replay (the replay's own events). */
  deliverNow(item: Deliverable): void {
    if (this.cursor !== null && compareStreamIds(item.id, this.cursor) <= 0) return;
    this.cursor = item.id;
    const rendered = item.render(this);
    if (rendered && this.send(rendered.text)) this.metrics.eventSent(rendered.event, item.at);
  }

  /** Ends a replay: the live events that came meanwhile, minus those the replay sent. */
  finishReplay(): void {
    this.replaying = false;
    const pending = this.pending;
    this.pending = [];
    for (const item of pending) this.deliver(item);
  }

  sendJson(message: object): boolean {
    return this.send(JSON.stringify(message));
  }

  /**
   * Sends unless the client has stopped reading: past `maxBufferedBytes` waiting in the
   * socket's buffer it is dropped with 1008, rather than buffered without bound.
   */
  send(text: string): boolean {
    if (!this.open) return false;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.metrics.slowClientDropped();
      this.close(CLOSE.policy, 'client too slow');
      setTimeout(() => this.socket.terminate(), SLOW_CLIENT_GRACE_MS).unref();
      return false;
    }
    this.socket.send(text);
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.clearTimers();
    this.socket.close(code, reason);
  }

  /** Closes with `code` and waits for the close to complete, at most `graceMs` (then cuts it). */
  async closeAndWait(code: number, reason: string, graceMs: number): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.close(code, reason);
    const timer = setTimeout(() => this.socket.terminate(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  clearTimers(): void {
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
  }

  private armExpiry(expiresAtMs: number): void {
    clearTimeout(this.expiryTimer);
    const delay = Math.min(Math.max(0, expiresAtMs - Date.now()), MAX_TIMER_MS);
    this.expiryTimer = setTimeout(() => {
      if (Date.now() >= expiresAtMs) this.close(CLOSE.unauthorized, 'token expired');
      else this.armExpiry(expiresAtMs);
    }, delay);
  }
}
