import { randomBytes } from 'node:crypto';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { newPeople, newTeam, People, Team } from './helpers/projects';
import { exportJson } from './helpers/exports';
import { createTask, detailFields, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';

type Member = 'owner' | 'admin' | 'editor' | 'viewer';
const MEMBERS: Member[] = ['owner', 'admin', 'editor', 'viewer'];
const EDITORS: Member[] = ['owner', 'admin', 'editor'];

/**
 * The role matrix of API.md "Who may do what" on every task route, in a team project: owner,
 * admin, editor, viewer, a non-member assignee (`outsider`), a viewer who is the assignee, and
 * a stranger; then the inbox, where the original rules hold unchanged.
 */
describe('Tasks in a team project: the role matrix (e2e)', () => {
  let t: TestApp;
  /** Reused by tests that make a fresh project of their own (signing up costs bcrypt hashes). */
  let people: People;
  let outsider: Session;

  beforeAll(async () => {
    // A queue prefix of its own: no other spec's workers run this spec's export jobs.
    t = await startTestApp({
      ...NO_RATE_LIMITS,
      REDIS_KEY_PREFIX: `${process.env.DB_NAME}:roles-${randomBytes(3).toString('hex')}:`,
    });
    people = await newPeople(t.http);
    outsider = await signUp(t.http);
  });

  afterAll(async () => {
    await t?.close();
  });

  const get = (who: Session, id: number) => t.http.get(`${TASKS}/${id}`).set(who.auth);
  const patch = (who: Session, id: number, body: object) =>
    t.http.patch(`${TASKS}/${id}`).set(who.auth).send(body);
  const put = (who: Session, id: number, body: object) =>
    t.http.put(`${TASKS}/${id}`).set(who.auth).send(body);
  const remove = (who: Session, id: number) => t.http.delete(`${TASKS}/${id}`).set(who.auth);

  describe('POST /tasks with project_id', () => {
    let team: Team;

    beforeAll(async () => {
      team = await newTeam(t.http, people);
    });

    it('should let owner, admin and editor create in the project', async () => {
      for (const role of EDITORS) {
        const res = await t.http
          .post(TASKS)
          .set(team[role].auth)
          .send({ title: `by the ${role}`, project_id: team.project.id, assignee_id: outsider.id })
          .expect(201);
        expect(res.body).toMatchObject({
          user_id: team[role].id,
          project_id: team.project.id,
          assignee_id: outsider.id,
        });
        expect((await get(team.viewer, res.body.id as number).expect(200)).body).toEqual(res.body);
      }
    });

    it('should answer 403 to a viewer and 404 to a stranger or a non-member, creating nothing', async () => {
      const before = await t.http
        .get(TASKS)
        .query({ project_id: team.project.id })
        .set(team.owner.auth)
        .expect(200);
      const forbidden = await t.http
        .post(TASKS)
        .set(team.viewer.auth)
        .send({ title: 'viewer', project_id: team.project.id })
        .expect(403);
      expect(forbidden.body).toMatchObject(errorBody('FORBIDDEN'));
      for (const who of [team.stranger, outsider]) {
        const hidden = await t.http
          .post(TASKS)
          .set(who.auth)
          .send({ title: 'stranger', project_id: team.project.id })
          .expect(404);
        expect(hidden.body).toMatchObject(errorBody('NOT_FOUND'));
      }
      await t.http
        .post(TASKS)
        .set(team.owner.auth)
        .send({ title: 'nowhere', project_id: 4294967295 })
        .expect(404);
      const after = await t.http
        .get(TASKS)
        .query({ project_id: team.project.id })
        .set(team.owner.auth)
        .expect(200);
      expect(after.headers['x-total-count']).toBe(before.headers['x-total-count']);
    });

    it.each([['abc'], [0], [-1], [1.5], [null], ['4294967296']])(
      'should answer 400 naming project_id for %p',
      async (projectId) => {
        const res = await t.http
          .post(TASKS)
          .set(team.owner.auth)
          .send({ title: 'bad', project_id: projectId })
          .expect(400);
        expect(detailFields(res.body)).toContain('project_id');
      },
    );
  });

  describe('reads, updates and deletes', () => {
    let team: Team;
    /** Created by the editor, assigned to the outsider (a non-member). */
    let assigned: TaskJson;
    /** Created by the owner, assigned to the viewer. */
    let viewerAssigned: TaskJson;
    /** Created by the admin, unassigned. */
    let plain: TaskJson;

    beforeAll(async () => {
      team = await newTeam(t.http, people);
      const project_id = team.project.id;
      assigned = await createTask(t.http, team.editor, { project_id, assignee_id: outsider.id });
      viewerAssigned = await createTask(t.http, team.owner, {
        project_id,
        assignee_id: team.viewer.id,
      });
      plain = await createTask(t.http, team.admin, { project_id });
    });

    it('should let every member and the assignee read; 404 to everyone else', async () => {
      for (const role of MEMBERS) {
        for (const task of [assigned, viewerAssigned, plain]) {
          const res = await get(team[role], task.id).expect(200);
          expect(res.body).toEqual(task);
          expect(res.headers.etag).toBe(`"${task.id}-1"`);
        }
      }
      expect((await get(outsider, assigned.id).expect(200)).body).toEqual(assigned);
      for (const task of [viewerAssigned, plain]) {
        expect((await get(outsider, task.id).expect(404)).body).toEqual(errorBody('NOT_FOUND'));
      }
      for (const task of [assigned, viewerAssigned, plain]) {
        expect((await get(team.stranger, task.id).expect(404)).body).toEqual(
          errorBody('NOT_FOUND'),
        );
      }
    });

    it('should let owner, admin and editor change every field, by PATCH and by PUT', async () => {
      const target = await createTask(t.http, team.editor, { project_id: team.project.id });
      for (const [i, role] of EDITORS.entries()) {
        const send = i % 2 === 0 ? patch : put;
        const body = {
          title: `changed by the ${role}`,
          description: `${role} was here`,
          priority: (['low', 'medium', 'high'] as const)[i],
          status: (['in_progress', 'completed', 'pending'] as const)[i],
          due_date: `2030-0${i + 1}-01T00:00:00.000Z`,
          assignee_id: [outsider.id, team.viewer.id, null][i],
        };
        const res = await send(team[role], target.id, body).expect(200);
        expect(res.body).toMatchObject({ ...body, user_id: team.editor.id });
        expect(res.headers.etag).toBe(`"${target.id}-${i + 2}"`);
      }
    });

    it('should answer 403 to a viewer for every field, status included', async () => {
      for (const body of [{ status: 'completed' }, { title: 'x' }, { assignee_id: null }]) {
        for (const send of [patch, put]) {
          const res = await send(team.viewer, plain.id, body).expect(403);
          expect(res.body).toMatchObject(errorBody('FORBIDDEN'));
        }
      }
      expect((await get(team.owner, plain.id).expect(200)).body).toEqual(plain);
    });

    it('should let an assignee who may not edit change status only', async () => {
      for (const [who, task] of [
        [outsider, assigned],
        [team.viewer, viewerAssigned],
      ] as const) {
        for (const body of [
          { title: 'mine now' },
          { priority: 'high' },
          { due_date: null },
          { assignee_id: who.id },
          { status: 'completed', description: 'also this' },
        ]) {
          const res = await patch(who, task.id, body).expect(403);
          expect(res.body).toMatchObject(errorBody('FORBIDDEN'));
        }
        const done = await patch(who, task.id, { status: 'completed' }).expect(200);
        expect(done.body).toMatchObject({
          status: 'completed',
          completed_at: expect.any(String),
          title: task.title,
        });
        const back = await put(who, task.id, { status: 'in_progress' }).expect(200);
        expect(back.body).toMatchObject({ status: 'in_progress', completed_at: null });
      }
    });

    it('should answer 404 to a stranger and to a non-member who is not the assignee', async () => {
      for (const [who, task] of [
        [team.stranger, assigned],
        [team.stranger, plain],
        [outsider, plain],
      ] as const) {
        for (const send of [patch, put]) {
          const res = await send(who, task.id, { status: 'completed' }).expect(404);
          expect(res.body).toEqual(errorBody('NOT_FOUND'));
        }
        expect((await remove(who, task.id).expect(404)).body).toEqual(errorBody('NOT_FOUND'));
      }
    });

    it('should let owner, admin and editor delete; 403 to a viewer and to assignees', async () => {
      const victims = await Promise.all(
        EDITORS.map(() =>
          createTask(t.http, team.editor, {
            project_id: team.project.id,
            assignee_id: outsider.id,
          }),
        ),
      );
      for (const who of [team.viewer, outsider]) {
        const res = await remove(who, victims[0].id).expect(403);
        expect(res.body).toMatchObject(errorBody('FORBIDDEN'));
      }
      await remove(team.viewer, viewerAssigned.id).expect(403);
      for (const [i, role] of EDITORS.entries()) {
        const res = await remove(team[role], victims[i].id).expect(200);
        expect(res.body).toEqual({ message: 'Task deleted successfully' });
        for (const who of [team.owner, team.viewer, outsider]) {
          await get(who, victims[i].id).expect(404);
        }
      }
      await get(team.viewer, viewerAssigned.id).expect(200);
    });
  });

  describe('listing, stats and exports per role', () => {
    let team: Team;
    let tasks: TaskJson[];

    beforeAll(async () => {
      // New users: their listings hold nothing but this project's tasks.
      team = await newTeam(t.http);
      const project_id = team.project.id;
      tasks = [
        await createTask(t.http, team.owner, { project_id, status: 'completed', priority: 'high' }),
        await createTask(t.http, team.admin, { project_id, assignee_id: outsider.id }),
        await createTask(t.http, team.editor, { project_id, priority: 'low' }),
        await createTask(t.http, team.editor, { project_id, status: 'in_progress' }),
      ];
    });

    const listed = async (who: Session, query: Record<string, unknown> = {}) => {
      const res = await t.http
        .get(TASKS)
        .query({ page_size: 100, ...query })
        .set(who.auth)
        .expect(200);
      return {
        ids: (res.body as TaskJson[]).map((x) => x.id),
        total: res.headers['x-total-count'],
      };
    };
    const newestFirst = (list: TaskJson[]): number[] => list.map((x) => x.id).reverse();

    it('should list the project’s tasks to every member, with X-Total-Count', async () => {
      for (const role of MEMBERS) {
        expect(await listed(team[role])).toEqual({ ids: newestFirst(tasks), total: '4' });
        expect(await listed(team[role], { project_id: team.project.id })).toEqual({
          ids: newestFirst(tasks),
          total: '4',
        });
        expect(
          await listed(team[role], { project_id: team.project.id, status: 'pending' }),
        ).toEqual({ ids: [tasks[2].id, tasks[1].id], total: '2' });
      }
    });

    it('should list its task only to the non-member assignee, and nothing to a stranger', async () => {
      const mine = await listed(outsider, { project_id: team.project.id });
      expect(mine).toEqual({ ids: [tasks[1].id], total: '1' });
      expect((await listed(outsider)).ids).toContain(tasks[1].id);
      expect((await listed(outsider, { scope: 'assigned' })).ids).toContain(tasks[1].id);
      expect(await listed(team.stranger, { project_id: team.project.id })).toEqual({
        ids: [],
        total: '0',
      });
      expect(await listed(team.stranger)).toEqual({ ids: [], total: '0' });
    });

    it('should count the visible tasks in stats, per role', async () => {
      const all = {
        total: 4,
        by_status: { pending: 2, in_progress: 1, completed: 1 },
        by_priority: { low: 1, medium: 2, high: 1 },
        overdue: 0,
        completion_rate: 0.25,
      };
      for (const role of MEMBERS) {
        const res = await t.http.get(`${TASKS}/stats`).set(team[role].auth).expect(200);
        expect(res.body).toEqual(all);
        const narrowed = await t.http
          .get(`${TASKS}/stats`)
          .query({ project_id: team.project.id })
          .set(team[role].auth)
          .expect(200);
        expect(narrowed.body).toEqual(all);
      }
      const assignee = await t.http
        .get(`${TASKS}/stats`)
        .query({ project_id: team.project.id })
        .set(outsider.auth)
        .expect(200);
      expect(assignee.body).toMatchObject({ total: 1, by_status: { pending: 1 } });
      const stranger = await t.http.get(`${TASKS}/stats`).set(team.stranger.auth).expect(200);
      expect(stranger.body).toMatchObject({ total: 0, overdue: 0, completion_rate: 0 });
      const narrowed = await t.http
        .get(`${TASKS}/stats`)
        .query({ project_id: team.project.id })
        .set(team.stranger.auth)
        .expect(200);
      expect(narrowed.body).toMatchObject({ total: 0 });
    });

    it('should export the project’s tasks to a member, the assigned one to the assignee, none to a stranger', async () => {
      const forViewer = await exportJson(t.http, team.viewer);
      expect(forViewer.map((x) => x.id)).toEqual(newestFirst(tasks));
      expect(forViewer).toEqual(
        (await t.http.get(TASKS).set(team.viewer.auth).expect(200)).body as TaskJson[],
      );
      const forAssignee = await exportJson(t.http, outsider, {
        project_id: String(team.project.id),
      });
      expect(forAssignee.map((x) => x.id)).toEqual([tasks[1].id]);
      expect(await exportJson(t.http, team.stranger)).toEqual([]);
    });
  });

  describe('the inbox keeps the original rules', () => {
    let owner: Session;
    let assignee: Session;
    let stranger: Session;

    beforeAll(() => {
      ({ owner, viewer: assignee, stranger } = people);
    });

    it('should create in the creator’s inbox, where the creator may do everything', async () => {
      const task = await createTask(t.http, owner, { title: 'mine' });
      const { body: inbox } = await t.http.get('/api/v1/projects').set(owner.auth).expect(200);
      expect(task.project_id).toBe((inbox as Array<{ id: number }>)[0].id);
      const res = await patch(owner, task.id, {
        title: 'still mine',
        priority: 'high',
        status: 'completed',
        assignee_id: assignee.id,
        due_date: '2030-01-01T00:00:00.000Z',
      }).expect(200);
      expect(res.body).toMatchObject({ title: 'still mine', assignee_id: assignee.id });
      await remove(owner, task.id).expect(200);
      await get(owner, task.id).expect(404);
      await get(assignee, task.id).expect(404);
    });

    it('should let the assignee read and change status only', async () => {
      const task = await createTask(t.http, owner, { assignee_id: assignee.id });
      expect((await get(assignee, task.id).expect(200)).body).toEqual(task);
      for (const body of [
        { title: 'x' },
        { assignee_id: null },
        { status: 'completed', priority: 'low' },
      ]) {
        await patch(assignee, task.id, body).expect(403);
      }
      await remove(assignee, task.id).expect(403);
      await patch(assignee, task.id, { status: 'completed' }).expect(200);
      const assigned = await t.http.get(TASKS).query({ scope: 'assigned' }).set(assignee.auth);
      const ids = (assigned.body as TaskJson[]).map((x) => x.id);
      expect(ids).toContain(task.id);
    });

    it('should answer 404 to a stranger on every route', async () => {
      const task = await createTask(t.http, owner, { assignee_id: assignee.id });
      expect((await get(stranger, task.id).expect(404)).body).toEqual(errorBody('NOT_FOUND'));
      await patch(stranger, task.id, { status: 'completed' }).expect(404);
      await put(stranger, task.id, { title: 'x' }).expect(404);
      await remove(stranger, task.id).expect(404);
      const list = await t.http.get(TASKS).query({ page_size: 100 }).set(stranger.auth);
      expect((list.body as TaskJson[]).map((x) => x.id)).not.toContain(task.id);
      // Creating in someone else's inbox: it is a project the stranger cannot see.
      await t.http
        .post(TASKS)
        .set(stranger.auth)
        .send({ title: 'intrude', project_id: task.project_id })
        .expect(404);
      await t.http
        .post(TASKS)
        .set(assignee.auth)
        .send({ title: 'intrude', project_id: task.project_id })
        .expect(404);
    });
  });
});
