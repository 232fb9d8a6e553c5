import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session } from './helpers/factories';
import { createProject, newPeople, People, newTeam, PROJECTS, Team } from './helpers/projects';
import { cellDrift, expectedHourlyCounts, storedHourlyCounts } from './helpers/read-model-truth';
import {
  createTask,
  detailFields,
  inboxOf,
  NO_RATE_LIMITS,
  rebuildTaskSearch,
  recountTaskCounts,
  TASKS,
  TaskJson,
} from './helpers/tasks';

const COMPLETION = '/api/v1/reports/completion';
const WORKLOAD = '/api/v1/reports/workload';
const DAY = 86_400_000;
const STATUSES = ['pending', 'in_progress', 'completed'] as const;

/** A task as the model knows it (timestamps in UTC ms). */
interface ModelTask {
  projectId: number;
  assigneeId: number | null;
  status: (typeof STATUSES)[number];
  createdAt: number;
  completedAt: number | null;
  dueDate: number | null;
  deleted: boolean;
}

interface Bucket {
  start: string;
  created: number;
  completed: number;
  completion_rate: number | null;
}

interface WorkloadRow {
  assignee: { id: number; username: string } | null;
  pending: number;
  in_progress: number;
  completed: number;
  overdue: number;
}

/** Deterministic random numbers (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The local calendar date of an instant in `tz`, as YYYY-MM-DD (an independent oracle). */
function localDate(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}

function localTime(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(ms);
}

const civil = (key: string): Date => new Date(`${key}T00:00:00Z`);
const keyOf = (d: Date): string => d.toISOString().slice(0, 10);

/** The key of the bucket holding local date `date`: itself, its week's Monday, its month's 1st. */
function bucketKey(date: string, interval: 'day' | 'week' | 'month'): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const d = civil(date);
  return keyOf(new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY));
}

function nextKey(key: string, interval: 'day' | 'week' | 'month'): string {
  const d = civil(key);
  if (interval === 'day') return keyOf(new Date(d.getTime() + DAY));
  if (interval === 'week') return keyOf(new Date(d.getTime() + 7 * DAY));
  return keyOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)));
}

