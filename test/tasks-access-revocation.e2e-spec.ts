import { randomBytes } from 'node:crypto';
import { TaskCacheWarmup } from '../src/tasks/cache/task-cache.warmup';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { createProject, membersPath, newTeam, PROJECTS, setMember, Team } from './helpers/projects';
import { createTask, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';

/**
 * Two instances on one database and one Redis key prefix, as in production behind a load
 * balancer: a change of who may see a task, made on instance B, applies to the very next read
 * on instance A, although A answers that task from the shared cache. (Both instances verify
 * tokens with the same secret, issuer and audience, so a token works on either.)
 */
const PREFIX = `${process.env.DB_NAME}:revoke-${randomBytes(4).toString('hex')}:`;

async function startInstance(): Promise<TestApp> {
  const t = await startTestApp({ ...NO_RATE_LIMITS, REDIS_KEY_PREFIX: PREFIX });
  await t.app.get(TaskCacheWarmup).whenDone();
  return t;
}

describe('Access revocation across instances with a cached task (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let team: Team;
  let outsider: Session;

  beforeAll(async () => {
    // One after the other: startTestApp sets process.env while an instance reads it.
    a = await startInstance();
    b = await startInstance();
    [team, outsider] = await Promise.all([newTeam(a.http), signUp(b.http)]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  const get = (t: TestApp, who: Session, id: number) => t.http.get(`${TASKS}/${id}`).set(who.auth);

  /**
   * Reads the task as `who`: MISS (for the task's first reader) then HIT on A, HIT on B, the
   * same body everywhere.
   */
  async function readCached(who: Session, task: TaskJson, firstReader = true): Promise<void> {
    const first = await get(a, who, task.id).expect(200);
    expect(first.headers['x-cache']).toBe(firstReader ? 'MISS' : 'HIT');
    const again = await get(a, who, task.id).expect(200);
    expect(again.headers['x-cache']).toBe('HIT');
    const other = await get(b, who, task.id).expect(200);
    expect(other.headers['x-cache']).toBe('HIT');
    for (const res of [first, again, other]) expect(res.body).toEqual(task);
  }

  /** The next read on either instance is a 404, and the task left the caller's listing. */
  async function expectGone(who: Session, task: TaskJson): Promise<void> {
    for (const t of [a, b]) {
      const res = await get(t, who, task.id).expect(404);
      expect(res.body).toEqual(errorBody('NOT_FOUND'));
      expect(JSON.stringify(res.body)).not.toContain(task.title);
      const list = await t.http.get(TASKS).query({ page_size: 100 }).set(who.auth).expect(200);
      expect((list.body as TaskJson[]).map((x) => x.id)).not.toContain(task.id);
    }
  }

  it('should refuse a removed member on the very next read, and restore it when re-added', async () => {
    const member = await signUp(a.http);
    await setMember(b.http, team.owner, team.project.id, member, 'viewer');
    const task = await createTask(a.http, team.editor, { project_id: team.project.id });
    await readCached(member, task);

    await b.http.delete(membersPath(team.project.id, member.id)).set(team.owner.auth).expect(204);
    await expectGone(member, task);
    // The others still read it from the cache.
    expect((await get(a, team.viewer, task.id).expect(200)).headers['x-cache']).toBe('HIT');

    await setMember(b.http, team.admin, team.project.id, member, 'viewer');
    const back = await get(a, member, task.id).expect(200);
    expect(back.headers['x-cache']).toBe('HIT');
    expect(back.body).toEqual(task);
  });

  it('should refuse a member that left on the very next read', async () => {
    const member = await signUp(b.http);
    await setMember(a.http, team.owner, team.project.id, member, 'editor');
    const task = await createTask(b.http, team.editor, { project_id: team.project.id });
    await readCached(member, task);
    await b.http.delete(membersPath(team.project.id, member.id)).set(member.auth).expect(204);
    await expectGone(member, task);
  });

  it('should keep reads after a demotion, and apply the new role to writes at once', async () => {
    const member = await signUp(a.http);
    await setMember(b.http, team.owner, team.project.id, member, 'editor');
    const task = await createTask(a.http, team.editor, { project_id: team.project.id });
    await readCached(member, task);

    await setMember(b.http, team.admin, team.project.id, member, 'viewer', 200);
    const read = await get(a, member, task.id).expect(200);
    expect(read.headers['x-cache']).toBe('HIT');
    expect(read.body).toEqual(task);
    const refused = await a.http
      .patch(`${TASKS}/${task.id}`)
      .set(member.auth)
      .send({ title: 'as a viewer' })
      .expect(403);
    expect(refused.body).toMatchObject(errorBody('FORBIDDEN'));
    await a.http.delete(`${TASKS}/${task.id}`).set(member.auth).expect(403);

    await setMember(b.http, team.admin, team.project.id, member, 'editor', 200);
    await a.http
      .patch(`${TASKS}/${task.id}`)
      .set(member.auth)
      .send({ title: 'as an editor' })
      .expect(200);
  });

  it('should refuse a non-member assignee once the task is reassigned away from it', async () => {
    const next = await signUp(a.http);
    const task = await createTask(a.http, team.editor, {
      project_id: team.project.id,
      assignee_id: outsider.id,
    });
    await readCached(outsider, task);

    await b.http
      .patch(`${TASKS}/${task.id}`)
      .set(team.editor.auth)
      .send({ assignee_id: next.id })
      .expect(200);
    await expectGone(outsider, task);
    const gained = await get(a, next, task.id).expect(200);
    expect(gained.body).toMatchObject({ id: task.id, assignee_id: next.id });

    // Unassigning takes it from the new assignee too; the members keep it.
    await b.http
      .patch(`${TASKS}/${task.id}`)
      .set(team.admin.auth)
      .send({ assignee_id: null })
      .expect(200);
    await get(a, next, task.id).expect(404);
    await get(a, team.viewer, task.id).expect(200);
  });

  it('should refuse the readers of the old project once the task moves to one they are not in', async () => {
    const target = await createProject(b.http, team.editor, { name: 'Elsewhere' });
    const task = await createTask(a.http, team.editor, {
      project_id: team.project.id,
      assignee_id: outsider.id,
    });
    await readCached(team.viewer, task);
    await readCached(outsider, task, false);
    // The admin reads it on B only: B's cache entry is the one A then answers from.
    expect((await get(b, team.admin, task.id).expect(200)).headers['x-cache']).toBe('HIT');

    const moved = await b.http
      .patch(`${TASKS}/${task.id}`)
      .set(team.editor.auth)
      .send({ project_id: target.id })
      .expect(200);
    for (const who of [team.viewer, team.admin, team.owner]) await expectGone(who, task);
    // Its assignee and the editor (a member of the target) keep it.
    for (const who of [outsider, team.editor]) {
      for (const t of [a, b])
        expect((await get(t, who, task.id).expect(200)).body).toEqual(moved.body);
    }
  });

  it('should refuse members and assignees of a deleted project on the very next read', async () => {
    const doomed = await newTeam(a.http, {
      owner: team.owner,
      admin: team.admin,
      editor: team.editor,
      viewer: team.viewer,
      stranger: team.stranger,
    });
    const task = await createTask(a.http, doomed.editor, {
      project_id: doomed.project.id,
      assignee_id: outsider.id,
    });
    await readCached(outsider, task);
    for (const who of [doomed.owner, doomed.viewer]) {
      expect((await get(a, who, task.id).expect(200)).headers['x-cache']).toBe('HIT');
    }

    await b.http.delete(`${PROJECTS}/${doomed.project.id}`).set(doomed.owner.auth).expect(204);
    for (const who of [outsider, doomed.owner, doomed.editor, doomed.viewer]) {
      await expectGone(who, task);
    }
    await a.http
      .patch(`${TASKS}/${task.id}`)
      .set(outsider.auth)
      .send({ status: 'completed' })
      .expect(404);
  });
});
