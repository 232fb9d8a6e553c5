import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ProjectAccessService } from '../src/projects/project-access.service';
import { TaskLabelsService } from '../src/tasks/labels/task-labels.service';
import { resolveLabelFilter } from '../src/tasks/listing/label-filter';
import { LABEL_DRIVEN_MAX } from '../src/tasks/listing/labels.sql';
import { loadViewer, parseListQuery } from '../src/tasks/listing/task-list-request';
import { TasksRepository } from '../src/tasks/persistence/tasks.repository';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { exportFile, exportJson } from './helpers/exports';
import { newPeople, newTeam, People, PROJECTS, Team } from './helpers/projects';
import { createTask, detailFields, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';

interface LabelJson {
  id: number;
  project_id: number;
  name: string;
  color: string;
}

const LABELS = '/api/v1/labels';
const BOM = '\uFEFF';

/**
 * Labels on tasks: `label_ids` on create, update and move (API.md "Tasks"), `labels` in every
 * task response (cached reads, lists, exports, events), label changes reaching tasks, and the
 * listing's `label` filter.
 */
describe('Tasks with labels (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;
  let people: People;
  let outsider: Session;

  beforeAll(async () => {
    // A queue prefix of its own: no other spec's workers run this spec's export jobs.
    t = await startTestApp({
      ...NO_RATE_LIMITS,
      REDIS_KEY_PREFIX: `${process.env.DB_NAME}:labels-${randomBytes(3).toString('hex')}:`,
    });
    ds = t.app.get(DataSource);
    people = await newPeople(t.http);
    outsider = await signUp(t.http);
  });

  afterAll(async () => {
    await t?.close();
  });

  async function label(team: Team, name: string, color?: string): Promise<LabelJson> {
    const res = await t.http
      .post(`${PROJECTS}/${team.project.id}/labels`)
      .set(team.editor.auth)
      .send(color ? { name, color } : { name })
      .expect(201);
    return res.body as LabelJson;
  }

  const view = (l: LabelJson) => ({ id: l.id, name: l.name, color: l.color });
  const get = (who: Session, id: number) => t.http.get(`${TASKS}/${id}`).set(who.auth);
  const patch = (who: Session, id: number, body: object) =>
    t.http.patch(`${TASKS}/${id}`).set(who.auth).send(body);

  describe('label_ids on writes', () => {
    let team: Team;
    let bug: LabelJson;
    let alpha: LabelJson;
    let zed: LabelJson;
    let foreign: LabelJson;

    beforeAll(async () => {
      team = await newTeam(t.http, people);
      zed = await label(team, 'zed', '#00ff00');
      bug = await label(team, 'bug', '#d73a4a');
      alpha = await label(team, 'Alpha');
      foreign = await label(await newTeam(t.http, people), 'bug');
    });

    it('should create a task with its labels by name, duplicates collapsed, in every read', async () => {
      const task = await createTask(t.http, team.editor, {
        project_id: team.project.id,
        label_ids: [zed.id, bug.id, alpha.id, bug.id],
      });
      expect(task.labels).toEqual([view(alpha), view(bug), view(zed)]);
      const read = await get(team.viewer, task.id).expect(200);
      expect(read.body).toEqual(task);
      expect((await get(team.viewer, task.id).expect(200)).headers['x-cache']).toBe('HIT');
      const listed = await t.http
        .get(TASKS)
        .query({ project_id: team.project.id })
        .set(team.owner.auth)
        .expect(200);
      expect((listed.body as TaskJson[]).find((x) => x.id === task.id)).toEqual(task);
      const plain = await createTask(t.http, team.editor, { project_id: team.project.id });
      expect(plain.labels).toEqual([]);
    });

    it.each([
      ['another project', () => [foreign.id], 'label_ids'],
      ['an unknown label', () => [999_999_999], 'label_ids'],
      ['21 labels', () => Array.from({ length: 21 }, (_, i) => i + 1), 'label_ids'],
      ['a string', () => 'bug', 'label_ids'],
      ['a zero', () => [0], 'label_ids'],
      ['a null', () => null, 'label_ids'],
    ])('should answer 400 naming label_ids on create with %s', async (_what, ids, field) => {
      const before = await t.http.get(TASKS).set(team.owner.auth).expect(200);
      const res = await t.http
        .post(TASKS)
        .set(team.editor.auth)
        .send({ title: 'x', project_id: team.project.id, label_ids: ids() })
        .expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body as { details: Array<{ field: string }> })).toEqual([field]);
      const after = await t.http.get(TASKS).set(team.owner.auth).expect(200);
      expect(after.headers['x-total-count']).toBe(before.headers['x-total-count']);
    });

    it('should replace the set on update, bump the ETag, and keep it on an unchanged set', async () => {
      const task = await createTask(t.http, team.editor, {
        project_id: team.project.id,
        label_ids: [bug.id],
      });
      const first = await get(team.editor, task.id).expect(200);
      const same = await patch(team.editor, task.id, { label_ids: [bug.id, bug.id] }).expect(200);
      expect(same.headers.etag).toBe(first.headers.etag);
      const changed = await t.http
        .put(`${TASKS}/${task.id}`)
        .set(team.editor.auth)
        .set('If-Match', first.headers.etag)
        .send({ label_ids: [zed.id, alpha.id] })
        .expect(200);
      expect(changed.body.labels).toEqual([view(alpha), view(zed)]);
      expect(changed.headers.etag).not.toBe(first.headers.etag);
      const read = await get(team.viewer, task.id).expect(200);
      expect(read.body.labels).toEqual([view(alpha), view(zed)]);
      expect(read.headers.etag).toBe(changed.headers.etag);
      await patch(team.editor, task.id, { label_ids: [foreign.id] }).expect(400);
      const cleared = await patch(team.editor, task.id, { label_ids: [] }).expect(200);
      expect(cleared.body.labels).toEqual([]);
      expect((await get(team.owner, task.id).expect(200)).body.labels).toEqual([]);
    });

    it('should let neither a viewer nor an assignee who may not edit set labels', async () => {
      const task = await createTask(t.http, team.editor, {
        project_id: team.project.id,
        assignee_id: outsider.id,
      });
      await patch(team.viewer, task.id, { label_ids: [bug.id] }).expect(403);
      await patch(outsider, task.id, { label_ids: [bug.id] }).expect(403);
      await patch(team.stranger, task.id, { label_ids: [bug.id] }).expect(404);
      expect((await get(outsider, task.id).expect(200)).body.labels).toEqual([]);
    });

    it('should record the labels before and after in the task.updated event', async () => {
      const task = await createTask(t.http, team.editor, {
        project_id: team.project.id,
        label_ids: [bug.id],
      });
      await patch(team.editor, task.id, { label_ids: [alpha.id, bug.id] }).expect(200);
      const rows = await ds.query<Array<{ event_type: string; payload: string }>>(
        'SELECT event_type, payload FROM task_events WHERE task_id = ? ORDER BY id',
        [task.id],
      );
      expect(rows.map((r) => r.event_type)).toEqual(['task.created', 'task.updated']);
      const created = JSON.parse(rows[0].payload) as { after: TaskJson };
      expect(created.after.labels).toEqual([view(bug)]);
      const updated = JSON.parse(rows[1].payload) as { before: TaskJson; after: TaskJson };
      expect(updated.before.labels).toEqual([view(bug)]);
      expect(updated.after.labels).toEqual([view(alpha), view(bug)]);
    });

    it("should drop the old project's labels on a move, and take the target's sent with it", async () => {
      const target = await newTeam(t.http, people);
      const there = await label(target, 'there');
      const task = await createTask(t.http, team.editor, {
        project_id: team.project.id,
        label_ids: [bug.id, zed.id],
      });
      await get(team.editor, task.id).expect(200);
      const moved = await patch(team.editor, task.id, { project_id: target.project.id }).expect(
        200,
      );
      expect(moved.body).toMatchObject({ project_id: target.project.id, labels: [] });
      expect((await get(people.editor, task.id).expect(200)).body.labels).toEqual([]);
      // Labels of the old project may not come along; the target's may.
      const refused = await patch(people.editor, task.id, {
        project_id: team.project.id,
        label_ids: [there.id],
      }).expect(400);
      expect(detailFields(refused.body as { details: Array<{ field: string }> })).toEqual([
        'label_ids',
      ]);
      const back = await patch(people.editor, task.id, {
        project_id: team.project.id,
        label_ids: [bug.id],
      }).expect(200);
      expect(back.body.labels).toEqual([view(bug)]);
    });
  });

  describe('label changes reach the tasks', () => {
    it('should show a rename and a new colour in cached reads and lists, without a new ETag', async () => {
      const team = await newTeam(t.http, people);
      const l = await label(team, 'old');
      const task = await createTask(t.http, team.editor, {
        project_id: team.project.id,
        label_ids: [l.id],
      });
      const first = await get(team.viewer, task.id).expect(200);
      expect((await get(team.viewer, task.id).expect(200)).headers['x-cache']).toBe('HIT');
      await t.http
        .patch(`${LABELS}/${l.id}`)
        .set(team.editor.auth)
        .send({ name: 'new', color: '#123abc' })
        .expect(200);
      const read = await get(team.viewer, task.id).expect(200);
      expect(read.headers['x-cache']).toBe('HIT');
      expect(read.body.labels).toEqual([{ id: l.id, name: 'new', color: '#123abc' }]);
      expect(read.headers.etag).toBe(first.headers.etag);
      const listed = await t.http
        .get(TASKS)
        .query({ project_id: team.project.id })
        .set(team.viewer.auth)
        .expect(200);
      expect((listed.body as TaskJson[])[0].labels).toEqual([
        { id: l.id, name: 'new', color: '#123abc' },
      ]);
    });

    it('should take a deleted label off every task, cached reads included', async () => {
      const team = await newTeam(t.http, people);
      const doomed = await label(team, 'doomed');
      const kept = await label(team, 'kept');
      const tasks = await Promise.all(
        [1, 2, 3].map(() =>
          createTask(t.http, team.editor, {
            project_id: team.project.id,
            label_ids: [doomed.id, kept.id],
          }),
        ),
      );
      for (const task of tasks) await get(team.owner, task.id).expect(200);
      await t.http.delete(`${LABELS}/${doomed.id}`).set(team.editor.auth).expect(204);
      for (const task of tasks) {
        const read = await get(team.owner, task.id).expect(200);
        expect(read.headers['x-cache']).toBe('HIT');
        expect(read.body.labels).toEqual([view(kept)]);
      }
      const listed = await t.http
        .get(TASKS)
        .query({ project_id: team.project.id })
        .set(team.owner.auth)
        .expect(200);
      expect((listed.body as TaskJson[]).map((x) => x.labels)).toEqual(
        tasks.map(() => [view(kept)]),
      );
      const rows = await ds.query<unknown[]>('SELECT 1 FROM task_labels WHERE label_id = ?', [
        doomed.id,
      ]);
      expect(rows).toEqual([]);
      // The task can be given labels again, and the deleted one is refused.
      await patch(team.editor, tasks[0].id, { label_ids: [doomed.id] }).expect(400);
    });
  });

  describe('the label filter', () => {
    let a: Team;
    let b: Team;
    /** People of their own: the other tests' labelled tasks stay out of these counts. */
    let own: People;
    let byTitle: Record<string, TaskJson>;

    beforeAll(async () => {
      // One user in two projects, each with its own label named bug (B spells it Bug).
      own = await newPeople(t.http);
      a = await newTeam(t.http, own);
      b = await newTeam(t.http, own);
      const [aBug, aUrgent, bBug, bUrgent] = [
        await label(a, 'bug'),
        await label(a, 'urgent'),
        await label(b, 'Bug'),
        await label(b, 'urgent'),
      ];
      const specs: Array<[string, Team, number[], Record<string, unknown>?]> = [
        ['a1', a, [aBug.id, aUrgent.id]],
        ['a2', a, [aBug.id], { status: 'completed' }],
        ['a3', a, [aUrgent.id]],
        ['b1', b, [bBug.id]],
        ['b2', b, [bBug.id, bUrgent.id], { assignee_id: outsider.id }],
        ['b3', b, []],
      ];
      byTitle = {};
      for (const [title, team, labelIds, extra] of specs) {
        byTitle[title] = await createTask(t.http, team.owner, {
          title: `${title}-${randomBytes(3).toString('hex')}`,
          project_id: team.project.id,
          label_ids: labelIds,
          ...extra,
        });
      }
    });

    async function titles(
      who: Session,
      query: Record<string, string | number>,
    ): Promise<{ titles: string[]; total: string }> {
      const res = await t.http
        .get(TASKS)
        .query({ sort: 'title', order: 'asc', ...query })
        .set(who.auth)
        .expect(200);
      return {
        titles: (res.body as TaskJson[]).map((x) => x.title.slice(0, 2)),
        total: res.headers['x-total-count'],
      };
    }

    it('should match a name in every visible project, case-insensitively, with X-Total-Count', async () => {
      await expect(titles(own.viewer, { label: 'BUG' })).resolves.toEqual({
        titles: ['a1', 'a2', 'b1', 'b2'],
        total: '4',
      });
    });

    it('should need every name (AND) and combine with the other filters and paging', async () => {
      await expect(titles(own.viewer, { label: 'bug,Urgent' })).resolves.toEqual({
        titles: ['a1', 'b2'],
        total: '2',
      });
      await expect(titles(own.viewer, { label: 'bug', status: 'completed' })).resolves.toEqual({
        titles: ['a2'],
        total: '1',
      });
      await expect(
        titles(own.viewer, { label: 'urgent', project_id: b.project.id }),
      ).resolves.toEqual({ titles: ['b2'], total: '1' });
      await expect(titles(own.viewer, { label: 'bug', page_size: 1, page: 2 })).resolves.toEqual({
        titles: ['a2'],
        total: '4',
      });
      await expect(titles(own.viewer, { label: 'bug', q: 'b1-' })).resolves.toEqual({
        titles: ['b1'],
        total: '1',
      });
    });

    it('should match nothing for an unknown name, and keep the tasks of others invisible', async () => {
      await expect(titles(own.viewer, { label: 'nope' })).resolves.toEqual({
        titles: [],
        total: '0',
      });
      await expect(titles(own.viewer, { label: 'bug,nope' })).resolves.toEqual({
        titles: [],
        total: '0',
      });
      await expect(titles(own.stranger, { label: 'bug' })).resolves.toEqual({
        titles: [],
        total: '0',
      });
    });

    it("should find an assignee's task by the labels of a project it is no member of", async () => {
      await expect(titles(outsider, { label: 'bug,urgent' })).resolves.toEqual({
        titles: ['b2'],
        total: '1',
      });
      await expect(titles(outsider, { label: 'bug', scope: 'assigned' })).resolves.toEqual({
        titles: ['b2'],
        total: '1',
      });
    });

    it('should leave deleted tasks and the tasks of a deleted project out of the counts', async () => {
      const team = await newTeam(t.http, own);
      const gone = await label(team, 'gone-soon');
      const tasks = await Promise.all(
        [1, 2, 3].map(() =>
          createTask(t.http, team.owner, { project_id: team.project.id, label_ids: [gone.id] }),
        ),
      );
      await t.http.delete(`${TASKS}/${tasks[0].id}`).set(team.owner.auth).expect(200);
      await expect(titles(own.viewer, { label: 'gone-soon' })).resolves.toMatchObject({
        total: '2',
      });
      await t.http.delete(`${PROJECTS}/${team.project.id}`).set(team.owner.auth).expect(204);
      await expect(titles(own.viewer, { label: 'gone-soon' })).resolves.toEqual({
        titles: [],
        total: '0',
      });
      const rows = await ds.query<unknown[]>('SELECT 1 FROM task_labels WHERE label_id = ?', [
        gone.id,
      ]);
      expect(rows).toEqual([]);
    });

    it('should read the same page whether a part is read from its labels or in index order', async () => {
      const repository = t.app.get(TasksRepository);
      const viewer = await loadViewer(t.app.get(ProjectAccessService), own.viewer.id);
      const queries: Array<Parameters<typeof parseListQuery>[0]> = [
        { label: ['bug'], sort: 'title', order: 'asc' },
        { label: ['urgent', 'bug'], sort: 'created_at', order: 'desc' },
        { label: ['urgent'], sort: 'due_date', order: 'asc', page_size: 2, page: 2 },
      ];
      for (const query of queries) {
        const parsed = parseListQuery(query);
        const filters = await resolveLabelFilter(
          t.app.get(TaskLabelsService),
          viewer,
          parsed.filters,
        );
        const request = { ...parsed, filters };
        const now = new Date();
        const counts = await repository.labelPartCounts(viewer, filters, now);
        expect(counts.every((n) => n <= LABEL_DRIVEN_MAX)).toBe(true);
        const driven = await repository.listPage(viewer, request, now, counts);
        const probed = await repository.listPage(
          viewer,
          request,
          now,
          counts.map((n) => (n === 0 ? 0 : LABEL_DRIVEN_MAX + 1)),
        );
        expect(driven.length).toBeGreaterThan(0);
        expect(probed.map((row) => Number(row.id))).toEqual(driven.map((row) => Number(row.id)));
      }
    });

    it("should page the default order on the label index as the project's listing orders the rows", async () => {
      const team = await newTeam(t.http);
      const [tag, other] = [await label(team, 'ordered'), await label(team, 'other')];
      const project = team.project.id;
      const made: TaskJson[] = [];
      for (let i = 0; i < 6; i += 1) {
        made.push(
          await createTask(t.http, team.owner, {
            project_id: project,
            label_ids: i === 4 ? [other.id] : [tag.id],
          }),
        );
      }
      // Labelled later, and two tasks created in the same millisecond: ties go by id.
      await patch(team.owner, made[4].id, { label_ids: [tag.id, other.id] }).expect(200);
      const [first, second] = [made[1].id, made[3].id];
      await ds.query(
        'UPDATE tasks t JOIN tasks u ON u.id = ? SET t.created_at = u.created_at WHERE t.id = ?',
        [second, first],
      );
      await ds.query(
        'UPDATE task_labels tl JOIN tasks t ON t.id = tl.task_id SET tl.task_created_at = t.created_at WHERE tl.task_id = ?',
        [first],
      );
      // Every row written so far (creates, label changes, moves of the tests above) copies its
      // task's creation time.
      const copies = await ds.query<Array<{ rows: string | number; wrong: string | number }>>(
        `SELECT COUNT(*) AS \`rows\`, SUM(tl.task_created_at <> t.created_at) AS wrong
           FROM task_labels tl JOIN tasks t ON t.id = tl.task_id`,
      );
      expect(Number(copies[0].rows)).toBeGreaterThan(6);
      expect(Number(copies[0].wrong)).toBe(0);
      const ids = async (query: Record<string, string | number>) => {
        const res = await t.http.get(TASKS).query(query).set(team.viewer.auth).expect(200);
        return {
          ids: (res.body as TaskJson[]).map((x) => x.id),
          total: res.headers['x-total-count'],
        };
      };
      for (const order of ['desc', 'asc']) {
        // Every task of the project carries the label: its page is the project's.
        const all = (await ids({ project_id: project, order, page_size: 100 })).ids;
        const pages: number[] = [];
        for (let page = 1; page <= 3; page += 1) {
          const got = await ids({
            project_id: project,
            label: 'ordered',
            order,
            page_size: 2,
            page,
          });
          expect(got.total).toBe('6');
          pages.push(...got.ids);
        }
        expect(pages).toEqual(all);
        const both = await ids({ project_id: project, label: 'ordered,OTHER', order });
        expect(both).toEqual({ ids: [made[4].id], total: '1' });
      }
    });

    it.each([
      ['', 'label'],
      ['bug,', 'label'],
      ['n'.repeat(51), 'label'],
      [Array.from({ length: 21 }, (_, i) => `l${i}`).join(','), 'label'],
    ])('should answer 400 naming label for label=%s', async (value, field) => {
      const res = await t.http.get(TASKS).query({ label: value }).set(own.viewer.auth);
      expect(res.status).toBe(400);
      expect(detailFields(res.body as { details: Array<{ field: string }> })).toContain(field);
    });

    it('should export the filtered tasks with their labels, and a labels column in CSV', async () => {
      const json = await exportJson(t.http, own.viewer, {
        label: 'urgent',
        sort: 'title',
        order: 'asc',
      });
      expect(json.map((x) => x.title.slice(0, 2))).toEqual(['a1', 'a3', 'b2']);
      expect(json[0].labels.map((l) => l.name)).toEqual(['bug', 'urgent']);
      const csv = await exportFile(
        t.http,
        own.viewer,
        { label: ['bug', 'urgent'], sort: 'title', order: 'asc' },
        'csv',
      );
      const lines = csv.slice(BOM.length).split('\r\n');
      expect(lines[0].split(',')).toContain('labels');
      const column = lines[0].split(',').indexOf('labels');
      expect(lines.slice(1, 3).map((line) => line.split(',')[column])).toEqual([
        'bug;urgent',
        'Bug;urgent',
      ]);
      expect(lines).toHaveLength(4);
    });
  });
});
