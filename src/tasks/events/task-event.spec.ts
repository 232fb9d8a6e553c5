import type { TaskResponseDto } from '../dto/task-response.dto';
import { opensItsTask, TASK_EVENT_TYPES, taskEventTypes } from './task-event';

const base: TaskResponseDto = {
  id: 1,
  title: 't',
  description: '',
  status: 'pending',
  priority: 'medium',
  user_id: 1,
  project_id: 1,
  assignee_id: null,
  labels: [],
  due_date: null,
  completed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

describe('taskEventTypes', () => {
  it('should name creations, deletions and plain updates', () => {
    expect(taskEventTypes(null, base)).toEqual(['task.created']);
    expect(taskEventTypes(base, null)).toEqual(['task.deleted']);
    expect(taskEventTypes(base, { ...base, title: 'x' })).toEqual(['task.updated']);
  });

  it('should add assigned when the assignee changes to someone and completed on completion', () => {
    expect(taskEventTypes(base, { ...base, assignee_id: 2 })).toEqual([
      'task.updated',
      'task.assigned',
    ]);
    expect(taskEventTypes({ ...base, assignee_id: 2 }, base)).toEqual(['task.updated']);
    expect(taskEventTypes(base, { ...base, status: 'completed' })).toEqual([
      'task.updated',
      'task.completed',
    ]);
    expect(
      taskEventTypes(
        { ...base, status: 'completed' },
        { ...base, status: 'completed', title: 'x' },
      ),
    ).toEqual(['task.updated']);
    expect(taskEventTypes(null, { ...base, assignee_id: 3, status: 'completed' })).toEqual([
      'task.created',
      'task.assigned',
      'task.completed',
    ]);
  });
});

describe('opensItsTask', () => {
  it('should hold for task.created alone', () => {
    const opening = TASK_EVENT_TYPES.filter((type) => opensItsTask({ type }));
    expect(opening).toEqual(['task.created']);
  });

  it('should hold for the first of the events of a creation', () => {
    const types = taskEventTypes(null, { ...base, assignee_id: 2, status: 'completed' });
    expect(types.map((type) => opensItsTask({ type }))).toEqual([true, false, false]);
  });
});
