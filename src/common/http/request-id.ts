import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Fastify's `genReqId`: echoes a caller's sane `X-Request-Id`, otherwise makes a UUID. The id
 * is also put on the raw request, so code that holds only Node's request sees the same id as
 * the log lines (`req.id`) and the response header.
 */
export function genRequestId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}
