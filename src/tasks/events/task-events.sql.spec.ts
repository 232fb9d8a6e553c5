import type { TaskResponseDto } from '../dto/task-response.dto';
import type { TaskEvent } from './task-event';
import { buildEventsInsert } from './task-events.sql';

const at = new Date('2026-12-02T10:00:00.000Z');
const task = { id: 5, title: 'Plan' } as unknown as TaskResponseDto;

describe(buildEventsInsert.name, () => {
  it("should insert one write's events unpublished, in order, in one statement", () => {
    const events: TaskEvent[] = [
      { type: 'task.created', taskId: 5, actorId: 2, occurredAt: at, before: null, after: task },
      { type: 'task.assigned', taskId: 5, actorId: 2, occurredAt: at, before: null, after: task },
    ];
    const insert = buildEventsInsert(events);
    expect(insert.sql).toBe(
      'INSERT INTO task_events (event_type, task_id, actor_id, payload, occurred_at, published_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)',
    );
    const payload = '{"before":null,"after":{"id":5,"title":"Plan"}}';
    expect(insert.params).toEqual([
      ...['task.created', 5, 2, payload, at, null],
      ...['task.assigned', 5, 2, payload, at, null],
    ]);
  });

  it("should carry a comment event's comment in its payload", () => {
    const comment = {
      id: 1,
      task_id: 5,
      author: { id: 2, username: 'ana' },
      body: 'hi',
      mentions: [],
      created_at: at.toISOString(),
      edited_at: null,
    };
    const insert = buildEventsInsert([
      {
        type: 'comment.created',
        taskId: 5,
        actorId: 2,
        occurredAt: at,
        before: null,
        after: null,
        comment,
      },
    ]);
    expect(JSON.parse(insert.params[3] as string)).toEqual({ before: null, after: null, comment });
  });
});
