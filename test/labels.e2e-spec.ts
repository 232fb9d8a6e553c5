import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { newPeople, newTeam, People, PROJECTS, Team } from './helpers/projects';
import { createTask, detailFields, NO_RATE_LIMITS } from './helpers/tasks';

interface LabelJson {
  id: number;
  project_id: number;
  name: string;
  color: string;
  created_at: string;
}

const LABELS = '/api/v1/labels';
const labelsOf = (projectId: number | string): string => `${PROJECTS}/${projectId}/labels`;

type Member = 'owner' | 'admin' | 'editor' | 'viewer';
const EDITORS: Member[] = ['owner', 'admin', 'editor'];

/**
 * The labels routes of API.md "Labels": who may list, create, change and delete labels (the
 * role matrix, with a stranger and an assignee from outside the project), names unique per
 * project case-insensitively, colours, archived and deleted projects.
 */
describe('Labels (e2e)', () => {
  let t: TestApp;
  let people: People;
  /** Assigned a task of each team, member of none: it sees that task, not the project. */
  let outsider: Session;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    people = await newPeople(t.http);
    outsider = await signUp(t.http);
  });

  afterAll(async () => {
    await t?.close();
  });

  const create = (who: Session, projectId: number | string, body: object) =>
    t.http.post(labelsOf(projectId)).set(who.auth).send(body);
  const list = (who: Session, projectId: number | string) =>
    t.http.get(labelsOf(projectId)).set(who.auth);
  const patch = (who: Session, id: number | string, body: object) =>
    t.http.patch(`${LABELS}/${id}`).set(who.auth).send(body);
  const remove = (who: Session, id: number | string) =>
    t.http.delete(`${LABELS}/${id}`).set(who.auth);

  /** A team whose project has a task assigned to the outsider. */
  async function teamWithOutsider(): Promise<Team> {
    const team = await newTeam(t.http, people);
    await createTask(t.http, team.owner, {
      project_id: team.project.id,
      assignee_id: outsider.id,
    });
    return team;
  }

  describe('role matrix', () => {
    let team: Team;

    beforeAll(async () => {
      team = await teamWithOutsider();
    });

    it('should let owner, admin and editor create labels, with Location and the default colour', async () => {
      for (const role of EDITORS) {
        const res = await create(team[role], team.project.id, { name: `by ${role}` }).expect(201);
        const label = res.body as LabelJson;
        expect(label).toEqual({
          id: expect.any(Number),
          project_id: team.project.id,
          name: `by ${role}`,
          color: '#808080',
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        });
        expect(res.headers.location).toBe(`${LABELS}/${label.id}`);
      }
    });

    it('should answer 403 to a viewer and 404 to a stranger and to an outside assignee', async () => {
      const body = { name: 'nope' };
      expect((await create(team.viewer, team.project.id, body).expect(403)).body).toMatchObject(
        errorBody('FORBIDDEN'),
      );
      for (const who of [team.stranger, outsider]) {
        expect((await create(who, team.project.id, body).expect(404)).body).toMatchObject(
          errorBody('NOT_FOUND'),
        );
      }
      const names = (await list(team.owner, team.project.id).expect(200)).body as LabelJson[];
      expect(names.map((l) => l.name)).not.toContain('nope');
    });

    it('should list the labels by name to every member, and 404 to others', async () => {
      const project = (await newTeam(t.http, people)).project;
      for (const name of ['zeta', 'Alpha', 'beta', '中文']) {
        await create(people.owner, project.id, { name }).expect(201);
      }
      const expected = ['Alpha', 'beta', 'zeta', '中文'];
      for (const role of [...EDITORS, 'viewer'] as Member[]) {
        const res = await list(people[role], project.id).expect(200);
        expect((res.body as LabelJson[]).map((l) => l.name)).toEqual(expected);
      }
      await list(people.stranger, project.id).expect(404);
      await list(outsider, team.project.id).expect(404);
      await list(people.owner, 999_999_999).expect(404);
      await list(people.owner, '01').expect(400);
    });

    it('should let editors rename and recolour, refuse viewers (403) and others (404)', async () => {
      const label = (await create(team.owner, team.project.id, { name: 'to change' }).expect(201))
        .body as LabelJson;
      await patch(team.viewer, label.id, { name: 'viewer' }).expect(403);
      await patch(team.stranger, label.id, { name: 'stranger' }).expect(404);
      await patch(outsider, label.id, { name: 'outsider' }).expect(404);
      for (const role of EDITORS) {
        const res = await patch(team[role], label.id, { name: `renamed by ${role}` }).expect(200);
        expect(res.body).toEqual({ ...label, name: `renamed by ${role}` });
      }
      const recoloured = await patch(team.editor, label.id, { color: '#D73A4A' }).expect(200);
      expect(recoloured.body).toMatchObject({ name: 'renamed by editor', color: '#d73a4a' });
      await patch(team.owner, 999_999_999, { name: 'x' }).expect(404);
    });

    it('should let editors delete (204, then 404), and refuse viewers (403) and others (404)', async () => {
      const ids: number[] = [];
      for (const name of ['d1', 'd2', 'd3']) {
        ids.push(
          ((await create(team.owner, team.project.id, { name }).expect(201)).body as LabelJson).id,
        );
      }
      await remove(team.viewer, ids[0]).expect(403);
      await remove(team.stranger, ids[0]).expect(404);
      await remove(outsider, ids[0]).expect(404);
      for (const [i, role] of EDITORS.entries()) {
        await remove(team[role], ids[i]).expect(204);
        await remove(team[role], ids[i]).expect(404);
        await patch(team[role], ids[i], { name: 'gone' }).expect(404);
      }
      const names = ((await list(team.owner, team.project.id).expect(200)).body as LabelJson[]).map(
        (l) => l.name,
      );
      expect(names).not.toEqual(expect.arrayContaining(['d1']));
      expect(names.filter((n) => /^d\d$/.test(n))).toEqual([]);
    });
  });

  describe('names and colours', () => {
    let team: Team;

    beforeAll(async () => {
      team = await newTeam(t.http, people);
    });

    it.each([
      [{ name: 'x', color: 'red' }, 'color'],
      [{ name: 'x', color: '#12345' }, 'color'],
      [{ name: 'x', color: null }, 'color'],
      [{ name: 'n'.repeat(51) }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 5 }, 'name'],
      [{}, 'name'],
      [{ name: 'x', project_id: 3 }, 'project_id'],
    ])('should answer 400 to the create body %j naming %s', async (body, field) => {
      const res = await create(team.editor, team.project.id, body).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body as { details: Array<{ field: string }> })).toContain(field);
    });

    it('should take a 50-character name, trimmed, and a colour in either case', async () => {
      const name = '名'.repeat(50);
      const res = await create(team.editor, team.project.id, {
        name: `  ${name} `,
        color: '#ABCDEF',
      }).expect(201);
      expect(res.body).toMatchObject({ name, color: '#abcdef' });
    });

    it('should answer 409 to a name the project has in any case, and let another project have it', async () => {
      await create(team.editor, team.project.id, { name: 'Bug' }).expect(201);
      const clash = await create(team.editor, team.project.id, { name: 'bUG' }).expect(409);
      expect(clash.body).toMatchObject(errorBody('CONFLICT'));
      const other = await newTeam(t.http, people);
      await create(other.editor, other.project.id, { name: 'bug' }).expect(201);
      // Accents count: café is another name than cafe.
      await create(team.editor, team.project.id, { name: 'cafe' }).expect(201);
      await create(team.editor, team.project.id, { name: 'café' }).expect(201);
    });

    it('should answer 409 to a rename onto another label, and allow a change of case of its own name', async () => {
      const a = (await create(team.editor, team.project.id, { name: 'first' }).expect(201))
        .body as LabelJson;
      await create(team.editor, team.project.id, { name: 'second' }).expect(201);
      await patch(team.editor, a.id, { name: 'SECOND' }).expect(409);
      await patch(team.editor, a.id, { name: 'First' }).expect(200);
      expect((await patch(team.editor, a.id, { name: 'First' }).expect(200)).body).toMatchObject({
        name: 'First',
      });
    });

    it.each([
      [{}, 'body'],
      [{ name: null }, 'name'],
      [{ color: 'red' }, 'color'],
      [{ name: 'n'.repeat(51) }, 'name'],
    ])('should answer 400 to the update body %j naming %s', async (body, field) => {
      const label = (await create(team.editor, team.project.id, { name: `u${Math.random()}` }))
        .body as LabelJson;
      const res = await patch(team.editor, label.id, body).expect(400);
      expect(detailFields(res.body as { details: Array<{ field: string }> })).toContain(field);
    });

    it('should answer 400 to ids that are no canonical integers', async () => {
      await patch(team.editor, '1e0', { name: 'x' }).expect(400);
      await remove(team.editor, 'abc').expect(400);
      await create(team.editor, '-1', { name: 'x' }).expect(400);
    });
  });

  describe('project states', () => {
    it('should keep labels of an archived project readable and refuse changes with 409', async () => {
      const team = await newTeam(t.http, people);
      const label = (await create(team.editor, team.project.id, { name: 'kept' }).expect(201))
        .body as LabelJson;
      await t.http
        .patch(`${PROJECTS}/${team.project.id}`)
        .set(team.admin.auth)
        .send({ archived: true })
        .expect(200);
      await list(team.viewer, team.project.id).expect(200);
      expect(
        (await create(team.editor, team.project.id, { name: 'new' }).expect(409)).body,
      ).toMatchObject(errorBody('CONFLICT'));
      await patch(team.editor, label.id, { name: 'changed' }).expect(409);
      await remove(team.editor, label.id).expect(409);
      // A viewer is still refused as a viewer.
      await patch(team.viewer, label.id, { name: 'changed' }).expect(403);
      await t.http
        .patch(`${PROJECTS}/${team.project.id}`)
        .set(team.admin.auth)
        .send({ archived: false })
        .expect(200);
      await patch(team.editor, label.id, { name: 'changed' }).expect(200);
    });

    it("should answer 404 for a deleted project's labels", async () => {
      const team = await newTeam(t.http, people);
      const label = (await create(team.editor, team.project.id, { name: 'doomed' }).expect(201))
        .body as LabelJson;
      await t.http.delete(`${PROJECTS}/${team.project.id}`).set(team.owner.auth).expect(204);
      await list(team.owner, team.project.id).expect(404);
      await create(team.owner, team.project.id, { name: 'x' }).expect(404);
      await patch(team.owner, label.id, { name: 'x' }).expect(404);
      await remove(team.owner, label.id).expect(404);
    });

    it("should let the owner label its inbox, and nobody else see the inbox's labels", async () => {
      const me = await signUp(t.http);
      const task = await createTask(t.http, me);
      const label = (await create(me, task.project_id, { name: 'mine' }).expect(201))
        .body as LabelJson;
      expect(label.project_id).toBe(task.project_id);
      await list(outsider, task.project_id).expect(404);
      await patch(outsider, label.id, { name: 'x' }).expect(404);
    });
  });
});
