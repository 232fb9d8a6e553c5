import { DataSource } from 'typeorm';
import { ProjectAccessService } from '../src/projects/project-access.service';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import {
  createProject,
  MemberJson,
  membersPath,
  newPeople,
  newTeam,
  People,
  ProjectJson,
  PROJECTS,
  RoleName,
  setMember,
  Team,
} from './helpers/projects';
import { NO_RATE_LIMITS } from './helpers/tasks';

interface NotificationJson {
  id: number;
  type: string;
  task_id: number | null;
  project_id: number | null;
  message: string;
  read_at: string | null;
  created_at: string;
}

const fields = (res: { body: { details?: Array<{ field: string }> } }): string[] =>
  (res.body.details ?? []).map((d) => d.field);

describe('Project members (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  /** Users reused by every test on projects of its own (signing up costs two bcrypt hashes). */
  let people: People;
  /** Users who are members of no test's project until a test adds them to its own. */
  let others: Session[];

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    db = t.app.get(DataSource);
    people = await newPeople(t.http);
    others = await Promise.all([signUp(t.http), signUp(t.http), signUp(t.http)]);
  });

  afterAll(async () => {
    await t.close();
  });

  const put = (actor: Session, projectId: number, userId: number | string, body: object) =>
    t.http
      .put(membersPath(projectId, userId as number))
      .set(actor.auth)
      .send(body);
  const remove = (actor: Session, projectId: number, userId: number | string) =>
    t.http.delete(membersPath(projectId, userId as number)).set(actor.auth);

  async function membersOf(actor: Session, projectId: number): Promise<MemberJson[]> {
    const res = await t.http.get(membersPath(projectId)).set(actor.auth).expect(200);
    return res.body as MemberJson[];
  }

  async function projectOf(actor: Session, projectId: number): Promise<ProjectJson> {
    const res = await t.http.get(`${PROJECTS}/${projectId}`).set(actor.auth).expect(200);
    return res.body as ProjectJson;
  }

  async function accessVersion(projectId: number): Promise<number> {
    const rows = await db.query<Array<{ v: number }>>(
      'SELECT access_version AS v FROM projects WHERE id = ?',
      [projectId],
    );
    return Number(rows[0].v);
  }

  describe('GET /projects/{id}/members', () => {
    it('should list every member to every member, by role then username; 404 to others', async () => {
      const team = await newTeam(t.http, people);
      const expected = (['owner', 'admin', 'editor', 'viewer'] as const).map((role) => ({
        user_id: team[role].id,
        username: team[role].username,
        role,
        added_at: expect.any(String),
      }));
      for (const role of ['owner', 'admin', 'editor', 'viewer'] as const) {
        expect(await membersOf(team[role], team.project.id)).toEqual(expected);
      }
      const hidden = await t.http
        .get(membersPath(team.project.id))
        .set(team.stranger.auth)
        .expect(404);
      expect(hidden.body).toMatchObject(errorBody('NOT_FOUND'));
      expect((await projectOf(team.viewer, team.project.id)).member_count).toBe(4);
    });

    it('should order members of one role by username', async () => {
      const project = await createProject(t.http, people.owner);
      for (const viewer of others)
        await setMember(t.http, people.owner, project.id, viewer, 'viewer');
      const listed = (await membersOf(people.owner, project.id)).slice(1).map((m) => m.username);
      expect(listed).toEqual(others.map((v) => v.username).sort());
    });
  });

  describe('PUT /projects/{id}/members/{user_id}', () => {
    let team: Team;

    beforeEach(async () => {
      team = await newTeam(t.http, people);
    });

    it('should add a user (201) and change a role (200), each applying at once', async () => {
      const [newcomer] = others;
      const before = await accessVersion(team.project.id);
      const added = await put(team.admin, team.project.id, newcomer.id, { role: 'viewer' }).expect(
        201,
      );
      expect(added.body).toEqual({
        user_id: newcomer.id,
        username: newcomer.username,
        role: 'viewer',
        added_at: expect.any(String),
      });
      expect(await projectOf(newcomer, team.project.id)).toMatchObject({
        role: 'viewer',
        member_count: 5,
      });
      const changed = await put(team.admin, team.project.id, newcomer.id, {
        role: 'editor',
      }).expect(200);
      expect(changed.body).toEqual({ ...added.body, role: 'editor' });
      expect((await projectOf(newcomer, team.project.id)).role).toBe('editor');
      expect(await accessVersion(team.project.id)).toBe(before + 2);
    });

    it('should answer 200 and change nothing when a member is set to its own role again', async () => {
      const before = await accessVersion(team.project.id);
      const res = await put(team.admin, team.project.id, team.editor.id, {
        role: 'editor',
      }).expect(200);
      expect(res.body).toMatchObject({ user_id: team.editor.id, role: 'editor' });
      expect(await accessVersion(team.project.id)).toBe(before);
      expect((await projectOf(team.owner, team.project.id)).member_count).toBe(4);
    });

    it.each<[string, keyof Team, keyof Team | 'newcomer', RoleName, number]>([
      ['an editor adds a viewer', 'editor', 'newcomer', 'viewer', 403],
      ['a viewer adds a viewer', 'viewer', 'newcomer', 'viewer', 403],
      ['a viewer promotes itself', 'viewer', 'viewer', 'editor', 403],
      ['an admin makes an admin', 'admin', 'editor', 'admin', 403],
      ['an admin adds an admin', 'admin', 'newcomer', 'admin', 403],
      ['an admin demotes itself', 'admin', 'admin', 'editor', 403],
      ['an admin transfers ownership', 'admin', 'editor', 'owner', 403],
      ['an admin demotes the owner', 'admin', 'owner', 'viewer', 403],
      ['the owner demotes itself', 'owner', 'owner', 'admin', 409],
      ['the owner transfers to a non-member', 'owner', 'newcomer', 'owner', 409],
      ['a stranger adds itself', 'stranger', 'stranger', 'viewer', 404],
      ['a stranger adds a viewer', 'stranger', 'newcomer', 'viewer', 404],
    ])('should refuse when %s', async (_case, actor, target, role, status) => {
      const [newcomer] = others;
      const targetId = target === 'newcomer' ? newcomer.id : (team[target] as Session).id;
      const before = await membersOf(team.owner, team.project.id);
      const res = await put(team[actor] as Session, team.project.id, targetId, { role }).expect(
        status,
      );
      expect(res.body).toMatchObject(
        errorBody(status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'CONFLICT'),
      );
      expect(await membersOf(team.owner, team.project.id)).toEqual(before);
    });

    it('should let the owner make and unmake admins', async () => {
      await put(team.owner, team.project.id, team.editor.id, { role: 'admin' }).expect(200);
      expect((await projectOf(team.editor, team.project.id)).role).toBe('admin');
      await put(team.owner, team.project.id, team.admin.id, { role: 'viewer' }).expect(200);
      expect((await projectOf(team.admin, team.project.id)).role).toBe('viewer');
    });

    it('should transfer ownership: the old owner becomes admin, owner_id changes', async () => {
      const res = await put(team.owner, team.project.id, team.editor.id, { role: 'owner' }).expect(
        200,
      );
      expect(res.body).toMatchObject({ user_id: team.editor.id, role: 'owner' });
      const project = await projectOf(team.editor, team.project.id);
      expect(project).toMatchObject({ owner_id: team.editor.id, role: 'owner', member_count: 4 });
      expect((await projectOf(team.owner, team.project.id)).role).toBe('admin');
      const roles = (await membersOf(team.viewer, team.project.id)).map((m) => [m.user_id, m.role]);
      expect(roles.filter(([, role]) => role === 'owner')).toEqual([[team.editor.id, 'owner']]);
      // The old owner lost the owner's rights, the new one has them.
      await t.http.delete(`${PROJECTS}/${team.project.id}`).set(team.owner.auth).expect(403);
      await remove(team.owner, team.project.id, team.editor.id).expect(409);
      await t.http.delete(`${PROJECTS}/${team.project.id}`).set(team.editor.auth).expect(204);
    });

    it('should answer 200 unchanged when the owner names itself owner', async () => {
      const res = await put(team.owner, team.project.id, team.owner.id, { role: 'owner' }).expect(
        200,
      );
      expect(res.body).toMatchObject({ user_id: team.owner.id, role: 'owner' });
    });

    it('should answer 404 for a user that does not exist', async () => {
      const res = await put(team.admin, team.project.id, 4294967295, { role: 'viewer' }).expect(
        404,
      );
      expect(res.body).toMatchObject({ ...errorBody('NOT_FOUND'), error: 'user not found' });
      // Those who may not manage members learn only that they may not.
      await put(team.viewer, team.project.id, 4294967295, { role: 'viewer' }).expect(403);
    });

    it.each([
      ['the role superuser', 'abc-ok', { role: 'superuser' }, 'role'],
      ['no role', 'abc-ok', {}, 'role'],
      ['a null role', 'abc-ok', { role: null }, 'role'],
      ['an extra field', 'abc-ok', { role: 'viewer', user_id: 3 }, 'user_id'],
      ['the member id abc', 'abc', { role: 'viewer' }, 'user_id'],
      ['the member id 0', '0', { role: 'viewer' }, 'user_id'],
      ['the member id 4294967296', '4294967296', { role: 'viewer' }, 'user_id'],
    ])('should answer 400 naming the field for %s', async (_case, userId, body, field) => {
      const id = userId === 'abc-ok' ? team.viewer.id : userId;
      const res = await put(team.owner, team.project.id, id, body).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(fields(res)).toEqual([field]);
    });

    it('should keep one membership when the same user is added concurrently', async () => {
      const [newcomer] = others;
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          put(team.admin, team.project.id, newcomer.id, { role: 'editor' }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect((await projectOf(team.owner, team.project.id)).member_count).toBe(5);
    });
  });

  describe('DELETE /projects/{id}/members/{user_id}', () => {
    let team: Team;

    beforeEach(async () => {
      team = await newTeam(t.http, people);
    });

    it.each<[string, keyof Team, keyof Team]>([
      ['an admin removes an editor', 'admin', 'editor'],
      ['an admin removes a viewer', 'admin', 'viewer'],
      ['the owner removes an admin', 'owner', 'admin'],
      ['a viewer leaves', 'viewer', 'viewer'],
      ['an editor leaves', 'editor', 'editor'],
      ['an admin leaves', 'admin', 'admin'],
    ])('should answer 204 when %s, and the removed user loses access at once', async (_c, a, b) => {
      const actor = team[a] as Session;
      const target = team[b] as Session;
      const access = t.app.get(ProjectAccessService);
      expect((await access.cachedAccess(team.project.id, target.id)).role).not.toBeNull();
      await remove(actor, team.project.id, target.id).expect(204);
      expect((await access.cachedAccess(team.project.id, target.id)).role).toBeNull();
      await t.http.get(`${PROJECTS}/${team.project.id}`).set(target.auth).expect(404);
      const list = await t.http.get(PROJECTS).set(target.auth).expect(200);
      expect((list.body as ProjectJson[]).map((p) => p.id)).not.toContain(team.project.id);
      const members = await membersOf(team.owner, team.project.id);
      expect(members.map((m) => m.user_id)).not.toContain(target.id);
      expect((await projectOf(team.owner, team.project.id)).member_count).toBe(3);
    });

    it.each<[string, keyof Team, keyof Team, number]>([
      ['a viewer removes an editor', 'viewer', 'editor', 403],
      ['an editor removes a viewer', 'editor', 'viewer', 403],
      ['an admin removes another admin', 'admin', 'admin2' as keyof Team, 403],
      ['an admin removes the owner', 'admin', 'owner', 409],
      ['the owner leaves', 'owner', 'owner', 409],
      ['a stranger removes a viewer', 'stranger', 'viewer', 404],
      ['a stranger leaves', 'stranger', 'stranger', 404],
    ])('should refuse when %s', async (_case, a, b, status) => {
      const [secondAdmin] = others;
      await setMember(t.http, team.owner, team.project.id, secondAdmin, 'admin');
      const before = await membersOf(team.owner, team.project.id);
      const target = b === ('admin2' as keyof Team) ? secondAdmin : (team[b] as Session);
      const res = await remove(team[a] as Session, team.project.id, target.id).expect(status);
      expect(res.body).toMatchObject(
        errorBody(status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'CONFLICT'),
      );
      expect(await membersOf(team.owner, team.project.id)).toEqual(before);
    });

    it('should answer 404 to an admin removing a non-member, 403 to a viewer', async () => {
      const res = await remove(team.admin, team.project.id, team.stranger.id).expect(404);
      expect(res.body).toMatchObject({ ...errorBody('NOT_FOUND'), error: 'member not found' });
      await remove(team.viewer, team.project.id, team.stranger.id).expect(403);
      const bad = await remove(team.admin, team.project.id, 'abc').expect(400);
      expect(fields(bad)).toEqual(['user_id']);
    });
  });

  describe('project_added notifications', () => {
    async function notificationsOf(user: Session): Promise<NotificationJson[]> {
      const res = await t.http.get('/api/v1/notifications').set(user.auth).expect(200);
      return res.body as NotificationJson[];
    }

    it('should notify a user added to a project, and only then', async () => {
      const owner = await signUp(t.http);
      const user = await signUp(t.http);
      const project = await createProject(t.http, owner, { name: 'Launch' });
      await setMember(t.http, owner, project.id, user, 'editor');
      const [notification] = await notificationsOf(user);
      expect(notification).toEqual({
        id: expect.any(Number),
        type: 'project_added',
        task_id: null,
        project_id: project.id,
        message: 'You were added to the project "Launch" as editor',
        read_at: null,
        created_at: expect.any(String),
      });
      // A role change, a transfer of ownership or a repeat notify nobody.
      await setMember(t.http, owner, project.id, user, 'editor', 200);
      await setMember(t.http, owner, project.id, user, 'admin', 200);
      await setMember(t.http, owner, project.id, user, 'owner', 200);
      expect(await notificationsOf(user)).toHaveLength(1);
      expect(await notificationsOf(owner)).toEqual([]);
      await t.http.post(`/api/v1/notifications/${notification.id}/read`).set(user.auth).expect(204);
      expect((await notificationsOf(user))[0].read_at).toEqual(expect.any(String));
    });

    it('should notify again when a removed member is added back', async () => {
      const owner = await signUp(t.http);
      const user = await signUp(t.http);
      const project = await createProject(t.http, owner);
      await setMember(t.http, owner, project.id, user, 'viewer');
      await remove(owner, project.id, user.id).expect(204);
      await setMember(t.http, owner, project.id, user, 'viewer');
      const types = (await notificationsOf(user)).map((n) => [n.type, n.project_id]);
      expect(types).toEqual([
        ['project_added', project.id],
        ['project_added', project.id],
      ]);
    });
  });
});
