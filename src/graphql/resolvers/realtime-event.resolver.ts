import { Args, Context, Int, Resolver, Subscription } from '@nestjs/graphql';
import type { CommentResponseDto } from '../../comments/dto/comment-response.dto';
import type { NotificationResponseDto } from '../../notifications/dto/notification-response.dto';
import { RealtimeHub } from '../../realtime/realtime-hub';
import type { TaskResponseDto } from '../../tasks/dto/task-response.dto';
import { callerOf } from '../graphql-caller';
import type { GqlContext } from '../graphql-context';
import { EventQueue } from '../subscriptions/event-queue';
import { gqlNotification } from '../types/notification.types';
import { RealtimeEvent } from '../types/realtime-event.types';
import { gqlComment } from '../types/task-parts.types';
import { gqlTask } from '../types/task.types';

/** Messages a subscriber may fall behind by before its subscription is ended. */
const MAX_QUEUED = 1000;
/** At most this many projects to narrow to (as the WebSocket's `subscribe`). */
const MAX_PROJECTS = 100;

/** A message of the stream, as RealtimeHub renders it for a socket. */
interface StreamMessage {
  type: 'event' | 'resync';
  id?: string;
  event?: string;
  created_at?: string;
  data?: {
    task?: TaskResponseDto;
    task_id?: number;
    comment?: CommentResponseDto;
    notification?: NotificationResponseDto;
  };
}

function toRealtimeEvent(text: string): { taskEvents: RealtimeEvent } {
  const message = JSON.parse(text) as StreamMessage;
  const data = message.data ?? {};
  const task = data.task ?? null;
  return {
    taskEvents: {
      id: message.id ?? null,
      event: message.type === 'resync' ? 'resync' : (message.event ?? 'unknown'),
      createdAt: message.created_at ?? null,
      taskId: task?.id ?? data.task_id ?? data.notification?.task_id ?? null,
      task: task && gqlTask(task),
      comment: data.comment ? gqlComment(data.comment) : null,
      notification: data.notification ? gqlNotification(data.notification) : null,
    },
  };
}

/**
 * `taskEvents`: the real-time stream over GraphQL (graphql-ws, see GraphqlWsGateway), fed by the
 * same live feed as GET /api/v1/ws and filtered by its rules (RealtimeHub decides, per message
 * and at delivery, what this user may see), so there is no second copy of them here.
 */
@Resolver(() => RealtimeEvent)
export class RealtimeEventResolver {
  constructor(private readonly hub: RealtimeHub) {}

  @Subscription(() => RealtimeEvent, {
    description:
      'Live events the caller may see (as GET /api/v1/ws): over a WebSocket at /graphql with ' +
      'the graphql-transport-ws protocol; `projectIds` narrows task events to those projects ' +
      '(ids the caller is no member of match nothing). Ends when the token expires.',
  })
  taskEvents(
    @Context() context: GqlContext,
    @Args('projectIds', { type: () => [Int], nullable: true }) projectIds: number[] | null,
  ): AsyncIterableIterator<{ taskEvents: RealtimeEvent }> {
    const userId = callerOf(context, 'tasks:read');
    const narrowed = (projectIds ?? []).slice(0, MAX_PROJECTS);
    let stopListening = (): void => undefined;
    let expiry: NodeJS.Timeout | undefined;
    const queue = new EventQueue<{ taskEvents: RealtimeEvent }>(MAX_QUEUED, () => {
      stopListening();
      clearTimeout(expiry);
    });
    stopListening = this.hub.listen({
      userId,
      subscription: narrowed.length > 0 ? new Set(narrowed) : null,
      receive: ({ text }) => queue.push(toRealtimeEvent(text)),
    });
    const expiresAt = context.principal?.expiresAt.getTime();
    if (expiresAt !== undefined) {
      // setTimeout's longest delay is about 24.8 days; a longer-lived token ends then.
      expiry = setTimeout(
        () => queue.end(),
        Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1),
      );
      expiry.unref();
    }
    return queue;
  }
}
