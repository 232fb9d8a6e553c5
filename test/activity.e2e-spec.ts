import { startTestApp, TestApp } from './helpers/app';
import { ATTACHMENTS, upload, uploaded } from './helpers/attachments';
import { errorBody, Session, signUp } from './helpers/factories';
import {
  createProject,
  newPeople,
  newTeam,
  People,
  PROJECTS,
  setMember,
  Team,
} from './helpers/projects';
import {
  createTask,
  detailFields,
  linkUrl,
  NO_RATE_LIMITS,
  TASKS,
  TaskJson,
} from './helpers/tasks';

interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

interface EntryJson {
  id: number;
  task_id: number;
  type: string;
  actor: { id: number; username: string };
  changes: Change[];
  created_at: string;
}

const ENTRY_KEYS = ['actor', 'changes', 'created_at', 'id', 'task_id', 'type'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const taskActivity = (taskId: number): string => `${TASKS}/${taskId}/activity`;
const projectActivity = (projectId: number): string => `${PROJECTS}/${projectId}/activity`;

describe('Activity (e2e)', () => {
  let t: TestApp;
  let people: People;

  beforeAll(async () => {
    t = await startTestApp({ ...NO_RATE_LIMITS, ATTACHMENT_MAX_BYTES: '65536' });
    people = await newPeople(t.http);
  });

  afterAll(async () => {
    await t.close();
  });

  /** Every entry of a task's feed (one page of 100), oldest first. */
  async function feed(taskId: number, user: Session): Promise<EntryJson[]> {
    const res = await t.http
      .get(taskActivity(taskId))
      .query({ page_size: 100 })
      .set(user.auth)
      .expect(200);
    return res.body as EntryJson[];
  }

  async function projectFeed(projectId: number, user: Session): Promise<EntryJson[]> {
    const res = await t.http
      .get(projectActivity(projectId))
      .query({ page_size: 100 })
      .set(user.auth)
      .expect(200);
    return res.body as EntryJson[];
  }

  function patch(user: Session, taskId: number, body: object) {
    return t.http.patch(`${TASKS}/${taskId}`).set(user.auth).send(body);
  }

  async function teamTask(body: object = {}): Promise<{ team: Team; task: TaskJson }> {
    const team = await newTeam(t.http, people);
    const task = await createTask(t.http, team.editor, { project_id: team.project.id, ...body });
    return { team, task };
  }

  describe('a task', () => {
    it('should start with one created entry by its creator, without changes', async () => {
      const { team, task } = await teamTask({
        title: '写文档',
        priority: 'high',
        assignee_id: people.viewer.id,
        status: 'completed',
      });
      const entries = await feed(task.id, team.viewer);
      expect(entries).toHaveLength(1);
      expect(Object.keys(entries[0]).sort()).toEqual(ENTRY_KEYS);
      expect(entries[0]).toEqual({
        id: expect.any(Number),
        task_id: task.id,
        type: 'created',
        actor: { id: team.editor.id, username: team.editor.username },
        changes: [],
        created_at: expect.stringMatching(ISO),
      });
    });

    it('should write an updated entry for each field, with its old and new value', async () => {
      const { team, task } = await teamTask({ title: 'Before', description: 'old text' });
      const due = '2026-06-01T12:00:00.000Z';
      const writes: Array<[object, Change]> = [
        [{ title: 'After' }, { field: 'title', from: 'Before', to: 'After' }],
        [{ description: '' }, { field: 'description', from: 'old text', to: '' }],
        [{ status: 'in_progress' }, { field: 'status', from: 'pending', to: 'in_progress' }],
        [{ priority: 'low' }, { field: 'priority', from: 'medium', to: 'low' }],
        [{ due_date: due }, { field: 'due_date', from: null, to: due }],
        [{ assignee_id: team.viewer.id }, { field: 'assignee_id', from: null, to: team.viewer.id }],
        [{ assignee_id: null }, { field: 'assignee_id', from: team.viewer.id, to: null }],
        [{ due_date: null }, { field: 'due_date', from: due, to: null }],
      ];
      for (const [body] of writes) await patch(team.admin, task.id, body).expect(200);

      const entries = await feed(task.id, team.owner);
      expect(entries.map((entry) => entry.type)).toEqual([
        'created',
        ...writes.map(() => 'updated'),
      ]);
      expect(entries.slice(1).map((entry) => entry.changes)).toEqual(
        writes.map(([, change]) => [change]),
      );
      for (const entry of entries.slice(1)) {
        expect(entry.actor).toEqual({ id: team.admin.id, username: team.admin.username });
      }
      // Ids increase: oldest first.
      const ids = entries.map((entry) => entry.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    });

    it('should write one entry for a write that assigns and completes (PUT too)', async () => {
      const { team, task } = await teamTask();
      await patch(team.editor, task.id, { assignee_id: team.admin.id, status: 'completed' }).expect(
        200,
      );
      await t.http
        .put(`${TASKS}/${task.id}`)
        .set(team.editor.auth)
        .send({ status: 'pending', title: 'Reopened' })
        .expect(200);
      const entries = await feed(task.id, team.editor);
      expect(entries.map((entry) => [entry.type, entry.changes])).toEqual([
        ['created', []],
        [
          'updated',
          [
            { field: 'status', from: 'pending', to: 'completed' },
            { field: 'assignee_id', from: null, to: team.admin.id },
          ],
        ],
        [
          'updated',
          [
            { field: 'title', from: task.title, to: 'Reopened' },
            { field: 'status', from: 'completed', to: 'pending' },
          ],
        ],
      ]);
    });

    it('should write one created entry for a create retried with its Idempotency-Key', async () => {
      const team = await newTeam(t.http, people);
      const send = () =>
        t.http
          .post(TASKS)
          .set(team.editor.auth)
          .set('Idempotency-Key', `activity-${team.project.id}`)
          .send({ title: 'Once', project_id: team.project.id });
      const first = await send().expect(201);
      const replay = await send().expect(201);
      expect(replay.body).toEqual(first.body);
      const entries = await feed((first.body as TaskJson).id, team.editor);
      expect(entries.map((entry) => entry.type)).toEqual(['created']);
    });

    it('should write nothing for a write that changes nothing', async () => {
      const { team, task } = await teamTask({ priority: 'high' });
      await patch(team.editor, task.id, { title: task.title, priority: 'high' }).expect(200);
      expect(await feed(task.id, team.editor)).toHaveLength(1);
    });

    it('should write nothing for a refused or failed write (400, 403, 409, 412)', async () => {
      const { team, task } = await teamTask();
      const stale = `"${task.id}-0"`;
      const refusals = [
        await patch(team.viewer, task.id, { title: 'viewer' }),
        await t.http
          .patch(`${TASKS}/${task.id}`)
          .set(team.editor.auth)
          .set('If-Match', stale)
          .send({ title: 'stale' }),
        await patch(team.editor, task.id, { assignee_id: 4_000_000_000 }),
        await patch(team.editor, task.id, { project_id: team.project.id }),
      ];
      expect(refusals.map((res) => res.status)).toEqual([403, 412, 400, 400]);

      await t.http
        .patch(`${PROJECTS}/${team.project.id}`)
        .set(team.owner.auth)
        .send({ archived: true })
        .expect(200);
      await patch(team.editor, task.id, { title: 'archived' }).expect(409);

      expect((await feed(task.id, team.owner)).map((entry) => entry.type)).toEqual(['created']);
    });

    it('should write a moved entry, filed under the new project, with every field the move changed', async () => {
      const { team, task } = await teamTask();
      const other = await createProject(t.http, team.editor, { name: 'Elsewhere' });
      await patch(team.editor, task.id, {
        project_id: other.id,
        title: 'Moved',
      }).expect(200);

      const entries = await feed(task.id, team.editor);
      expect(entries.map((entry) => entry.type)).toEqual(['created', 'moved']);
      expect(entries[1].changes).toEqual([
        { field: 'title', from: task.title, to: 'Moved' },
        { field: 'project_id', from: team.project.id, to: other.id },
      ]);
      // The creation stays in the old project's feed, the move is in the new one's.
      expect((await projectFeed(team.project.id, team.owner)).map((e) => e.id)).toEqual([
        entries[0].id,
      ]);
      expect((await projectFeed(other.id, team.editor)).map((e) => e.id)).toEqual([entries[1].id]);
    });

    it('should write attachment_added and attachment_removed entries, none for a refused delete', async () => {
      const { team, task } = await teamTask();
      const attachment = await uploaded(t.http, team.editor, task.id, 'hello', {
        filename: '计划.txt',
      });
      await upload(t.http, team.viewer, task.id, 'refused').expect(403);
      await t.http.delete(`${ATTACHMENTS}/${attachment.id}`).set(team.viewer.auth).expect(403);
      await t.http.delete(`${ATTACHMENTS}/${attachment.id}`).set(team.admin.auth).expect(204);

      const entries = await feed(task.id, team.viewer);
      expect(entries.map((entry) => [entry.type, entry.actor.id, entry.changes])).toEqual([
        ['created', team.editor.id, []],
        ['attachment_added', team.editor.id, [{ field: 'attachment', from: null, to: '计划.txt' }]],
        [
          'attachment_removed',
          team.admin.id,
          [{ field: 'attachment', from: '计划.txt', to: null }],
        ],
      ]);
    });

    it('should write a commented entry per new comment, by its author, in both feeds', async () => {
      const { team, task } = await teamTask();
      const comment = await t.http
        .post(`${TASKS}/${task.id}/comments`)
        .set(team.viewer.auth)
        .send({ body: 'looks good @' + team.editor.username })
        .expect(201);
      // A refused comment (blank) and an edit write nothing.
      await t.http
        .post(`${TASKS}/${task.id}/comments`)
        .set(team.viewer.auth)
        .send({ body: '  ' })
        .expect(400);
      await t.http
        .patch(`${TASKS}/${task.id}/comments/${comment.body.id}`)
        .set(team.viewer.auth)
        .send({ body: 'edited' })
        .expect(200);

      const entries = await feed(task.id, team.editor);
      expect(entries.map((entry) => [entry.type, entry.actor.id, entry.changes])).toEqual([
        ['created', team.editor.id, []],
        ['commented', team.viewer.id, [{ field: 'comment', from: null, to: comment.body.id }]],
      ]);
      const inProject = await projectFeed(team.project.id, team.viewer);
      expect(inProject[0]).toMatchObject({ type: 'commented', task_id: task.id });
    });

    it('should answer 404 once the task is deleted, and leave the project feed', async () => {
      const { team, task } = await teamTask();
      const kept = await createTask(t.http, team.editor, { project_id: team.project.id });
      await t.http.delete(`${TASKS}/${task.id}`).set(team.editor.auth).expect(200);

      const res = await t.http.get(taskActivity(task.id)).set(team.owner.auth).expect(404);
      expect(res.body).toEqual(errorBody('NOT_FOUND'));
      const entries = await projectFeed(team.project.id, team.owner);
      expect(entries.map((entry) => entry.task_id)).toEqual([kept.id]);
    });
  });

  describe('paging and order', () => {
    it('should page a task feed oldest first with X-Total-Count and Link', async () => {
      const { team, task } = await teamTask();
      for (const title of ['one', 'two', 'three', 'four']) {
        await patch(team.editor, task.id, { title }).expect(200);
      }
      const all = await feed(task.id, team.editor);
      expect(all.map((entry) => entry.changes[0]?.to)).toEqual([
        undefined,
        'one',
        'two',
        'three',
        'four',
      ]);

      const page2 = await t.http
        .get(taskActivity(task.id))
        .query({ page: 2, page_size: 2 })
        .set(team.editor.auth)
        .expect(200);
      expect((page2.body as EntryJson[]).map((entry) => entry.id)).toEqual([all[2].id, all[3].id]);
      expect(page2.headers['x-total-count']).toBe('5');
      expect(linkUrl(page2.headers.link, 'next')).toBe(
        `${taskActivity(task.id)}?page=3&page_size=2`,
      );
      expect(linkUrl(page2.headers.link, 'last')).toBe(
        `${taskActivity(task.id)}?page=3&page_size=2`,
      );
      const past = await t.http
        .get(taskActivity(task.id))
        .query({ page: 9, page_size: 2 })
        .set(team.editor.auth)
        .expect(200);
      expect(past.body).toEqual([]);
      expect(past.headers['x-total-count']).toBe('5');
    });

    it('should page a project feed newest first, over every task of the project', async () => {
      const { team, task } = await teamTask();
      const second = await createTask(t.http, team.owner, { project_id: team.project.id });
      await patch(team.admin, task.id, { status: 'completed' }).expect(200);
      await uploaded(t.http, team.editor, second.id, 'bytes', { filename: 'a.txt' });

      const res = await t.http
        .get(projectActivity(team.project.id))
        .query({ page_size: 3 })
        .set(team.viewer.auth)
        .expect(200);
      expect(res.headers['x-total-count']).toBe('4');
      expect(linkUrl(res.headers.link, 'next')).toBe(
        `${projectActivity(team.project.id)}?page_size=3&page=2`,
      );
      const entries = res.body as EntryJson[];
      expect(entries.map((entry) => [entry.task_id, entry.type])).toEqual([
        [second.id, 'attachment_added'],
        [task.id, 'updated'],
        [second.id, 'created'],
      ]);
      const rest = await t.http
        .get(projectActivity(team.project.id))
        .query({ page_size: 3, page: 2 })
        .set(team.viewer.auth)
        .expect(200);
      expect((rest.body as EntryJson[]).map((entry) => [entry.task_id, entry.type])).toEqual([
        [task.id, 'created'],
      ]);
    });

    it('should refuse bad paging and ids with 400 naming the field', async () => {
      const { team, task } = await teamTask();
      for (const [path, query, field] of [
        [taskActivity(task.id), { page: 0 }, 'page'],
        [taskActivity(task.id), { page_size: 101 }, 'page_size'],
        [taskActivity(task.id), { page_size: 'ten' }, 'page_size'],
        [projectActivity(team.project.id), { page: -1 }, 'page'],
        [projectActivity(team.project.id), { page_size: 0 }, 'page_size'],
        [`${TASKS}/abc/activity`, {}, 'id'],
        [`${PROJECTS}/0/activity`, {}, 'id'],
      ] as Array<[string, object, string]>) {
        const res = await t.http.get(path).query(query).set(team.owner.auth);
        expect({ path, query, status: res.status, fields: detailFields(res.body) }).toEqual({
          path,
          query,
          status: 400,
          fields: [field],
        });
      }
    });
  });

  describe('who may read', () => {
    it('should show the task feed to members and the assignee, the project feed to members only', async () => {
      const { team, task } = await teamTask();
      const assignee = await signUp(t.http);
      await patch(team.editor, task.id, { assignee_id: assignee.id }).expect(200);

      for (const user of [team.owner, team.admin, team.editor, team.viewer, assignee]) {
        const res = await t.http.get(taskActivity(task.id)).set(user.auth);
        expect({ user: user.id, status: res.status, n: (res.body as unknown[]).length }).toEqual({
          user: user.id,
          status: 200,
          n: 2,
        });
      }
      for (const user of [team.owner, team.admin, team.editor, team.viewer]) {
        const res = await t.http.get(projectActivity(team.project.id)).set(user.auth);
        expect({ user: user.id, status: res.status }).toEqual({ user: user.id, status: 200 });
      }
      for (const [user, path] of [
        [team.stranger, taskActivity(task.id)],
        [team.stranger, projectActivity(team.project.id)],
        [assignee, projectActivity(team.project.id)],
        [team.owner, taskActivity(4_000_000_000)],
        [team.owner, projectActivity(4_000_000_000)],
      ] as Array<[Session, string]>) {
        const res = await t.http.get(path).set(user.auth);
        expect({ path, status: res.status, body: res.body as unknown }).toEqual({
          path,
          status: 404,
          body: errorBody('NOT_FOUND'),
        });
      }
      await t.http.get(taskActivity(task.id)).expect(401);
    });

    it('should close both feeds to a member once removed', async () => {
      const { team, task } = await teamTask();
      const member = await signUp(t.http);
      await setMember(t.http, team.owner, team.project.id, member, 'viewer');
      await t.http.get(projectActivity(team.project.id)).set(member.auth).expect(200);
      await t.http
        .delete(`${PROJECTS}/${team.project.id}/members/${member.id}`)
        .set(team.owner.auth)
        .expect(204);
      await t.http.get(projectActivity(team.project.id)).set(member.auth).expect(404);
      await t.http.get(taskActivity(task.id)).set(member.auth).expect(404);
    });

    it('should answer 404 for the project feed once the project is deleted', async () => {
      const { team, task } = await teamTask();
      await t.http.delete(`${PROJECTS}/${team.project.id}`).set(team.owner.auth).expect(204);
      await t.http.get(projectActivity(team.project.id)).set(team.owner.auth).expect(404);
      await t.http.get(taskActivity(task.id)).set(team.owner.auth).expect(404);
    });
  });
});
