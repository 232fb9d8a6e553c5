import { Controller, Get } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import { Public } from '../../common/decorators/public.decorator';
import { NoRateLimit } from '../../common/decorators/rate-limit.decorator';
import { ValidationFailedError } from '../../common/errors/domain-errors';
import { MAX_HIDDEN_PER_REMOVAL } from '../realtime-feeds';

const PROTOCOL = `Upgrades to a WebSocket (JSON text frames); a plain GET without \`Upgrade: websocket\` answers 400.

**Handshake.** The first message must be \`{"type": "auth", "token": "<access token>", "last_event_id"?: "<id>"}\`, within \`WS_AUTH_TIMEOUT\` (10 s). The server answers \`{"type": "ready", "user_id"}\`, or closes with **4401** (bad, missing or expired token, or another first message) or **4408** (too slow). A browser \`Origin\` outside \`CORS_ORIGINS\` is refused with 403 at the upgrade (when CORS is configured).

**Events.** \`{"type": "event", "id", "event", "created_at", "data"}\` for every committed event the user may see when it is delivered: the webhook events (\`task.created\`, \`task.updated\`, \`task.assigned\`, \`task.completed\`, \`task.deleted\`, \`task.due_soon\`, \`comment.created\`) with the webhooks' \`data\` (\`{"task"}\`); \`notification.created\` (\`{"notification"}\`) for the user's own notifications; and \`task.hidden\` (\`{"task_id"}\`) when the user could see a task before a change and no longer does (reassigned away, moved to a project it is not in, removed from the project, the project deleted; past ${MAX_HIDDEN_PER_REMOVAL} tasks of one removal or deletion, \`resync\` instead). Events of one task arrive in commit order, once each, whichever instance made the change. Ids increase.

**Resume.** Reconnect with \`last_event_id\` (the last \`id\` received): the events missed during the last 10 minutes are replayed, in order, before live ones. When that is not possible (older, unknown) the server sends \`{"type": "resync"}\`: reload what is on screen. \`resync\` also comes when this instance lost Redis and may have missed events.

**Client messages.** \`{"type": "subscribe", "project_ids": [1, 2]}\` narrows task events to those projects (ids the user is no member of are ignored; \`[]\` subscribes to everything again); notifications always come. \`{"type": "ping"}\` is answered \`{"type": "pong"}\`. Send a fresh \`auth\` message (same user) before the token expires, or the server closes with 4401 at its expiry.

**Liveness.** The server pings every \`WS_HEARTBEAT_INTERVAL\` (30 s; browsers answer by themselves) and drops a connection that did not answer the previous ping. A client that does not read its events is closed with **1008** once \`WS_MAX_BUFFERED_BYTES\` wait for it. On shutdown the server closes with **1001**: reconnect (to any instance) with \`last_event_id\`.

\`\`\`js
let lastId = null;
function connect(getToken) {
  const ws = new WebSocket('wss://api.example.com/api/v1/ws');
  ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: getToken(), last_event_id: lastId }));
  ws.onmessage = ({ data }) => {
    const msg = JSON.parse(data);
    if (msg.type === 'event') { lastId = msg.id; render(msg.event, msg.data); }
    else if (msg.type === 'resync') reloadEverything();
  };
  ws.onclose = ({ code }) => setTimeout(() => connect(getToken), code === 4401 ? 0 : 1000);
  // Re-authenticate before the access token expires (after refreshing it).
  return ws;
}
\`\`\``;

/**
 * Documents the WebSocket endpoint as a route (OpenAPI has no WebSocket operations). An
 * upgrade request never reaches it: Node hands those to the ws adapter (RealtimeWsAdapter).
 */
@ApiTags('realtime')
@Public()
@NoRateLimit()
@Controller('ws')
export class RealtimeController {
  @Get()
  @Endpoint({
    operationId: 'openEventStream',
    // Authenticated by its first message, not by the upgrade request (see the protocol).
    scope: 'public',
    summary: 'Real-time updates: a WebSocket of task events and notifications',
    description: PROTOCOL,
    errors: [
      [
        400,
        { field: 'Upgrade', message: 'this endpoint only speaks WebSocket' },
        'Upgrade: this endpoint only speaks WebSocket',
      ],
      [403, 'Origin not allowed'],
    ],
  })
  @ApiResponse({ status: 101, description: 'Switching Protocols: the WebSocket is open' })
  refuseWithoutUpgrade(): never {
    throw ValidationFailedError.forField('Upgrade', 'this endpoint only speaks WebSocket');
  }
}