describe('Reports (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;
  let people: People;
  let team: Team;
  /** A team editor with its own inbox: the main viewer of the reports. */
  let me: Session;
  /** No member of the team; some team tasks are assigned to it. */
  let outsider: Session;
  const model: ModelTask[] = [];
  const memberOf = new Map<number, Set<number>>();

  const visibleTo = (userId: number, task: ModelTask): boolean =>
    !task.deleted && (memberOf.get(userId)!.has(task.projectId) || task.assigneeId === userId);

  /** The model's series for `userId`, in the form the API answers (starts checked apart). */
  function expectedSeries(
    userId: number,
    from: string,
    to: string,
    interval: 'day' | 'week' | 'month',
    tz: string,
    projectIds?: number[],
  ): { keys: string[]; created: number[]; completed: number[] } {
    const keys = [bucketKey(localDate(Date.parse(from), tz), interval)];
    const last = bucketKey(localDate(Date.parse(to) - 1, tz), interval);
    while (keys[keys.length - 1] !== last) keys.push(nextKey(keys[keys.length - 1], interval));
    const index = new Map(keys.map((k, i) => [k, i]));
    const created = keys.map(() => 0);
    const completed = keys.map(() => 0);
    for (const task of model) {
      if (!visibleTo(userId, task)) continue;
      if (projectIds && !projectIds.includes(task.projectId)) continue;
      const c = index.get(bucketKey(localDate(task.createdAt, tz), interval));
      if (c !== undefined) created[c] += 1;
      if (task.completedAt !== null) {
        const d = index.get(bucketKey(localDate(task.completedAt, tz), interval));
        if (d !== undefined) completed[d] += 1;
      }
    }
    return { keys, created, completed };
  }

  async function expectReport(
    user: Session,
    query: { from: string; to: string; interval: 'day' | 'week' | 'month'; tz: string },
    projectIds?: number[],
    options: { allowNonMidnight?: string[] } = {},
  ): Promise<Bucket[]> {
    const res = await t.http
      .get(COMPLETION)
      .set(user.auth)
      .query({ ...query, ...(projectIds ? { project_id: projectIds.join(',') } : {}) })
      .expect(200);
    // The zone as the runtime spells it (this Node's ICU answers Asia/Calcutta for Asia/Kolkata).
    const tz = new Intl.DateTimeFormat('en-US', { timeZone: query.tz }).resolvedOptions().timeZone;
    expect(res.body).toMatchObject({ interval: query.interval, tz });
    const series = res.body.series as Bucket[];
    const want = expectedSeries(
      user.id,
      query.from,
      query.to,
      query.interval,
      query.tz,
      projectIds,
    );
    // Each bucket starts at its local midnight, one bucket per local date/week/month, in order.
    expect(series.map((b) => localDate(Date.parse(b.start), query.tz))).toEqual(want.keys);
    const notMidnight = series
      .filter((b) => localTime(Date.parse(b.start), query.tz) !== '00:00:00')
      .map((b) => localDate(Date.parse(b.start), query.tz));
    expect(notMidnight).toEqual(options.allowNonMidnight ?? []);
    expect(series.every((b) => b.start === new Date(Date.parse(b.start)).toISOString())).toBe(true);
    expect(series.map((b) => b.created)).toEqual(want.created);
    expect(series.map((b) => b.completed)).toEqual(want.completed);
    expect(series.map((b) => b.completion_rate)).toEqual(
      want.created.map((c, i) => (c === 0 ? null : want.completed[i] / c)),
    );
    return series;
  }

  async function insertTasks(creatorOf: Map<number, number>, tasks: ModelTask[]): Promise<void> {
    const rows = tasks.map((task, i) => [
      creatorOf.get(task.projectId),
      task.projectId,
      task.assigneeId,
      `report task ${i}`,
      '',
      STATUSES.indexOf(task.status) + 1,
      2,
      task.dueDate === null ? null : new Date(task.dueDate),
      task.completedAt === null ? null : new Date(task.completedAt),
      new Date(task.createdAt),
      new Date(task.completedAt ?? task.createdAt),
      task.deleted ? new Date(task.createdAt) : null,
    ]);
    await ds.query(
      'INSERT INTO tasks (user_id, project_id, assignee_id, title, description, status, priority, due_date, completed_at, created_at, updated_at, deleted_at) VALUES ?',
      [rows],
    );
    model.push(...tasks);
  }

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    ds = t.app.get(DataSource);
    people = await newPeople(t.http);
    team = await newTeam(t.http, people);
    me = people.editor;
    outsider = people.stranger;
    const inboxes = new Map<number, number>();
    for (const user of Object.values(people)) inboxes.set(user.id, await inboxOf(ds, user.id));
    for (const user of Object.values(people))
      memberOf.set(user.id, new Set([inboxes.get(user.id)!]));
    for (const user of [team.owner, team.admin, team.editor, team.viewer])
      memberOf.get(user.id)!.add(team.project.id);

    // Tasks spread from December 2024 to January 2026 (both DST changes of 2025 inside) over
    // my inbox, the team project and the outsider's inbox, with every kind of assignee.
    const projects = [inboxes.get(me.id)!, team.project.id, inboxes.get(outsider.id)!];
    const creatorOf = new Map([
      [projects[0], me.id],
      [projects[1], team.owner.id],
      [projects[2], outsider.id],
    ]);
    const assignees = [null, me.id, outsider.id, team.owner.id, team.viewer.id];
    const rand = prng(20251026);
    const start = Date.UTC(2024, 11, 1);
    const span = Date.UTC(2026, 1, 1) - start;
    const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)];
    const random: ModelTask[] = [];
    for (let i = 0; i < 900; i++) {
      // Whole seconds; a few on the very instant of a local midnight.
      const createdAt = start + Math.floor((rand() * span) / 1000) * 1000;
      const done = rand() < 0.5;
      random.push({
        projectId: pick(projects),
        assigneeId: pick(assignees),
        status: done ? 'completed' : pick(['pending', 'in_progress'] as const),
        createdAt,
        completedAt: done ? createdAt + Math.floor(rand() * 60 * DAY) : null,
        dueDate: rand() < 0.7 ? createdAt + Math.floor((rand() - 0.3) * 400 * DAY) : null,
        deleted: rand() < 0.05,
      });
    }
    // On both sides of Berlin's and Shanghai's midnights around the DST changes.
    const edges = [
      '2025-03-29T22:59:59Z', // 23:59:59 CET 29 March
      '2025-03-29T23:00:00Z', // 00:00 CET 30 March (the 23-hour day)
      '2025-03-30T21:59:59Z', // 23:59:59 CEST 30 March
      '2025-03-30T22:00:00Z', // 00:00 CEST 31 March
      '2025-10-25T21:59:59Z',
      '2025-10-25T22:00:00Z', // 00:00 CEST 26 October (the 25-hour day)
      '2025-10-26T22:59:59Z',
      '2025-10-26T23:00:00Z', // 00:00 CET 27 October
      '2025-06-30T15:59:59Z', // 23:59:59 in Shanghai, 30 June
      '2025-06-30T16:00:00Z', // 00:00 in Shanghai, 1 July
    ].map(Date.parse);
    for (const at of edges) {
      random.push({
        projectId: team.project.id,
        assigneeId: null,
        status: 'completed',
        createdAt: at - 3 * DAY,
        completedAt: at,
        dueDate: null,
        deleted: false,
      });
      random.push({
        projectId: inboxes.get(me.id)!,
        assigneeId: null,
        status: 'pending',
        createdAt: at,
        completedAt: null,
        dueDate: null,
        deleted: false,
      });
    }
    await insertTasks(creatorOf, random);
    await recountTaskCounts(ds, projects);
    await rebuildTaskSearch(ds, projects);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('GET /reports/completion', () => {
    const YEAR = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };

    it('should count my visible tasks per UTC day over a year, every day present', async () => {
      const series = await expectReport(me, { ...YEAR, interval: 'day', tz: 'UTC' });
      expect(series).toHaveLength(365);
      expect(series[0].start).toBe('2025-01-01T00:00:00.000Z');
      expect(series.some((b) => b.created === 0 && b.completion_rate === null)).toBe(true);
      expect(series.reduce((n, b) => n + b.created, 0)).toBeGreaterThan(300);
    });

    it('should cut days in Berlin across both DST changes (23 and 25 hours)', async () => {
      const series = await expectReport(me, { ...YEAR, interval: 'day', tz: 'Europe/Berlin' });
      const at = (date: string): number =>
        series.findIndex((b) => localDate(Date.parse(b.start), 'Europe/Berlin') === date);
      const length = (i: number): number =>
        (Date.parse(series[i + 1].start) - Date.parse(series[i].start)) / 3_600_000;
      expect(series[at('2025-03-30')].start).toBe('2025-03-29T23:00:00.000Z');
      expect(length(at('2025-03-30'))).toBe(23);
      expect(series[at('2025-10-26')].start).toBe('2025-10-25T22:00:00.000Z');
      expect(length(at('2025-10-26'))).toBe(25);
      // The edge tasks: one created on each side of each midnight.
      expect(series[at('2025-03-30')].created).toBeGreaterThanOrEqual(2);
    });

    it('should cut days, weeks and months in Shanghai and weeks in Berlin', async () => {
      await expectReport(me, { ...YEAR, interval: 'day', tz: 'Asia/Shanghai' });
      await expectReport(me, { ...YEAR, interval: 'month', tz: 'Asia/Shanghai' });
      // Santiago skips midnight when its clocks go forward (7 September 2025 starts at 01:00).
      const santiago = await expectReport(
        me,
        { ...YEAR, interval: 'day', tz: 'America/Santiago' },
        undefined,
        { allowNonMidnight: ['2025-09-07'] },
      );
      expect(santiago.find((b) => b.start.startsWith('2025-09-07'))?.start).toBe(
        '2025-09-07T04:00:00.000Z',
      );
      const weeks = await expectReport(me, { ...YEAR, interval: 'week', tz: 'Europe/Berlin' });
      // ISO weeks: every bucket starts on a Monday; 1 January 2025 was a Wednesday.
      expect(weeks[0].start).toBe('2024-12-29T23:00:00.000Z');
      expect(
        weeks.every((b) => new Date(Date.parse(b.start) + 3 * 3_600_000).getUTCDay() === 1),
      ).toBe(true);
      const months = await expectReport(me, { ...YEAR, interval: 'month', tz: 'UTC' });
      expect(months.map((b) => b.start.slice(0, 10))).toEqual(
        Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}-01`),
      );
    });

    it('should cut days at half-hour and quarter-hour offsets (Kolkata, Kathmandu) and in New York', async () => {
      // Every midnight falls inside a UTC hour there: the partial hours are counted from the tasks.
      await expectReport(me, { ...YEAR, interval: 'day', tz: 'Asia/Kolkata' });
      await expectReport(me, { ...YEAR, interval: 'week', tz: 'Asia/Kathmandu' });
      await expectReport(team.viewer, { ...YEAR, interval: 'month', tz: 'Asia/Kolkata' });
      await expectReport(outsider, { ...YEAR, interval: 'day', tz: 'Asia/Kolkata' });
      // Lord Howe's DST moves its clocks by half an hour: midnights on and off the UTC hour.
      await expectReport(me, { ...YEAR, interval: 'day', tz: 'Australia/Lord_Howe' });
      await expectReport(me, { ...YEAR, interval: 'day', tz: 'America/New_York' });
      await expectReport(me, { ...YEAR, interval: 'day', tz: 'Asia/Kolkata' }, [team.project.id]);
    });

    it("should count only what each user sees: never a stranger's, an assignee's own tasks", async () => {
      // The outsider sees its inbox and the team tasks assigned to it, nothing else of the team.
      await expectReport(outsider, { ...YEAR, interval: 'month', tz: 'Europe/Berlin' });
      await expectReport(team.owner, { ...YEAR, interval: 'week', tz: 'UTC' });
      await expectReport(team.viewer, { ...YEAR, interval: 'day', tz: 'Asia/Shanghai' });
      const mine = expectedSeries(me.id, YEAR.from, YEAR.to, 'month', 'UTC');
      const all = model.filter((task) => !task.deleted).length;
      expect(mine.created.reduce((a, b) => a + b, 0)).toBeLessThan(all);
    });

    it('should narrow to the project filter; ids the caller cannot see match nothing', async () => {
      await expectReport(me, { ...YEAR, interval: 'month', tz: 'UTC' }, [team.project.id]);
      const outsiderInbox = await inboxOf(ds, outsider.id);
      // My tasks in the outsider's inbox are those assigned to me.
      await expectReport(me, { ...YEAR, interval: 'month', tz: 'UTC' }, [outsiderInbox]);
      const none = await expectReport(
        me,
        { ...YEAR, interval: 'month', tz: 'UTC' },
        [4_000_000_000],
      );
      expect(none.every((b) => b.created === 0 && b.completed === 0)).toBe(true);
      // The outsider narrowed to the team sees exactly the team tasks assigned to it.
      const team1 = await expectReport(outsider, { ...YEAR, interval: 'month', tz: 'UTC' }, [
        team.project.id,
      ]);
      expect(team1.reduce((n, b) => n + b.created, 0)).toBeGreaterThan(0);
    });

    it('should default to the last 30 UTC days and count tasks made through the API', async () => {
      const created = [
        await createTask(t.http, team.editor, { project_id: team.project.id }),
        await createTask(t.http, team.owner, { project_id: team.project.id, assignee_id: me.id }),
        await createTask(t.http, outsider),
      ];
      const done = await t.http
        .patch(`${TASKS}/${created[0].id}`)
        .set(me.auth)
        .send({ status: 'completed' })
        .expect(200);
      for (const [i, task] of created.entries()) {
        model.push({
          projectId: task.project_id,
          assigneeId: task.assignee_id,
          status: i === 0 ? 'completed' : task.status,
          createdAt: Date.parse(task.created_at),
          completedAt: i === 0 ? Date.parse(done.body.completed_at as string) : null,
          dueDate: null,
          deleted: false,
        });
      }
      const res = await t.http.get(COMPLETION).set(me.auth).expect(200);
      expect(res.body).toMatchObject({ interval: 'day', tz: 'UTC' });
      const series = res.body.series as Bucket[];
      expect(series).toHaveLength(30);
      const today = new Date().toISOString().slice(0, 10);
      expect(series[29].start).toBe(`${today}T00:00:00.000Z`);
      expect(series[29]).toEqual({
        start: `${today}T00:00:00.000Z`,
        created: 2,
        completed: 1,
        completion_rate: 0.5,
      });
      expect(series.slice(0, 29).every((b) => b.created === 0 && b.completed === 0)).toBe(true);
      const weeks = await t.http
        .get(COMPLETION)
        .set(me.auth)
        .query({ interval: 'week', tz: 'Europe/Berlin' })
        .expect(200);
      expect(weeks.body.series).toHaveLength(12);
      expect(weeks.body.tz).toBe('Europe/Berlin');
    });

    it('should refuse bad input with 400 naming the field', async () => {
      const cases: Array<[Record<string, string>, string]> = [
        [{ interval: 'hour' }, 'interval'],
        [{ tz: 'Mars/Base' }, 'tz'],
        [{ tz: '+01:00' }, 'tz'],
        [{ from: '2025-01-01T00:00:00Z', to: '2026-02-05T00:00:00Z', interval: 'day' }, 'from'],
        [{ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', interval: 'month' }, 'from'],
        [{ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, 'from'],
        [{ from: '2025-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, 'from'],
        [{ from: '2999-01-01T00:00:00Z' }, 'from'],
        [{ from: 'yesterday' }, 'from'],
        [{ to: '2025-02-30T00:00:00Z' }, 'to'],
        [{ to: '0999-12-31T00:00:00Z' }, 'to'],
        [{ project_id: 'abc' }, 'project_id'],
        [{ project_id: '0' }, 'project_id'],
      ];
      for (const [query, field] of cases) {
        const res = await t.http.get(COMPLETION).set(me.auth).query(query);
        expect({ query, status: res.status, fields: detailFields(res.body) }).toEqual({
          query,
          status: 400,
          fields: [field],
        });
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      }
      const repeated = await t.http.get(`${COMPLETION}?interval=day&interval=week`).set(me.auth);
      expect({ status: repeated.status, fields: detailFields(repeated.body) }).toEqual({
        status: 400,
        fields: ['interval'],
      });
      // 366 days (a leap year) is the most by day.
      await t.http
        .get(COMPLETION)
        .set(me.auth)
        .query({ from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })
        .expect(200);
      await t.http.get(COMPLETION).expect(401);
    });

    it('should stay exact through creates, completions, reopenings, deletes, moves and a project deletion', async () => {
      const inbox = await inboxOf(ds, me.id);
      const side = await createProject(t.http, me, { name: 'report side' });
      memberOf.get(me.id)!.add(side.id);
      const tracked = new Map<number, ModelTask>();
      const track = (task: TaskJson): void => {
        const entry: ModelTask = {
          projectId: task.project_id,
          assigneeId: task.assignee_id,
          status: task.status,
          createdAt: Date.parse(task.created_at),
          completedAt: task.completed_at === null ? null : Date.parse(task.completed_at),
          dueDate: null,
          deleted: false,
        };
        tracked.set(task.id, entry);
        model.push(entry);
      };
      const patch = async (id: number, body: Record<string, unknown>): Promise<void> => {
        const res = await t.http.patch(`${TASKS}/${id}`).set(me.auth).send(body).expect(200);
        const task = res.body as TaskJson;
        Object.assign(tracked.get(id)!, {
          projectId: task.project_id,
          status: task.status,
          completedAt: task.completed_at === null ? null : Date.parse(task.completed_at),
        });
      };
      // The span holds now and New York's change back to standard time (1 November 2026).
      const span = { from: '2026-10-15T00:00:00Z', to: '2027-01-01T00:00:00Z' };
      const projects = [inbox, side.id, team.project.id];
      const expectExact = async (step: string): Promise<void> => {
        const rows = await ds.query<
          Array<{ project_id: number; created_at: Date; completed_at: Date | null }>
        >(
          'SELECT project_id, created_at, completed_at FROM tasks WHERE deleted_at IS NULL AND project_id IN (?)',
          [projects],
        );
        const drift = cellDrift(
          await storedHourlyCounts(ds, projects),
          expectedHourlyCounts(rows.map((r) => ({ ...r, project_id: Number(r.project_id) }))),
        );
        expect({ step, drift }).toEqual({ step, drift: [] });
        for (const tz of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
          await expectReport(me, { ...span, interval: 'day', tz });
        }
        await expectReport(me, { ...span, interval: 'week', tz: 'Asia/Kolkata' }, [side.id]);
        await expectReport(outsider, { ...span, interval: 'day', tz: 'America/New_York' });
      };

      const made = [
        await createTask(t.http, me, { project_id: inbox }),
        await createTask(t.http, me, { project_id: side.id, status: 'completed' }),
        await createTask(t.http, me, { project_id: side.id, assignee_id: outsider.id }),
        await createTask(t.http, me, { project_id: side.id }),
        await createTask(t.http, me, { project_id: team.project.id, assignee_id: outsider.id }),
      ];
      made.forEach(track);
      await expectExact('create');
      await patch(made[0].id, { status: 'completed' });
      await patch(made[2].id, { status: 'completed' });
      await expectExact('complete');
      await patch(made[1].id, { status: 'in_progress' });
      await expectExact('reopen');
      await t.http.delete(`${TASKS}/${made[3].id}`).set(me.auth).expect(200);
      tracked.get(made[3].id)!.deleted = true;
      await expectExact('delete');
      // A completed task moved both ways: its created and completed counters go with it.
      await patch(made[0].id, { project_id: side.id });
      await patch(made[2].id, { project_id: team.project.id });
      await expectExact('move');
      await t.http.delete(`${PROJECTS}/${side.id}`).set(me.auth).expect(204);
      for (const task of tracked.values()) if (task.projectId === side.id) task.deleted = true;
      expect([...tracked.values()].filter((task) => task.deleted)).toHaveLength(3);
      await expectExact('project deletion');
    });
  });

  describe('GET /reports/workload', () => {
    function expectedWorkload(userId: number, now: number, projectIds?: number[]): WorkloadRow[] {
      const names = new Map(Object.values(people).map((p) => [p.id, p.username]));
      const rows = new Map<number | null, WorkloadRow>();
      for (const task of model) {
        if (!visibleTo(userId, task)) continue;
        if (projectIds && !projectIds.includes(task.projectId)) continue;
        let row = rows.get(task.assigneeId);
        if (!row) {
          row = {
            assignee:
              task.assigneeId === null
                ? null
                : { id: task.assigneeId, username: names.get(task.assigneeId)! },
            pending: 0,
            in_progress: 0,
            completed: 0,
            overdue: 0,
          };
          rows.set(task.assigneeId, row);
        }
        row[task.status] += 1;
        if (task.status !== 'completed' && task.dueDate !== null && task.dueDate < now) {
          row.overdue += 1;
        }
      }
      return [...rows.values()].sort((a, b) =>
        a.assignee === null
          ? 1
          : b.assignee === null
            ? -1
            : a.assignee.username < b.assignee.username
              ? -1
              : 1,
      );
    }

    it('should give one row per assignee of the visible tasks, unassigned last', async () => {
      for (const user of [me, outsider, team.owner, team.viewer]) {
        const res = await t.http.get(WORKLOAD).set(user.auth).expect(200);
        expect({ user: user.id, rows: res.body }).toEqual({
          user: user.id,
          rows: expectedWorkload(user.id, Date.now()),
        });
      }
      const mine = expectedWorkload(me.id, Date.now());
      expect(mine[mine.length - 1].assignee).toBeNull();
      expect(mine.some((r) => r.overdue > 0)).toBe(true);
    });

    it('should narrow to the project filter and refuse bad values', async () => {
      const res = await t.http
        .get(WORKLOAD)
        .set(me.auth)
        .query({ project_id: String(team.project.id) })
        .expect(200);
      expect(res.body).toEqual(expectedWorkload(me.id, Date.now(), [team.project.id]));
      // The outsider's row in the team counts only the team tasks assigned to it.
      const outsiderView = await t.http
        .get(WORKLOAD)
        .set(outsider.auth)
        .query({ project_id: String(team.project.id) })
        .expect(200);
      expect((outsiderView.body as WorkloadRow[]).map((r) => r.assignee?.id)).toEqual([
        outsider.id,
      ]);
      await t.http
        .get(WORKLOAD)
        .set(me.auth)
        .query({ project_id: '4000000000' })
        .expect(200)
        .expect([]);
      const bad = await t.http.get(WORKLOAD).set(me.auth).query({ project_id: 'x' }).expect(400);
      expect(detailFields(bad.body)).toEqual(['project_id']);
    });
  });
});
