import {
  applyHourlyDeltas,
  buildHourlyCountsRecount,
  buildHourlyCountsUpsert,
  hourlyDeltas,
  HourlyTask,
  hourOf,
} from './hourly-counts.sql';

const H = 3_600_000;
const task = (over: Partial<HourlyTask> = {}): HourlyTask => ({
  project_id: 7,
  created_at: '2025-06-30T15:59:59.999Z',
  completed_at: null,
  ...over,
});
const hour = (iso: string): number => hourOf(Date.parse(iso));

describe(hourOf.name, () => {
  it('should give the UTC hour since the epoch, the last millisecond of an hour in it', () => {
    expect(hourOf(0)).toBe(0);
    expect(hourOf(H - 1)).toBe(0);
    expect(hourOf(H)).toBe(1);
    expect(hour('2025-01-01T00:59:59.999Z')).toBe(482_136);
  });
});

describe(hourlyDeltas.name, () => {
  it('should count a new task in its creation hour, and its completion hour when completed', () => {
    expect(hourlyDeltas(null, task())).toEqual([
      { projectId: 7, kind: 1, hour: hour('2025-06-30T15:00:00Z'), delta: 1 },
    ]);
    expect(hourlyDeltas(null, task({ completed_at: '2025-06-30T16:00:00.000Z' }))).toEqual([
      { projectId: 7, kind: 1, hour: hour('2025-06-30T15:00:00Z'), delta: 1 },
      { projectId: 7, kind: 2, hour: hour('2025-06-30T16:00:00Z'), delta: 1 },
    ]);
  });

  it('should move nothing on an update that keeps the project and completed_at', () => {
    expect(hourlyDeltas(task(), task())).toEqual([]);
    const done = task({ completed_at: '2025-07-01T00:00:00.000Z' });
    expect(hourlyDeltas(done, { ...done })).toEqual([]);
  });

  it('should add a completion, take it back on reopening, and move it when completed again', () => {
    const done = task({ completed_at: '2025-07-01T08:30:00.000Z' });
    const done8 = { projectId: 7, kind: 2, hour: hour('2025-07-01T08:00:00Z') };
    expect(hourlyDeltas(task(), done)).toEqual([{ ...done8, delta: 1 }]);
    expect(hourlyDeltas(done, task())).toEqual([{ ...done8, delta: -1 }]);
    expect(hourlyDeltas(done, task({ completed_at: '2025-07-02T09:00:00.000Z' }))).toEqual([
      { ...done8, delta: -1 },
      { projectId: 7, kind: 2, hour: hour('2025-07-02T09:00:00Z'), delta: 1 },
    ]);
  });

  it('should take a deleted task out, and move both counters of a moved task, in key order', () => {
    const done = task({ project_id: 9, completed_at: '2025-07-01T08:30:00.000Z' });
    expect(hourlyDeltas(done, null)).toEqual([
      { projectId: 9, kind: 1, hour: hour('2025-06-30T15:00:00Z'), delta: -1 },
      { projectId: 9, kind: 2, hour: hour('2025-07-01T08:00:00Z'), delta: -1 },
    ]);
    expect(hourlyDeltas(done, { ...done, project_id: 3 })).toEqual([
      { projectId: 3, kind: 1, hour: hour('2025-06-30T15:00:00Z'), delta: 1 },
      { projectId: 3, kind: 2, hour: hour('2025-07-01T08:00:00Z'), delta: 1 },
      { projectId: 9, kind: 1, hour: hour('2025-06-30T15:00:00Z'), delta: -1 },
      { projectId: 9, kind: 2, hour: hour('2025-07-01T08:00:00Z'), delta: -1 },
    ]);
  });
});

describe(applyHourlyDeltas.name, () => {
  it('should upsert every delta in one statement, and run nothing without deltas', async () => {
    const calls: Array<[string, unknown[]]> = [];
    const run = (sql: string, params: unknown[]): Promise<unknown> => {
      calls.push([sql, params]);
      return Promise.resolve({ affectedRows: 1 });
    };
    await applyHourlyDeltas(run, []);
    expect(calls).toEqual([]);
    const deltas = hourlyDeltas(task(), { ...task(), project_id: 8 });
    await applyHourlyDeltas(run, deltas);
    const upsert = buildHourlyCountsUpsert(deltas);
    expect(calls).toEqual([[upsert.sql, upsert.params]]);
    expect(upsert.sql).toBe(
      'INSERT INTO task_hourly_counts (project_id, kind, hour, n) VALUES (?, ?, ?, ?), (?, ?, ?, ?) ' +
        'ON DUPLICATE KEY UPDATE n = n + VALUES(n)',
    );
    expect(upsert.params).toEqual([7, 1, deltas[0].hour, -1, 8, 1, deltas[0].hour, 1]);
  });
});

describe(buildHourlyCountsRecount.name, () => {
  it('should delete the range and count its live tasks per hour, completions from completed_at', () => {
    const [remove, insert] = buildHourlyCountsRecount(4, 6);
    expect(remove).toEqual({
      sql: 'DELETE FROM task_hourly_counts WHERE project_id BETWEEN ? AND ?',
      params: [4, 6],
    });
    expect(insert.params).toEqual([4, 6, 4, 6]);
    expect(insert.sql).toContain('(TO_SECONDS(t.created_at) - 62167219200) DIV 3600 AS hour');
    expect(insert.sql).toContain('(TO_SECONDS(t.completed_at) - 62167219200) DIV 3600 AS hour');
    expect(insert.sql).toContain('t.completed_at IS NOT NULL');
    expect(insert.sql.match(/t\.deleted_at IS NULL/g)).toHaveLength(2);
  });
});
