import { startTestApp, TestApp } from './helpers/app';
import { Session, signUp } from './helpers/factories';
import { detailFieldsOf, errorCodes, gqlData, gqlRequest, idsOf } from './helpers/graphql';
import { uploaded } from './helpers/attachments';
import { newPeople, newTeam, People, RoleName, setMember, Team } from './helpers/projects';
import { createTask, NO_RATE_LIMITS, TASKS } from './helpers/tasks';

type Who = RoleName | 'stranger';
const EVERYONE: Who[] = ['owner', 'admin', 'editor', 'viewer', 'stranger'];

const TASK_FIELDS = `id title description status priority userId projectId assigneeId
  labels { id name color } dueDate completedAt createdAt updatedAt`;

/**
 * Every query and mutation of the GraphQL API, through the role matrix of a team project (owner,
 * admin, editor, viewer, stranger): the same answers and the same codes as the REST routes they
 * mirror (a stranger gets NOT_FOUND, never FORBIDDEN).
 */
describe('GraphQL queries and mutations (e2e)', () => {
  let t: TestApp;
  let people: People;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    people = await newPeople(t.http);
  });

  afterAll(async () => {
    await t?.close();
  });

  const as = (team: Team, who: Who): Session => team[who];
  const run = (who: Session, query: string, variables?: Record<string, unknown>) =>
    gqlRequest(t.http, who.auth, query, variables);

  describe('me, users, notifications', () => {
    it('should answer the caller with its email, and others without', async () => {
      const me = await signUp(t.http);
      const data = await gqlData(t.http, me.auth, `{ me { id username email createdAt } }`);
      expect(data.me).toEqual({
        id: me.id,
        username: me.username,
        email: me.email,
        createdAt: expect.any(String),
      });
      const found = await gqlData(
        t.http,
        me.auth,
        `query($q: String) { users(q: $q, limit: 5) { id username email } }`,
        { q: me.username },
      );
      expect(found.users).toEqual([{ id: me.id, username: me.username, email: null }]);
    });

    it('should refuse users(limit) beyond REST limits with VALIDATION_FAILED naming the field', async () => {
      const res = await run(people.owner, `{ users(limit: 51) { id } }`);
      expect(res.status).toBe(200);
      expect(errorCodes(res)).toEqual(['VALIDATION_FAILED']);
      expect(res.body.errors[0].extensions.details).toEqual([
        { field: 'limit', message: expect.stringContaining('limit') },
      ]);
    });

    it("should list the caller's notifications, unread ones on request", async () => {
      const team = await newTeam(t.http, people);
      const task = await createTask(t.http, team.owner, {
        project_id: team.project.id,
        assignee_id: team.viewer.id,
      });
      // The assignment notification is written by a job: wait until REST shows it.
      const deadline = Date.now() + 10_000;
      let rest: Array<{ id: number; task_id: number | null }> = [];
      while (Date.now() < deadline) {
        rest = (await t.http.get('/api/v1/notifications').set(team.viewer.auth).expect(200)).body;
        if (rest.some((n) => n.task_id === task.id)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const data = await gqlData(
        t.http,
        team.viewer.auth,
        `{ all: notifications { id type taskId message readAt } unread: notifications(unread: true) { id } }`,
      );
      expect(idsOf(data.all)).toEqual(idsOf(rest));
      expect(data.all).toContainEqual(
        expect.objectContaining({ type: 'assigned', taskId: task.id, readAt: null }),
      );
      expect(data.unread.length).toBeGreaterThan(0);
    });
  });

  describe('projects', () => {
    let team: Team;

    beforeAll(async () => {
      team = await newTeam(t.http, people);
    });

    it.each(EVERYONE)('project(id) as %s', async (who) => {
      const res = await run(
        as(team, who),
        `query($id: Int!) { project(id: $id) { id name role memberCount isInbox members { userId role } labels { id } } }`,
        { id: team.project.id },
      );
      expect(res.status).toBe(200);
      if (who === 'stranger') {
        expect(errorCodes(res)).toEqual(['NOT_FOUND']);
        expect(res.body.data).toBeNull();
        return;
      }
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.project).toMatchObject({
        id: team.project.id,
        role: who,
        memberCount: 4,
        isInbox: false,
        labels: [],
      });
      expect(res.body.data.project.members).toHaveLength(4);
    });

    it('projects should list the same projects as REST, inbox first', async () => {
      const rest = await t.http.get('/api/v1/projects').set(team.editor.auth).expect(200);
      const data = await gqlData(t.http, team.editor.auth, `{ projects { id isInbox role } }`);
      expect(idsOf(data.projects)).toEqual(idsOf(rest.body));
      expect(data.projects[0].isInbox).toBe(true);
    });

    it('createProject should make the caller its owner, and validate like REST', async () => {
      const data = await gqlData(
        t.http,
        team.stranger.auth,
        `mutation { createProject(input: { name: "  Launch  ", description: "d" }) { name role memberCount } }`,
      );
      expect(data.createProject).toEqual({ name: 'Launch', role: 'owner', memberCount: 1 });
      const bad = await run(
        team.stranger,
        `mutation { createProject(input: { name: "   " }) { id } }`,
      );
      expect(errorCodes(bad)).toEqual(['VALIDATION_FAILED']);
      expect(detailFieldsOf(bad)).toEqual(['name']);
    });

    it.each(EVERYONE)('updateProject as %s', async (who) => {
      const fresh = await newTeam(t.http, people);
      const res = await run(
        as(fresh, who),
        `mutation($id: Int!) { updateProject(id: $id, input: { description: "changed" }) { description } }`,
        { id: fresh.project.id },
      );
      const expected = {
        owner: null,
        admin: null,
        editor: 'FORBIDDEN',
        viewer: 'FORBIDDEN',
        stranger: 'NOT_FOUND',
      }[who];
      if (expected === null)
        expect(res.body.data.updateProject).toEqual({ description: 'changed' });
      else expect(errorCodes(res)).toEqual([expected]);
    });

    it.each(EVERYONE)('setProjectMember and removeProjectMember as %s', async (who) => {
      const fresh = await newTeam(t.http, people);
      const newcomer = await signUp(t.http);
      const set = await run(
        as(fresh, who),
        `mutation($p: Int!, $u: Int!) { setProjectMember(projectId: $p, userId: $u, role: viewer) { created member { userId username role } } }`,
        { p: fresh.project.id, u: newcomer.id },
      );
      const expected = {
        owner: null,
        admin: null,
        editor: 'FORBIDDEN',
        viewer: 'FORBIDDEN',
        stranger: 'NOT_FOUND',
      }[who];
      if (expected !== null) {
        expect(errorCodes(set)).toEqual([expected]);
        const remove = await run(
          as(fresh, who),
          `mutation($p: Int!, $u: Int!) { removeProjectMember(projectId: $p, userId: $u) }`,
          {
            p: fresh.project.id,
            u: fresh.editor.id === as(fresh, who).id ? fresh.viewer.id : fresh.editor.id,
          },
        );
        expect(errorCodes(remove)).toEqual([expected]);
        return;
      }
      expect(set.body.data.setProjectMember).toEqual({
        created: true,
        member: { userId: newcomer.id, username: newcomer.username, role: 'viewer' },
      });
      const removed = await run(
        as(fresh, who),
        `mutation($p: Int!, $u: Int!) { removeProjectMember(projectId: $p, userId: $u) }`,
        { p: fresh.project.id, u: newcomer.id },
      );
      expect(removed.body).toEqual({ data: { removeProjectMember: true } });
      const members = await t.http
        .get(`/api/v1/projects/${fresh.project.id}/members`)
        .set(fresh.owner.auth)
        .expect(200);
      expect((members.body as Array<{ user_id: number }>).map((m) => m.user_id)).not.toContain(
        newcomer.id,
      );
    });

    it('should let a member leave, and refuse an unknown role as a GraphQL validation error', async () => {
      const fresh = await newTeam(t.http, people);
      const left = await run(
        fresh.viewer,
        `mutation($p: Int!, $u: Int!) { removeProjectMember(projectId: $p, userId: $u) }`,
        { p: fresh.project.id, u: fresh.viewer.id },
      );
      expect(left.body).toEqual({ data: { removeProjectMember: true } });
      const bad = await run(
        fresh.owner,
        `mutation { setProjectMember(projectId: ${fresh.project.id}, userId: ${fresh.viewer.id}, role: superuser) { created } }`,
      );
      expect(bad.status).toBe(400);
      expect(errorCodes(bad)).toEqual(['VALIDATION_FAILED']);
    });

    it.each(EVERYONE)('createLabel as %s', async (who) => {
      const res = await run(
        as(team, who),
        `mutation($p: Int!, $name: String!) { createLabel(projectId: $p, input: { name: $name, color: "#FF0000" }) { projectId name color } }`,
        { p: team.project.id, name: `label-${who}` },
      );
      const expected = {
        owner: null,
        admin: null,
        editor: null,
        viewer: 'FORBIDDEN',
        stranger: 'NOT_FOUND',
      }[who];
      if (expected !== null) {
        expect(errorCodes(res)).toEqual([expected]);
        return;
      }
      expect(res.body.data.createLabel).toEqual({
        projectId: team.project.id,
        name: `label-${who}`,
        color: '#ff0000',
      });
      const clash = await run(
        as(team, who),
        `mutation($p: Int!, $name: String!) { createLabel(projectId: $p, input: { name: $name }) { id } }`,
        { p: team.project.id, name: `LABEL-${who}` },
      );
      expect(errorCodes(clash)).toEqual(['CONFLICT']);
    });
  });

  describe('tasks', () => {
    let team: Team;

    beforeAll(async () => {
      team = await newTeam(t.http, people);
    });

    const newTask = () =>
      createTask(t.http, team.owner, { project_id: team.project.id, assignee_id: team.editor.id });

    it.each(EVERYONE)('task(id) with its relations as %s', async (who) => {
      const task = await newTask();
      await t.http
        .post(`${TASKS}/${task.id}/comments`)
        .set(team.viewer.auth)
        .send({ body: 'first' })
        .expect(201);
      await uploaded(t.http, team.editor, task.id, 'hello', { filename: 'a.txt' });
      const res = await run(
        as(team, who),
        `query($id: Int!) { task(id: $id) { ${TASK_FIELDS} etag
          project { id role } assignee { id username } creator { id username }
          commentCount comments { body author { id } } attachments { filename size }
          activity { type actor { id } } } }`,
        { id: task.id },
      );
      if (who === 'stranger') {
        expect(errorCodes(res)).toEqual(['NOT_FOUND']);
        return;
      }
      expect(res.body.errors).toBeUndefined();
      const rest = await t.http.get(`${TASKS}/${task.id}`).set(as(team, who).auth).expect(200);
      expect(res.body.data.task).toMatchObject({
        id: task.id,
        title: rest.body.title,
        userId: team.owner.id,
        projectId: team.project.id,
        assigneeId: team.editor.id,
        createdAt: rest.body.created_at,
        updatedAt: rest.body.updated_at,
        etag: rest.headers.etag,
        project: { id: team.project.id, role: who },
        assignee: { id: team.editor.id, username: team.editor.username },
        creator: { id: team.owner.id, username: team.owner.username },
        commentCount: 1,
        comments: [{ body: 'first', author: { id: team.viewer.id } }],
        attachments: [{ filename: 'a.txt', size: 5 }],
      });
      expect((res.body.data.task.activity as Array<{ type: string }>).map((a) => a.type)).toEqual(
        expect.arrayContaining(['created', 'commented', 'attachment_added']),
      );
    });

    it('should show an assignee outside the project its task, with a null project', async () => {
      const outsider = await signUp(t.http);
      const task = await createTask(t.http, team.owner, {
        project_id: team.project.id,
        assignee_id: outsider.id,
      });
      const data = await gqlData(
        t.http,
        outsider.auth,
        `query($id: Int!) { task(id: $id) { id project { id } } }`,
        { id: task.id },
      );
      expect(data.task).toEqual({ id: task.id, project: null });
    });

    it.each(EVERYONE)('tasks(filter: projectId) as %s', async (who) => {
      const task = await newTask();
      const data = await gqlData(
        t.http,
        as(team, who).auth,
        `query($p: [Int!]) { tasks(filter: { projectId: $p }, pageSize: 100) { totalCount nodes { id } } }`,
        { p: [team.project.id] },
      );
      if (who === 'stranger') {
        expect(data.tasks).toEqual({ totalCount: 0, nodes: [] });
        return;
      }
      expect(idsOf(data.tasks.nodes)).toContain(task.id);
    });

    it.each(EVERYONE)('createTask as %s', async (who) => {
      const res = await run(
        as(team, who),
        `mutation($input: CreateTaskInput!) { createTask(input: $input) { ${TASK_FIELDS} etag } }`,
        {
          input: {
            title: '  完成项目文档 ',
            projectId: team.project.id,
            priority: 'high',
            dueDate: '2030-02-01T00:00:00Z',
            assigneeId: team.viewer.id,
          },
        },
      );
      const expected = {
        owner: null,
        admin: null,
        editor: null,
        viewer: 'FORBIDDEN',
        stranger: 'NOT_FOUND',
      }[who];
      if (expected !== null) {
        expect(errorCodes(res)).toEqual([expected]);
        expect(res.body.errors[0]).not.toHaveProperty('extensions.stack');
        return;
      }
      const created = res.body.data.createTask;
      expect(created).toMatchObject({
        title: '完成项目文档',
        status: 'pending',
        priority: 'high',
        userId: as(team, who).id,
        projectId: team.project.id,
        assigneeId: team.viewer.id,
        dueDate: '2030-02-01T00:00:00.000Z',
        labels: [],
        etag: expect.stringMatching(/^"\d+-\d+"$/),
      });
      const rest = await t.http.get(`${TASKS}/${created.id}`).set(team.owner.auth).expect(200);
      expect(rest.body.title).toBe('完成项目文档');
    });

    it('createTask should validate like REST (same fields, camelCase names)', async () => {
      const res = await run(
        team.owner,
        `mutation { createTask(input: { title: "", dueDate: "tomorrow", labelIds: [0] }) { id } }`,
      );
      expect(res.status).toBe(200);
      expect(errorCodes(res)).toEqual(['VALIDATION_FAILED']);
      const fields = detailFieldsOf(res);
      expect(new Set(fields)).toEqual(new Set(['title', 'dueDate', 'labelIds']));
      const rest = await t.http
        .post(TASKS)
        .set(team.owner.auth)
        .send({ title: '', due_date: 'tomorrow', label_ids: [0] })
        .expect(400);
      expect(rest.body.details).toHaveLength(res.body.errors[0].extensions.details.length);
    });

    it.each(EVERYONE)('updateTask and deleteTask as %s', async (who) => {
      const task = await newTask();
      const update = await run(
        as(team, who),
        `mutation($id: Int!) { updateTask(id: $id, input: { status: completed, dueDate: null }) { status completedAt dueDate } }`,
        { id: task.id },
      );
      const remove = await run(as(team, who), `mutation($id: Int!) { deleteTask(id: $id) }`, {
        id: task.id,
      });
      const expected = {
        owner: null,
        admin: null,
        editor: null,
        viewer: 'FORBIDDEN',
        stranger: 'NOT_FOUND',
      }[who];
      if (expected !== null) {
        expect(errorCodes(update)).toEqual([expected]);
        expect(errorCodes(remove)).toEqual([expected]);
        await t.http.get(`${TASKS}/${task.id}`).set(team.owner.auth).expect(200);
        return;
      }
      expect(update.body.data.updateTask).toEqual({
        status: 'completed',
        completedAt: expect.any(String),
        dueDate: null,
      });
      expect(remove.body).toEqual({ data: { deleteTask: true } });
      await t.http.get(`${TASKS}/${task.id}`).set(team.owner.auth).expect(404);
    });

    it('should let a non-editor assignee change the status only', async () => {
      const task = await createTask(t.http, team.owner, {
        project_id: team.project.id,
        assignee_id: team.viewer.id,
      });
      const status = await run(
        team.viewer,
        `mutation($id: Int!) { updateTask(id: $id, input: { status: in_progress }) { status } }`,
        { id: task.id },
      );
      expect(status.body.data.updateTask).toEqual({ status: 'in_progress' });
      const title = await run(
        team.viewer,
        `mutation($id: Int!) { updateTask(id: $id, input: { title: "mine" }) { title } }`,
        { id: task.id },
      );
      expect(errorCodes(title)).toEqual(['FORBIDDEN']);
    });

    it('updateTask should answer PRECONDITION_FAILED for a stale ifMatch and 400 for an empty input', async () => {
      const task = await newTask();
      const first = await gqlData(
        t.http,
        team.owner.auth,
        `query($id: Int!) { task(id: $id) { etag } }`,
        { id: task.id },
      );
      await gqlData(
        t.http,
        team.owner.auth,
        `mutation($id: Int!, $m: String) { updateTask(id: $id, ifMatch: $m, input: { title: "v2" }) { etag } }`,
        { id: task.id, m: first.task.etag },
      );
      const stale = await run(
        team.owner,
        `mutation($id: Int!, $m: String) { updateTask(id: $id, ifMatch: $m, input: { title: "v3" }) { etag } }`,
        { id: task.id, m: first.task.etag },
      );
      expect(errorCodes(stale)).toEqual(['PRECONDITION_FAILED']);
      const empty = await run(
        team.owner,
        `mutation($id: Int!) { updateTask(id: $id, input: {}) { id } }`,
        { id: task.id },
      );
      expect(errorCodes(empty)).toEqual(['VALIDATION_FAILED']);
    });

    it.each(EVERYONE)('addComment as %s', async (who) => {
      const task = await newTask();
      const res = await run(
        as(team, who),
        `mutation($id: Int!) { addComment(taskId: $id, body: "  looks good @${team.owner.username} ") { taskId body author { id username } mentions } }`,
        { id: task.id },
      );
      if (who === 'stranger') {
        expect(errorCodes(res)).toEqual(['NOT_FOUND']);
        return;
      }
      expect(res.body.data.addComment).toEqual({
        taskId: task.id,
        body: `looks good @${team.owner.username}`,
        author: { id: as(team, who).id, username: as(team, who).username },
        mentions: [team.owner.id],
      });
    });

    it('should answer NOT_FOUND for a deleted task and VALIDATION_FAILED for a non-positive id', async () => {
      const task = await newTask();
      await t.http.delete(`${TASKS}/${task.id}`).set(team.owner.auth).expect(200);
      const gone = await run(team.owner, `query($id: Int!) { task(id: $id) { id } }`, {
        id: task.id,
      });
      expect(errorCodes(gone)).toEqual(['NOT_FOUND']);
      const zero = await run(team.owner, `{ task(id: 0) { id } }`);
      expect(errorCodes(zero)).toEqual(['VALIDATION_FAILED']);
    });
  });

  it('should keep a member it removed from a project out of the project at once', async () => {
    const team = await newTeam(t.http, people);
    const task = await createTask(t.http, team.owner, { project_id: team.project.id });
    await gqlData(t.http, team.editor.auth, `query($id: Int!) { task(id: $id) { id } }`, {
      id: task.id,
    });
    await setMember(t.http, team.owner, team.project.id, team.editor, 'viewer', 200);
    await gqlData(
      t.http,
      team.owner.auth,
      `mutation($p: Int!, $u: Int!) { removeProjectMember(projectId: $p, userId: $u) }`,
      { p: team.project.id, u: team.editor.id },
    );
    const res = await run(team.editor, `query($id: Int!) { task(id: $id) { id } }`, {
      id: task.id,
    });
    expect(errorCodes(res)).toEqual(['NOT_FOUND']);
  });
});
