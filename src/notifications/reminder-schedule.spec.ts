import { desiredReminder, reminderChange, reminderJobId } from './reminder-schedule';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const task = (
  overrides: Partial<{ status: 'pending' | 'in_progress' | 'completed'; due_date: string | null }>,
) => ({ id: 7, status: 'pending' as const, due_date: iso(NOW + 3 * HOUR), ...overrides });

describe('desiredReminder', () => {
  it('should fire the lead time before the due date, with a deterministic job id', () => {
    const due = NOW + 3 * HOUR;
    expect(desiredReminder(task({ due_date: iso(due) }), HOUR, NOW)).toEqual({
      jobId: `reminder-7-${due}`,
      dueAtMs: due,
      delayMs: 2 * HOUR,
    });
    expect(reminderJobId(7, due)).toBe(`reminder-7-${due}`);
  });

  it('should fire at once when the lead time has begun but the task is not due yet', () => {
    const due = NOW + 10 * 60_000;
    expect(desiredReminder(task({ due_date: iso(due) }), HOUR, NOW)).toEqual({
      jobId: `reminder-7-${due}`,
      dueAtMs: due,
      delayMs: 0,
    });
  });

  it('should want no reminder without a due date, when completed, deleted or already due', () => {
    expect(desiredReminder(task({ due_date: null }), HOUR, NOW)).toBeNull();
    expect(desiredReminder(task({ status: 'completed' }), HOUR, NOW)).toBeNull();
    expect(desiredReminder(null, HOUR, NOW)).toBeNull();
    expect(desiredReminder(task({ due_date: iso(NOW) }), HOUR, NOW)).toBeNull();
    expect(desiredReminder(task({ due_date: iso(NOW - 1) }), HOUR, NOW)).toBeNull();
  });
});

describe('reminderChange', () => {
  const due = NOW + 3 * HOUR;
  const later = NOW + 5 * HOUR;

  it('should add a reminder on creation and remove nothing', () => {
    const change = reminderChange(null, task({ due_date: iso(due) }), HOUR, NOW);
    expect(change.remove).toBeNull();
    expect(change.add?.jobId).toBe(`reminder-7-${due}`);
  });

  it('should move the reminder when the due date changes', () => {
    const change = reminderChange(
      task({ due_date: iso(due) }),
      task({ due_date: iso(later) }),
      HOUR,
      NOW,
    );
    expect(change).toEqual({
      remove: `reminder-7-${due}`,
      add: { jobId: `reminder-7-${later}`, dueAtMs: later, delayMs: 4 * HOUR },
    });
  });

  it('should keep the same job (remove nothing) when the due date is unchanged', () => {
    const change = reminderChange(
      task({ due_date: iso(due) }),
      task({ status: 'in_progress', due_date: iso(due) }),
      HOUR,
      NOW,
    );
    expect(change.remove).toBeNull();
    expect(change.add?.jobId).toBe(`reminder-7-${due}`);
  });

  it('should cancel the reminder on completion, deletion or clearing the due date', () => {
    const before = task({ due_date: iso(due) });
    const cancelled = { remove: `reminder-7-${due}`, add: null };
    expect(reminderChange(before, task({ status: 'completed' }), HOUR, NOW)).toEqual(cancelled);
    expect(reminderChange(before, null, HOUR, NOW)).toEqual(cancelled);
    expect(reminderChange(before, task({ due_date: null }), HOUR, NOW)).toEqual(cancelled);
  });

  it('should schedule again when a completed task is reopened', () => {
    const change = reminderChange(
      task({ status: 'completed', due_date: iso(due) }),
      task({ status: 'pending', due_date: iso(due) }),
      HOUR,
      NOW,
    );
    expect(change).toEqual({
      remove: null,
      add: { jobId: `reminder-7-${due}`, dueAtMs: due, delayMs: 2 * HOUR },
    });
  });
});
