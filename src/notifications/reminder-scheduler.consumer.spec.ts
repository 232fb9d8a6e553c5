import type { AppConfigType } from '../config/app-config';
import type { JobsService } from '../jobs/jobs.service';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import type { DispatchedTaskEvent } from '../tasks/events/task-event-consumer';
import { ReminderSchedulerConsumer } from './reminder-scheduler.consumer';

const HOUR = 3_600_000;

describe(ReminderSchedulerConsumer.name, () => {
  const due = new Date(Date.now() + 5 * HOUR).toISOString();
  const task: TaskResponseDto = {
    id: 5,
    title: 'Write the docs',
    description: '',
    status: 'pending',
    priority: 'medium',
    user_id: 1,
    project_id: 1,
    assignee_id: null,
    due_date: due,
    completed_at: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    labels: [],
  };
  let calls: string[];
  let consumer: ReminderSchedulerConsumer;

  beforeEach(() => {
    calls = [];
    const jobs = {
      remove: (_queue: string, jobId: string) => {
        calls.push(`remove ${jobId}`);
        return Promise.resolve();
      },
      enqueue: (_name: string, _payload: unknown, options: { jobId: string }) => {
        calls.push(`add ${options.jobId}`);
        return Promise.resolve();
      },
    } as unknown as JobsService;
    consumer = new ReminderSchedulerConsumer(jobs, { reminderLeadMs: HOUR } as AppConfigType);
  });

  const event = (overrides: Partial<DispatchedTaskEvent>): DispatchedTaskEvent => ({
    id: 90,
    type: 'task.updated',
    taskId: task.id,
    actorId: 1,
    occurredAt: new Date(),
    before: task,
    after: task,
    ...overrides,
  });

  it('should schedule the reminder of a created task', async () => {
    await consumer.onTaskEvent(event({ type: 'task.created', before: null }));
    expect(calls).toEqual([`add reminder-5-${Date.parse(due)}`]);
  });

  it('should leave the reminder alone on a comment, which changes no task', async () => {
    await consumer.onTaskEvent(
      event({
        type: 'comment.created',
        comment: {
          id: 1,
          task_id: task.id,
          author: { id: 1, username: 'alice' },
          body: 'hi',
          mentions: [],
          created_at: '2026-01-02T00:00:00.000Z',
          edited_at: null,
        },
      }),
    );
    expect(calls).toEqual([]);
  });
});
