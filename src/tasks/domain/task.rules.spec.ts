import type { Task } from './task.entity';
import { TaskForbiddenError } from './task.errors';
import {
  assertMayDelete,
  assertMayUpdate,
  newTaskFields,
  permissionOf,
  planUpdate,
  sentFields,
} from './task.rules';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const EARLIER = new Date('2026-01-10T00:00:00.000Z');

function task(overrides: Partial<Task> = {}): Task {
  return {
    id: 1,
    userId: 10,
    projectId: 5,
    assigneeId: 20,
    title: 'title',
    description: '',
    status: 'pending',
    priority: 'medium',
    dueDate: null,
    completedAt: null,
    createdAt: EARLIER,
    updatedAt: EARLIER,
    deletedAt: null,
    version: 1,
    ...overrides,
  };
}

describe('permissionOf', () => {
  it('should let editors and above edit, whoever created or is assigned the task', () => {
    for (const role of ['editor', 'admin', 'owner'] as const) {
      expect(permissionOf(role, task(), 30)).toBe('edit');
      expect(permissionOf(role, task(), 20)).toBe('edit');
    }
  });

  it('should give an assignee below editor the status, a viewer reading, a stranger nothing', () => {
    expect(permissionOf(null, task(), 20)).toBe('status');
    expect(permissionOf('viewer', task(), 20)).toBe('status');
    expect(permissionOf('viewer', task(), 30)).toBe('read');
    expect(permissionOf(null, task(), 30)).toBeNull();
    // The creator has no right of its own: only its role in the project counts.
    expect(permissionOf(null, task(), 10)).toBeNull();
    expect(permissionOf(null, task({ assigneeId: null }), 20)).toBeNull();
  });
});

describe('assertMayUpdate / assertMayDelete', () => {
  it('should let an editor change anything and delete', () => {
    expect(() =>
      assertMayUpdate('edit', ['title', 'assignee_id', 'status', 'project_id']),
    ).not.toThrow();
    expect(() => assertMayDelete('edit')).not.toThrow();
  });

  it('should let the assignee change the status only', () => {
    expect(() => assertMayUpdate('status', ['status'])).not.toThrow();
    for (const fields of [
      ['title'],
      ['status', 'priority'],
      ['assignee_id'],
      ['due_date'],
      ['project_id'],
    ]) {
      expect(() => assertMayUpdate('status', fields)).toThrow(TaskForbiddenError);
    }
    expect(() => assertMayDelete('status')).toThrow(TaskForbiddenError);
  });

  it('should let a viewer change nothing', () => {
    expect(() => assertMayUpdate('read', ['status'])).toThrow(TaskForbiddenError);
    expect(() => assertMayDelete('read')).toThrow(TaskForbiddenError);
  });
});

describe('newTaskFields', () => {
  it('should apply the defaults', () => {
    expect(newTaskFields({ title: 'a' }, 7, NOW)).toEqual({
      title: 'a',
      description: '',
      status: 'pending',
      priority: 'medium',
      dueDate: null,
      assigneeId: null,
      completedAt: null,
      projectId: 7,
    });
  });

  it('should stamp completed_at for a task created completed and parse the due date', () => {
    expect(
      newTaskFields(
        { title: 'a', status: 'completed', due_date: '2026-02-01T08:00:00+08:00' },
        7,
        NOW,
      ),
    ).toMatchObject({ completedAt: NOW, dueDate: new Date('2026-02-01T00:00:00.000Z') });
  });
});

describe('sentFields', () => {
  it('should list present fields, nulls included', () => {
    expect(sentFields({ title: undefined, due_date: null, status: 'pending' })).toEqual([
      'due_date',
      'status',
    ]);
  });
});

describe('planUpdate', () => {
  it('should change only the sent fields and report what really changed', () => {
    const { next, changed } = planUpdate(
      task({ priority: 'high' }),
      { priority: 'high', title: 'new' },
      NOW,
    );
    expect(changed).toEqual(['title']);
    expect(next).toMatchObject({ title: 'new', priority: 'high', assigneeId: 20 });
  });

  it('should clear due_date and assignee with null', () => {
    const { next, changed } = planUpdate(
      task({ dueDate: EARLIER }),
      { due_date: null, assignee_id: null },
      NOW,
    );
    expect(next).toMatchObject({ dueDate: null, assigneeId: null });
    expect(changed.sort()).toEqual(['assigneeId', 'dueDate']);
  });

  it('should compare due dates by instant, not by object', () => {
    const { changed } = planUpdate(
      task({ dueDate: new Date('2026-02-01T00:00:00Z') }),
      { due_date: '2026-02-01T08:00:00+08:00' },
      NOW,
    );
    expect(changed).toEqual([]);
  });

  it('should set completed_at on completion, keep it while completed and clear it on leaving', () => {
    const done = planUpdate(task(), { status: 'completed' }, NOW);
    expect(done.next.completedAt).toBe(NOW);
    expect(done.changed.sort()).toEqual(['completedAt', 'status']);
    const still = planUpdate(
      task({ status: 'completed', completedAt: EARLIER }),
      { status: 'completed', title: 'x' },
      NOW,
    );
    expect(still.next.completedAt).toBe(EARLIER);
    const reopened = planUpdate(
      task({ status: 'completed', completedAt: EARLIER }),
      { status: 'pending' },
      NOW,
    );
    expect(reopened.next.completedAt).toBeNull();
    expect(reopened.changed.sort()).toEqual(['completedAt', 'status']);
  });
});
