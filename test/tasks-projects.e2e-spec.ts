import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import {
  createProject,
  membersPath,
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
  inboxOf,
  NO_RATE_LIMITS,
  TASK_KEYS,
  TASKS,
  TaskJson,
} from './helpers/tasks';

/** Tasks and their projects: project_id, the inbox, moves, archived and deleted projects, filters. */
describe('Tasks in projects (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let people: People;
  let outsider: Session;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    db = t.app.get(DataSource);
    people = await newPeople(t.http);
    outsider = await signUp(t.http);
  });

  afterAll(async () => {
    await t?.close();
  });

  const get = (who: Session, id: number) => t.http.get(`${TASKS}/${id}`).set(who.auth);
  const patch = (who: Session, id: number, body: object) =>
    t.http.patch(`${TASKS}/${id}`).set(who.auth).send(body);

  async function listed(who: Session, query: Record<string, unknown> = {}) {
    const res = await t.http
      .get(TASKS)
      .query({ page_size: 100, ...query })
      .set(who.auth)
      .expect(200);
    return { ids: (res.body as TaskJson[]).map((x) => x.id), total: res.headers['x-total-count'] };
  }

  async function stats(who: Session, query: Record<string, unknown> = {}): Promise<number> {
    const res = await t.http.get(`${TASKS}/stats`).query(query).set(who.auth).expect(200);
    return res.body.total as number;
  }

  describe('project_id and the inbox', () => {
    it('should carry project_id in every Task answer, and default to the caller’s inbox', async () => {
      const me = await signUp(t.http);
      const inbox = await inboxOf(db, me.id);
      const created = await t.http.post(TASKS).set(me.auth).send({ title: 'inbox' }).expect(201);
      const answers = [
        created.body,
        (await get(me, created.body.id as number).expect(200)).body,
        (await patch(me, created.body.id as number, { priority: 'high' }).expect(200)).body,
        (
          await t.http
            .put(`${TASKS}/${created.body.id}`)
            .set(me.auth)
            .send({ status: 'completed' })
            .expect(200)
        ).body,
        ...((await t.http.get(TASKS).set(me.auth).expect(200)).body as TaskJson[]),
      ] as TaskJson[];
      expect(answers).toHaveLength(5);
      for (const task of answers) {
        expect(Object.keys(task).sort()).toEqual(TASK_KEYS);
        expect(task.project_id).toBe(inbox);
      }
      const listedInbox = await t.http.get(PROJECTS).set(me.auth).expect(200);
      expect(listedInbox.body[0]).toMatchObject({ id: inbox, is_inbox: true });
    });
  });

  describe('moving a task between projects', () => {
    let team: Team;
    let other: Team;
    let task: TaskJson;

    beforeAll(async () => {
      team = await newTeam(t.http, people);
      // The same people with other roles: the editor is editor in both, the viewer only views
      // the target, the admin is no member of it.
      other = {
        ...team,
        project: await createProject(t.http, people.owner, { name: 'Target' }),
      };
      await setMember(t.http, people.owner, other.project.id, people.editor, 'editor');
      await setMember(t.http, people.owner, other.project.id, people.viewer, 'viewer');
    });

    beforeEach(async () => {
      task = await createTask(t.http, team.editor, {
        project_id: team.project.id,
        assignee_id: outsider.id,
      });
    });

    it('should move for an editor of both projects, in listings and stats at once', async () => {
      const before = await stats(team.editor, { project_id: other.project.id });
      const res = await patch(team.editor, task.id, { project_id: other.project.id }).expect(200);
      expect(res.body).toEqual({
        ...task,
        project_id: other.project.id,
        updated_at: expect.any(String),
      });
      expect(res.headers.etag).toBe(`"${task.id}-2"`);
      expect((await get(team.viewer, task.id).expect(200)).body.project_id).toBe(other.project.id);
      expect((await listed(team.editor, { project_id: team.project.id })).ids).not.toContain(
        task.id,
      );
      expect((await listed(team.editor, { project_id: other.project.id })).ids).toContain(task.id);
      expect(await stats(team.editor, { project_id: other.project.id })).toBe(before + 1);
      // The admin of the source is no member of the target: the task is gone for it.
      await get(team.admin, task.id).expect(404);
      // The assignee follows its task wherever it goes.
      expect((await get(outsider, task.id).expect(200)).body.project_id).toBe(other.project.id);
    });

    it('should move from an inbox into a team project and back', async () => {
      const mine = await createTask(t.http, people.editor, { title: 'from the inbox' });
      await get(team.viewer, mine.id).expect(404);
      await patch(people.editor, mine.id, { project_id: team.project.id }).expect(200);
      await get(team.viewer, mine.id).expect(200);
      await patch(people.editor, mine.id, { project_id: mine.project_id }).expect(200);
      await get(team.viewer, mine.id).expect(404);
    });

    it('should answer 403 when the caller only views the target, 404 when it cannot see it', async () => {
      await setMember(t.http, people.owner, team.project.id, people.viewer, 'editor', 200);
      try {
        const viewerOfTarget = await patch(people.viewer, task.id, {
          project_id: other.project.id,
        }).expect(403);
        expect(viewerOfTarget.body).toMatchObject(errorBody('FORBIDDEN'));
      } finally {
        await setMember(t.http, people.owner, team.project.id, people.viewer, 'viewer', 200);
      }
      const notMember = await patch(team.admin, task.id, { project_id: other.project.id }).expect(
        404,
      );
      expect(notMember.body).toMatchObject(errorBody('NOT_FOUND'));
      const someoneElses = await createProject(t.http, team.stranger, { name: 'Hidden' });
      await patch(team.editor, task.id, { project_id: someoneElses.id }).expect(404);
      await patch(team.editor, task.id, { project_id: 4294967295 }).expect(404);
      // A viewer of the source, and the non-member assignee, may not move at all.
      await patch(team.viewer, task.id, { project_id: other.project.id }).expect(403);
      await patch(outsider, task.id, { project_id: other.project.id }).expect(403);
      expect((await get(team.owner, task.id).expect(200)).body).toEqual(task);
    });

    it('should answer 400 naming project_id for a move to its own project or a bad id', async () => {
      const same = await patch(team.editor, task.id, { project_id: team.project.id }).expect(400);
      expect(same.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(same.body)).toEqual(['project_id']);
      for (const bad of ['abc', 0, null, 2.5]) {
        const res = await patch(team.editor, task.id, { project_id: bad }).expect(400);
        expect(detailFields(res.body)).toContain('project_id');
      }
      expect((await get(team.owner, task.id).expect(200)).headers.etag).toBe(`"${task.id}-1"`);
    });
  });

  describe('an archived project', () => {
    it('should keep its tasks readable and refuse writes with 409 until it is unarchived', async () => {
      const team = await newTeam(t.http, people);
      const project_id = team.project.id;
      const task = await createTask(t.http, team.editor, { project_id, assignee_id: outsider.id });
      const elsewhere = await createTask(t.http, team.editor, {});
      const archive = (archived: boolean) =>
        t.http
          .patch(`${PROJECTS}/${project_id}`)
          .set(team.admin.auth)
          .send({ archived })
          .expect(200);
      await archive(true);

      for (const who of [team.viewer, outsider]) {
        expect((await get(who, task.id).expect(200)).body).toEqual(task);
      }
      expect(await listed(team.viewer, { project_id })).toEqual({ ids: [task.id], total: '1' });
      expect(await stats(team.viewer, { project_id })).toBe(1);

      const conflicts = [
        t.http.post(TASKS).set(team.editor.auth).send({ title: 'new', project_id }),
        patch(team.editor, task.id, { title: 'changed' }),
        t.http.put(`${TASKS}/${task.id}`).set(team.owner.auth).send({ priority: 'low' }),
        patch(outsider, task.id, { status: 'completed' }),
        t.http.delete(`${TASKS}/${task.id}`).set(team.editor.auth),
        patch(team.editor, task.id, { project_id: elsewhere.project_id }),
        patch(team.editor, elsewhere.id, { project_id }),
      ];
      for (const res of await Promise.all(conflicts)) {
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject(errorBody('CONFLICT'));
      }
      // Who may not write learns that first.
      await patch(team.viewer, task.id, { title: 'x' }).expect(403);
      await patch(team.stranger, task.id, { title: 'x' }).expect(404);
      expect((await get(team.editor, task.id).expect(200)).body).toEqual(task);

      await archive(false);
      await patch(outsider, task.id, { status: 'completed' }).expect(200);
      await patch(team.editor, task.id, { title: 'changed' }).expect(200);
      await createTask(t.http, team.editor, { project_id });
      await t.http.delete(`${TASKS}/${task.id}`).set(team.editor.auth).expect(200);
    });
  });

  describe('a deleted project', () => {
    it('should take its tasks along: 404 for members and assignees, gone from lists and counts', async () => {
      const team = await newTeam(t.http);
      const project_id = team.project.id;
      const assigned = await createTask(t.http, team.editor, {
        project_id,
        assignee_id: outsider.id,
      });
      const plain = await createTask(t.http, team.owner, {
        project_id,
      });
      for (const id of [assigned.id, plain.id]) await get(team.viewer, id).expect(200);
      await get(outsider, assigned.id).expect(200);
      const assigneeBefore = await listed(outsider, { scope: 'assigned' });
      const assigneeStats = await stats(outsider);

      await t.http.delete(`${PROJECTS}/${project_id}`).set(team.owner.auth).expect(204);

      for (const who of [team.owner, team.admin, team.editor, team.viewer]) {
        for (const id of [assigned.id, plain.id]) {
          expect((await get(who, id).expect(404)).body).toEqual(errorBody('NOT_FOUND'));
        }
        expect(await listed(who)).toEqual({ ids: [], total: '0' });
        expect(await listed(who, { project_id })).toEqual({ ids: [], total: '0' });
        expect(await stats(who)).toBe(0);
      }
      expect((await get(outsider, assigned.id).expect(404)).body).toEqual(errorBody('NOT_FOUND'));
      await patch(outsider, assigned.id, { status: 'completed' }).expect(404);
      await patch(team.owner, assigned.id, { title: 'x' }).expect(404);
      await t.http.delete(`${TASKS}/${plain.id}`).set(team.owner.auth).expect(404);
      const assigneeAfter = await listed(outsider, { scope: 'assigned' });
      expect(assigneeAfter.ids).toEqual(assigneeBefore.ids.filter((id) => id !== assigned.id));
      expect(Number(assigneeAfter.total)).toBe(Number(assigneeBefore.total) - 1);
      expect(await stats(outsider)).toBe(assigneeStats - 1);
    });
  });

  describe('the project_id filter, scopes and stats', () => {
    let team: Team;
    let second: Team;
    let mine: TaskJson;
    let teamTasks: TaskJson[];
    let secondTask: TaskJson;
    let hiddenTask: TaskJson;

    beforeAll(async () => {
      team = await newTeam(t.http);
      second = { ...team, project: await createProject(t.http, team.viewer, { name: 'Second' }) };
      mine = await createTask(t.http, team.viewer, { title: 'inbox task' });
      teamTasks = [
        await createTask(t.http, team.editor, { project_id: team.project.id }),
        await createTask(t.http, team.admin, {
          project_id: team.project.id,
          assignee_id: team.viewer.id,
        }),
      ];
      secondTask = await createTask(t.http, team.viewer, { project_id: second.project.id });
      // In a project the viewer cannot see, assigned to someone else.
      const hidden = await createProject(t.http, team.stranger, { name: 'Hidden' });
      hiddenTask = await createTask(t.http, team.stranger, { project_id: hidden.id });
    });

    it('should narrow to one project or a comma list, never to projects the caller cannot see', async () => {
      const v = team.viewer;
      const inbox = mine.project_id;
      const [a, b] = teamTasks;
      expect(await listed(v)).toEqual({ ids: [secondTask.id, b.id, a.id, mine.id], total: '4' });
      expect(await listed(v, { project_id: team.project.id })).toEqual({
        ids: [b.id, a.id],
        total: '2',
      });
      expect(await listed(v, { project_id: `${inbox},${second.project.id}` })).toEqual({
        ids: [secondTask.id, mine.id],
        total: '2',
      });
      // Repeated parameters are a list too.
      const repeated = await t.http
        .get(`${TASKS}?project_id=${inbox}&project_id=${team.project.id}`)
        .set(v.auth)
        .expect(200);
      expect(repeated.headers['x-total-count']).toBe('3');
      const hiddenProject = hiddenTask.project_id;
      expect(await listed(v, { project_id: hiddenProject })).toEqual({ ids: [], total: '0' });
      expect(await listed(v, { project_id: `${hiddenProject},${inbox}` })).toEqual({
        ids: [mine.id],
        total: '1',
      });
      expect(await listed(v, { project_id: 4294967295 })).toEqual({ ids: [], total: '0' });
      // Their creator sees them, the stranger none of the viewer's.
      expect(await listed(team.stranger, { project_id: `${inbox},${team.project.id}` })).toEqual({
        ids: [],
        total: '0',
      });
    });

    it('should narrow stats the same way', async () => {
      const v = team.viewer;
      expect(await stats(v)).toBe(4);
      expect(await stats(v, { project_id: team.project.id })).toBe(2);
      expect(await stats(v, { project_id: `${mine.project_id},${second.project.id}` })).toBe(2);
      expect(await stats(v, { project_id: hiddenTask.project_id })).toBe(0);
      expect(await stats(team.stranger, { project_id: team.project.id })).toBe(0);
    });

    it.each([
      ['abc', 'abc'],
      ['0', '0'],
      ['-1', '-1'],
      ['1,abc', '1,abc'],
      ['1,,2', '1,,2'],
      ['01', '01'],
      ['101 ids', Array.from({ length: 101 }, (_, i) => i + 1).join(',')],
    ])(
      'should answer 400 naming project_id for %s, in the listing and in stats',
      async (_case, value) => {
        for (const path of [TASKS, `${TASKS}/stats`]) {
          const res = await t.http
            .get(path)
            .query({ project_id: value })
            .set(team.viewer.auth)
            .expect(400);
          expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
          expect(detailFields(res.body)).toEqual(['project_id']);
        }
      },
    );

    it('should list as owned what the caller created among its visible tasks, as assigned what it is assigned', async () => {
      const v = team.viewer;
      expect(await listed(v, { scope: 'owned' })).toEqual({
        ids: [secondTask.id, mine.id],
        total: '2',
      });
      expect(await listed(v, { scope: 'owned', project_id: team.project.id })).toEqual({
        ids: [],
        total: '0',
      });
      expect(await listed(v, { scope: 'assigned' })).toEqual({
        ids: [teamTasks[1].id],
        total: '1',
      });
      expect(await listed(team.admin, { scope: 'owned' })).toEqual({
        ids: [teamTasks[1].id],
        total: '1',
      });
    });

    it('should drop from owned what the caller created in a project it left, unless assigned to it', async () => {
      const leaver = await signUp(t.http);
      await setMember(t.http, team.owner, team.project.id, leaver, 'editor');
      const project_id = team.project.id;
      const created = await createTask(t.http, leaver, { project_id });
      const selfAssigned = await createTask(t.http, leaver, { project_id, assignee_id: leaver.id });
      expect(await listed(leaver, { scope: 'owned' })).toEqual({
        ids: [selfAssigned.id, created.id],
        total: '2',
      });
      await t.http.delete(membersPath(project_id, leaver.id)).set(leaver.auth).expect(204);

      expect(await listed(leaver, { scope: 'owned' })).toEqual({
        ids: [selfAssigned.id],
        total: '1',
      });
      expect(await listed(leaver)).toEqual({ ids: [selfAssigned.id], total: '1' });
      expect(await stats(leaver)).toBe(1);
      await get(leaver, created.id).expect(404);
      await get(leaver, selfAssigned.id).expect(200);
      // As assignee only: status only, however much it created the task.
      await patch(leaver, selfAssigned.id, { title: 'mine' }).expect(403);
      await patch(leaver, selfAssigned.id, { status: 'completed' }).expect(200);
      // The team still has both.
      expect((await listed(team.viewer, { project_id })).ids).toEqual(
        expect.arrayContaining([created.id, selfAssigned.id]),
      );
    });
  });
});
