/** Where the WebSocket endpoint lives (outside Nest's global prefix, which gateways ignore). */
export const REALTIME_PATH = '/api/v1/ws';

/** Close codes of the protocol (API.md, Real-time updates). */
export const CLOSE = {
  /** The server is shutting down: reconnect (to another instance) with `last_event_id`. */
  goingAway: 1001,
  /** The client does not read fast enough (or broke the protocol): reconnect and resume. */
  policy: 1008,
  /** Bad, missing or expired token, or a first message that is not `auth`. */
  unauthorized: 4401,
  /** No `auth` message within WS_AUTH_TIMEOUT. */
  authTimeout: 4408,
} as const;

/** The largest client message accepted; the protocol's messages are a few hundred bytes. */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/** At most this many project ids in one `subscribe`. */
export const MAX_SUBSCRIBED_PROJECTS = 1000;

/** A client message after JSON parsing, as the gateway's handlers receive it. */
export type ClientMessage =
  | { type: 'auth'; token?: unknown; last_event_id?: unknown }
  | { type: 'ping' }
  | { type: 'subscribe'; project_ids?: unknown }
  | { type: 'invalid' };

const CLIENT_TYPES = new Set(['auth', 'ping', 'subscribe']);

/**
 * The ws adapter's message parser: routes `{"type": …}` to the gateway handler of that name;
 * anything else (not JSON, not an object, an unknown type) goes to `invalid`, so that before
 * authentication it closes the socket like a bad token would.
 */
export function parseClientMessage(data: unknown): { event: string; data: ClientMessage } {
  let message: unknown;
  try {
    message = JSON.parse(String(data));
  } catch {
    return { event: 'invalid', data: { type: 'invalid' } };
  }
  if (
    typeof message === 'object' &&
    message !== null &&
    !Array.isArray(message) &&
    typeof (message as { type?: unknown }).type === 'string' &&
    CLIENT_TYPES.has((message as { type: string }).type)
  ) {
    const typed = message as ClientMessage;
    return { event: typed.type, data: typed };
  }
  return { event: 'invalid', data: { type: 'invalid' } };
}

/** Server messages. */
export interface ServerEventMessage {
  type: 'event';
  id: string;
  event: string;
  created_at: string;
  data: unknown;
}
