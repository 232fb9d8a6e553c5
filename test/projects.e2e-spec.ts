import { DataSource } from 'typeorm';
import { ProjectAccessService } from '../src/projects/project-access.service';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, newUser, Session, signUp } from './helpers/factories';
import {
  createProject,
  membersPath,
  newTeam,
  PROJECT_KEYS,
  ProjectJson,
  PROJECTS,
  setMember,
  Team,
} from './helpers/projects';
import { NO_RATE_LIMITS } from './helpers/tasks';

const fields = (res: { body: { details?: Array<{ field: string }> } }): string[] =>
  (res.body.details ?? []).map((d) => d.field);

describe('Projects (e2e)', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  async function inboxesOf(userId: number): Promise<number> {
    const rows = await db.query<Array<{ n: string | number }>>(
      'SELECT COUNT(*) AS n FROM projects WHERE inbox_of = ?',
      [userId],
    );
    return Number(rows[0].n);
  }

  describe('the inbox', () => {
    let user: Session;
    let inbox: ProjectJson;

    beforeAll(async () => {
      user = await signUp(t.http);
      const res = await t.http.get(PROJECTS).set(user.auth).expect(200);
      [inbox] = res.body as ProjectJson[];
    });

    it('should be made at registration: one private project, owned by the user', async () => {
      expect(Object.keys(inbox).sort()).toEqual(PROJECT_KEYS);
      expect(inbox).toMatchObject({
        name: 'Inbox',
        description: '',
        owner_id: user.id,
        is_inbox: true,
        role: 'owner',
        member_count: 1,
        archived_at: null,
      });
      expect(await inboxesOf(user.id)).toBe(1);
      const members = await t.http.get(membersPath(inbox.id)).set(user.auth).expect(200);
      expect(members.body).toEqual([
        { user_id: user.id, username: user.username, role: 'owner', added_at: inbox.created_at },
      ]);
    });

    it('should answer 409 to sharing, deleting, archiving and renaming it', async () => {
      const other = await signUp(t.http);
      const share = await t.http
        .put(membersPath(inbox.id, other.id))
        .set(user.auth)
        .send({ role: 'viewer' })
        .expect(409);
      expect(share.body).toMatchObject(errorBody('CONFLICT'));
      await t.http.delete(`${PROJECTS}/${inbox.id}`).set(user.auth).expect(409);
      await t.http
        .patch(`${PROJECTS}/${inbox.id}`)
        .set(user.auth)
        .send({ archived: true })
        .expect(409);
      await t.http
        .patch(`${PROJECTS}/${inbox.id}`)
        .set(user.auth)
        .send({ name: 'Mine' })
        .expect(409);
      await t.http.delete(membersPath(inbox.id, user.id)).set(user.auth).expect(409);
      const after = await t.http.get(`${PROJECTS}/${inbox.id}`).set(user.auth).expect(200);
      expect(after.body).toMatchObject({ name: 'Inbox', archived_at: null, member_count: 1 });
    });

    it('should let its owner change its description, and nobody else see it', async () => {
      const res = await t.http
        .patch(`${PROJECTS}/${inbox.id}`)
        .set(user.auth)
        .send({ description: 'Things to sort', name: 'Inbox', archived: false })
        .expect(200);
      expect(res.body).toMatchObject({ name: 'Inbox', description: 'Things to sort' });
      const stranger = await signUp(t.http);
      const hidden = await t.http.get(`${PROJECTS}/${inbox.id}`).set(stranger.auth).expect(404);
      expect(hidden.body).toMatchObject(errorBody('NOT_FOUND'));
    });

    it('should give every one of concurrent registrations exactly one inbox', async () => {
      const bodies = Array.from({ length: 8 }, () => newUser());
      const results = await Promise.all(
        bodies.map((body) => t.http.post('/api/v1/auth/register').send(body)),
      );
      expect(results.map((r) => r.status)).toEqual(bodies.map(() => 201));
      for (const res of results) expect(await inboxesOf(res.body.user.id as number)).toBe(1);
    });

    it('should leave no user and no inbox behind when a duplicate registration loses', async () => {
      const body = newUser();
      const results = await Promise.all([
        t.http.post('/api/v1/auth/register').send(body),
        t.http
          .post('/api/v1/auth/register')
          .send({ ...body, username: `${body.username}x`.slice(0, 20) }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const rows = await db.query<Array<{ users: string; inboxes: string }>>(
        `SELECT COUNT(DISTINCT u.id) AS users, COUNT(p.id) AS inboxes
           FROM users u LEFT JOIN projects p ON p.inbox_of = u.id WHERE u.email = ?`,
        [body.email],
      );
      expect(rows[0]).toEqual({ users: '1', inboxes: '1' });
    });
  });

  describe('POST /projects', () => {
    it('should answer 201 with Location, the creator as owner and only member', async () => {
      const owner = await signUp(t.http);
      const res = await t.http
        .post(PROJECTS)
        .set(owner.auth)
        .send({ name: '  发布计划  ', description: 'Spring' })
        .expect(201);
      expect(res.headers.location).toBe(`${PROJECTS}/${res.body.id}`);
      expect(Object.keys(res.body).sort()).toEqual(PROJECT_KEYS);
      expect(res.body).toMatchObject({
        name: '发布计划',
        description: 'Spring',
        owner_id: owner.id,
        is_inbox: false,
        role: 'owner',
        member_count: 1,
        archived_at: null,
      });
      const read = await t.http.get(res.headers.location).set(owner.auth).expect(200);
      expect(read.body).toEqual(res.body);
    });

    it.each([
      ['a name of 101 characters', { name: 'x'.repeat(101) }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['no name', { description: 'd' }, 'name'],
      ['a null description', { name: 'n', description: null }, 'description'],
      [
        'a description over 10,000 characters',
        { name: 'n', description: 'd'.repeat(10_001) },
        'description',
      ],
      ['an owner_id', { name: 'n', owner_id: 1 }, 'owner_id'],
    ])('should answer 400 naming the field for %s', async (_case, body, field) => {
      const owner = await signUp(t.http);
      const res = await t.http.post(PROJECTS).set(owner.auth).send(body).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(fields(res)).toContain(field);
    });

    it('should accept a name of exactly 100 characters', async () => {
      const owner = await signUp(t.http);
      const res = await t.http
        .post(PROJECTS)
        .set(owner.auth)
        .send({ name: 'é'.repeat(100) })
        .expect(201);
      expect(res.body.name).toBe('é'.repeat(100));
    });
  });

  describe('GET /projects', () => {
    let owner: Session;
    const names = ['delta', 'Alpha', 'charlie', 'bravo', 'echo'];

    beforeAll(async () => {
      owner = await signUp(t.http);
      for (const name of names) await createProject(t.http, owner, { name });
    });

    it('should list the inbox first, then by name, paged with X-Total-Count and Link', async () => {
      const first = await t.http.get(`${PROJECTS}?page_size=4`).set(owner.auth).expect(200);
      expect(first.headers['x-total-count']).toBe('6');
      expect((first.body as ProjectJson[]).map((p) => p.name)).toEqual([
        'Inbox',
        'Alpha',
        'bravo',
        'charlie',
      ]);
      expect(first.headers.link).toBe(
        `<${PROJECTS}?page_size=4&page=2>; rel="next", <${PROJECTS}?page_size=4&page=1>; rel="first", <${PROJECTS}?page_size=4&page=2>; rel="last"`,
      );
      const second = await t.http.get(`${PROJECTS}?page_size=4&page=2`).set(owner.auth).expect(200);
      expect((second.body as ProjectJson[]).map((p) => p.name)).toEqual(['delta', 'echo']);
      expect(second.headers.link).toContain('rel="prev"');
      const past = await t.http.get(`${PROJECTS}?page_size=4&page=3`).set(owner.auth).expect(200);
      expect(past.body).toEqual([]);
      expect(past.headers['x-total-count']).toBe('6');
    });

    it('should default to pages of 20 and list only the caller’s projects', async () => {
      const other = await signUp(t.http);
      const res = await t.http.get(PROJECTS).set(other.auth).expect(200);
      expect((res.body as ProjectJson[]).map((p) => p.name)).toEqual(['Inbox']);
      expect(res.headers['x-total-count']).toBe('1');
    });

    it('should list archived projects only with archived=true', async () => {
      const [echo] = ((await t.http.get(PROJECTS).set(owner.auth)).body as ProjectJson[]).filter(
        (p) => p.name === 'echo',
      );
      const archived = await t.http
        .patch(`${PROJECTS}/${echo.id}`)
        .set(owner.auth)
        .send({ archived: true })
        .expect(200);
      expect(archived.body.archived_at).toEqual(expect.any(String));
      const live = await t.http.get(PROJECTS).set(owner.auth).expect(200);
      expect((live.body as ProjectJson[]).map((p) => p.name)).not.toContain('echo');
      expect(live.headers['x-total-count']).toBe('5');
      const onlyArchived = await t.http
        .get(`${PROJECTS}?archived=true`)
        .set(owner.auth)
        .expect(200);
      expect((onlyArchived.body as ProjectJson[]).map((p) => p.name)).toEqual(['echo']);
      expect(onlyArchived.headers['x-total-count']).toBe('1');
      // Archiving again keeps the first archived_at; unarchiving brings it back.
      const again = await t.http
        .patch(`${PROJECTS}/${echo.id}`)
        .set(owner.auth)
        .send({ archived: true })
        .expect(200);
      expect(again.body.archived_at).toBe(archived.body.archived_at);
      await t.http
        .patch(`${PROJECTS}/${echo.id}`)
        .set(owner.auth)
        .send({ archived: false })
        .expect(200);
      const back = await t.http.get(PROJECTS).set(owner.auth).expect(200);
      expect(back.headers['x-total-count']).toBe('6');
    });

    it.each(['page_size=0', 'page_size=101', 'page=0', 'page=abc', 'archived=yes'])(
      'should answer 400 naming the field for %s',
      async (query) => {
        const res = await t.http.get(`${PROJECTS}?${query}`).set(owner.auth).expect(400);
        expect(fields(res)).toContain(query.split('=')[0]);
      },
    );
  });

  describe('role matrix on the project routes', () => {
    let team: Team;

    beforeAll(async () => {
      team = await newTeam(t.http);
    });

    it('should let every member read the project with its own role, and hide it from others', async () => {
      for (const role of ['owner', 'admin', 'editor', 'viewer'] as const) {
        const res = await t.http
          .get(`${PROJECTS}/${team.project.id}`)
          .set(team[role].auth)
          .expect(200);
        expect(res.body).toMatchObject({ id: team.project.id, role, member_count: 4 });
        const list = await t.http.get(PROJECTS).set(team[role].auth).expect(200);
        expect((list.body as ProjectJson[]).map((p) => p.id)).toContain(team.project.id);
      }
      await t.http.get(`${PROJECTS}/${team.project.id}`).set(team.stranger.auth).expect(404);
      await t.http.get(`${PROJECTS}/4294967295`).set(team.owner.auth).expect(404);
    });

    it('should let admin and owner change settings, forbid editor and viewer, hide from strangers', async () => {
      const patch = (who: Session, body: object) =>
        t.http.patch(`${PROJECTS}/${team.project.id}`).set(who.auth).send(body);
      const byAdmin = await patch(team.admin, { name: 'Renamed', description: 'new' }).expect(200);
      expect(byAdmin.body).toMatchObject({ name: 'Renamed', description: 'new', role: 'admin' });
      expect(Date.parse(byAdmin.body.updated_at as string)).toBeGreaterThanOrEqual(
        Date.parse(team.project.updated_at),
      );
      await patch(team.owner, { name: 'Team again' }).expect(200);
      for (const who of [team.editor, team.viewer]) {
        const res = await patch(who, { name: 'Mine' }).expect(403);
        expect(res.body).toMatchObject(errorBody('FORBIDDEN'));
      }
      await patch(team.stranger, { name: 'Mine' }).expect(404);
      const read = await t.http.get(`${PROJECTS}/${team.project.id}`).set(team.viewer.auth);
      expect(read.body.name).toBe('Team again');
    });

    it.each([
      ['an empty body', {}, 'body'],
      ['a null name', { name: null }, 'name'],
      ['a name of 101 characters', { name: 'n'.repeat(101) }, 'name'],
      ['a non-boolean archived', { archived: 'yes' }, 'archived'],
      ['an owner_id', { owner_id: 5 }, 'owner_id'],
    ])('should answer 400 to a PATCH with %s', async (_case, body, field) => {
      const res = await t.http
        .patch(`${PROJECTS}/${team.project.id}`)
        .set(team.owner.auth)
        .send(body)
        .expect(400);
      expect(fields(res)).toContain(field);
    });

    it.each(['abc', '0', '-1', '4294967296'])(
      'should answer 400 for the project id %s',
      async (id) => {
        const res = await t.http.get(`${PROJECTS}/${id}`).set(team.owner.auth).expect(400);
        expect(fields(res)).toEqual(['id']);
      },
    );
  });

  describe('DELETE /projects/{id}', () => {
    it('should be the owner’s alone, and then hide the project from every member', async () => {
      const team = await newTeam(t.http);
      const path = `${PROJECTS}/${team.project.id}`;
      const access = t.app.get(ProjectAccessService);
      // A cached access entry, as task reads leave it, must not outlive the project.
      expect((await access.cachedAccess(team.project.id, team.viewer.id)).role).toBe('viewer');
      for (const who of [team.admin, team.editor, team.viewer]) {
        const res = await t.http.delete(path).set(who.auth).expect(403);
        expect(res.body).toMatchObject(errorBody('FORBIDDEN'));
      }
      await t.http.delete(path).set(team.stranger.auth).expect(404);
      await t.http.delete(path).set(team.owner.auth).expect(204);

      expect(await access.cachedAccess(team.project.id, team.viewer.id)).toEqual({
        live: false,
        role: null,
      });
      for (const who of [team.owner, team.admin, team.editor, team.viewer]) {
        await t.http.get(path).set(who.auth).expect(404);
        await t.http.get(membersPath(team.project.id)).set(who.auth).expect(404);
        const list = await t.http.get(PROJECTS).set(who.auth).expect(200);
        expect((list.body as ProjectJson[]).map((p) => p.id)).not.toContain(team.project.id);
      }
      await t.http.delete(path).set(team.owner.auth).expect(404);
      await t.http.patch(path).set(team.owner.auth).send({ name: 'x' }).expect(404);
      const other = await signUp(t.http);
      await setMember(t.http, team.owner, team.project.id, other, 'viewer', 404);
    });
  });
});
