import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { Public } from '../common/decorators/public.decorator';
import { NoRateLimit } from '../common/decorators/rate-limit.decorator';
import { RealtimeHub } from './realtime-hub';
import { ClientMessage, MAX_CLIENT_MESSAGE_BYTES, REALTIME_PATH } from './realtime.protocol';

/**
 * `GET /api/v1/ws` (see RealtimeWsAdapter for the upgrade on Fastify's server). Sockets
 * authenticate with a message rather than a header, so the global JWT guard and rate limit
 * stand aside; RealtimeHub does the protocol.
 */
@Public()
@NoRateLimit()
@WebSocketGateway({ path: REALTIME_PATH, maxPayload: MAX_CLIENT_MESSAGE_BYTES })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly hub: RealtimeHub) {}

  /** Called only in a process that serves HTTP: worker processes never start the feed. */
  afterInit(): void {
    this.hub.start();
  }

  handleConnection(socket: WebSocket): void {
    this.hub.attach(socket);
  }

  handleDisconnect(socket: WebSocket): void {
    this.hub.detach(socket);
  }

  @SubscribeMessage('auth')
  onAuth(socket: WebSocket, message: ClientMessage): void {
    this.hub.receive(socket, message);
  }

  @SubscribeMessage('ping')
  onPing(socket: WebSocket, message: ClientMessage): void {
    this.hub.receive(socket, message);
  }

  @SubscribeMessage('subscribe')
  onSubscribe(socket: WebSocket, message: ClientMessage): void {
    this.hub.receive(socket, message);
  }

  @SubscribeMessage('invalid')
  onInvalid(socket: WebSocket, message: ClientMessage): void {
    this.hub.receive(socket, message);
  }
}
