import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import { parseClientMessage } from './realtime.protocol';

type VerifyClient = (
  info: { origin: string; req: IncomingMessage },
  done: (result: boolean, code?: number, message?: string) => void,
) => void;

/**
 * Nest's `ws` adapter (@nestjs/platform-ws 11) on the application's own HTTP server: with the
 * Fastify adapter that is Fastify's Node server, whose `upgrade` event the adapter handles for
 * the gateway's path, so sockets share the API's port. Adds what the protocol needs:
 * - messages are `{"type": …}` (not Nest's `{"event", "data"}`), see parseClientMessage;
 * - a browser Origin outside CORS_ORIGINS is refused at the upgrade with 403, when CORS is
 *   configured (no Origin: not a browser, nothing to check).
 */
export class RealtimeWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: string[] | true,
  ) {
    super(app, { messageParser: parseClientMessage });
  }

  override create(port: number, options?: Record<string, unknown>): unknown {
    const verifyClient: VerifyClient = ({ origin }, done) => {
      if (this.originAllowed(origin)) done(true);
      else done(false, 403, 'Origin not allowed');
    };
    return super.create(port, { ...options, verifyClient });
  }

  private originAllowed(origin: string | undefined): boolean {
    const allowed = this.allowedOrigins;
    if (allowed === true || allowed.length === 0 || !origin) return true;
    return allowed.includes(origin);
  }
}
