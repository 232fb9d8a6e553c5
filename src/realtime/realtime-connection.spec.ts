import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { Deliverable, RealtimeConnection } from './realtime-connection';
import type { RealtimeMetrics } from './realtime-metrics';

/** Just what RealtimeConnection uses of a ws socket. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith?: [number, string];
  terminated = false;

  send(text: string): void {
    this.sent.push(text);
  }

  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.readyState = WebSocket.CLOSING;
  }

  terminate(): void {
    this.terminated = true;
  }
}

function item(id: string): Deliverable {
  return { id, at: Date.now(), render: () => ({ text: id, event: 'task.updated' }) };
}

describe(RealtimeConnection.name, () => {
  let socket: FakeSocket;
  let metrics: { eventSent: jest.Mock; slowClientDropped: jest.Mock };
  let connection: RealtimeConnection;

  beforeEach(() => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    metrics = { eventSent: jest.fn(), slowClientDropped: jest.fn() };
    connection = new RealtimeConnection(
      socket as unknown as WebSocket,
      1000,
      metrics as unknown as RealtimeMetrics,
    );
  });

  afterEach(() => {
    connection.clearTimers();
    jest.useRealTimers();
  });

  it('should drop a client that does not read with 1008, instead of buffering', () => {
    connection.deliver(item('1-0'));
    socket.bufferedAmount = 1001;
    connection.deliver(item('2-0'));
    expect(socket.sent).toEqual(['1-0']);
    expect(socket.closedWith).toEqual([1008, 'client too slow']);
    expect(metrics.slowClientDropped).toHaveBeenCalledTimes(1);
    expect(metrics.eventSent).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(2000);
    expect(socket.terminated).toBe(true);
  });

  it('should hold live events during a replay and send only those the replay did not', () => {
    connection.cursor = '1-0';
    connection.replaying = true;
    connection.deliver(item('3-0'));
    connection.deliver(item('4-0'));
    connection.deliverNow(item('2-0'));
    connection.deliverNow(item('3-0'));
    connection.finishReplay();
    connection.deliver(item('4-0'));
    connection.deliver(item('1-0'));
    expect(socket.sent).toEqual(['2-0', '3-0', '4-0']);
  });

  it('should close with 4408 when no auth arrives in time, and with 4401 at the expiry', () => {
    connection.startAuthTimer(10_000);
    jest.advanceTimersByTime(9_999);
    expect(socket.closedWith).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(socket.closedWith).toEqual([4408, 'authentication timeout']);

    const other = new FakeSocket();
    const authed = new RealtimeConnection(
      other as unknown as WebSocket,
      1000,
      metrics as unknown as RealtimeMetrics,
    );
    authed.startAuthTimer(10_000);
    authed.authenticated(7, Date.now() + 60_000);
    jest.advanceTimersByTime(30_000);
    // A fresh token moves the expiry.
    authed.authenticated(7, Date.now() + 60_000);
    jest.advanceTimersByTime(59_999);
    expect(other.closedWith).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(other.closedWith).toEqual([4401, 'token expired']);
  });
});
