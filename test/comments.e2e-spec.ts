import { startTestApp, TestApp } from './helpers/app';
import { COMMENT_KEYS, comment, commentsOf, commentsPath, CommentJson } from './helpers/comments';
import { errorBody, Session, signUp } from './helpers/factories';
import { membersPath, newPeople, newTeam, People, PROJECTS, Team } from './helpers/projects';
import {
  createTask,
  detailFields,
  linkUrl,
  NO_RATE_LIMITS,
  TASKS,
  TaskJson,
} from './helpers/tasks';

/**
 * The comments routes and their rules. Notifications and webhooks of comments are in
 * comments-events.e2e-spec.ts (their own database, so that no other spec's app dispatches them).
 */
describe('Comments (e2e)', () => {
  let t: TestApp;
  let people: People;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    people = await newPeople(t.http);
  });

  afterAll(async () => {
    await t.close();
  });

  /** A team project with a task in it, assigned to a user who is no member. */
  async function teamTask(): Promise<{ team: Team; task: TaskJson; assignee: Session }> {
    const team = await newTeam(t.http, people);
    const assignee = await signUp(t.http);
    const task = await createTask(t.http, team.owner, {
      project_id: team.project.id,
      assignee_id: assignee.id,
      title: 'Fix login',
    });
    return { team, task, assignee };
  }

  it('should create, read, list, edit and delete a comment in the contract shape', async () => {
    const { team, task } = await teamTask();
    const before = Date.now();
    const res = await t.http
      .post(commentsPath(task.id))
      .set(team.viewer.auth)
      .send({ body: '  Looks good to me, 看起来不错  ' })
      .expect(201);
    const created = res.body as CommentJson;
    expect(Object.keys(created).sort()).toEqual(COMMENT_KEYS);
    expect(created).toEqual({
      id: expect.any(Number),
      task_id: task.id,
      author: { id: team.viewer.id, username: team.viewer.username },
      body: 'Looks good to me, 看起来不错',
      mentions: [],
      created_at: expect.any(String),
      edited_at: null,
    });
    expect(new Date(created.created_at).toISOString()).toBe(created.created_at);
    expect(Date.parse(created.created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(res.headers.location).toBe(`${TASKS}/${task.id}/comments/${created.id}`);
    expect(res.headers['cache-control']).toMatch(/no-store|private/);

    // The Location answers the comment.
    const got = await t.http.get(res.headers.location).set(team.owner.auth).expect(200);
    expect(got.body).toEqual(created);

    const list = await t.http.get(commentsPath(task.id)).set(team.editor.auth).expect(200);
    expect(list.body).toEqual([created]);
    expect(list.headers['x-total-count']).toBe('1');
    expect(linkUrl(list.headers.link, 'first')).toBe(`${commentsPath(task.id)}?page=1`);

    const edited = await t.http
      .patch(commentsPath(task.id, created.id))
      .set(team.viewer.auth)
      .send({ body: 'On second thought: not yet' })
      .expect(200);
    expect(edited.body).toEqual({
      ...created,
      body: 'On second thought: not yet',
      edited_at: expect.any(String),
    });
    expect(Date.parse(edited.body.edited_at as string)).toBeGreaterThanOrEqual(
      Date.parse(created.created_at),
    );
    expect(await commentsOf(t.http, team.owner, task.id)).toEqual([edited.body]);

    const removed = await t.http
      .delete(commentsPath(task.id, created.id))
      .set(team.viewer.auth)
      .expect(204);
    expect(removed.text).toBe('');
    expect(await commentsOf(t.http, team.owner, task.id)).toEqual([]);
    for (const res of [
      await t.http.get(commentsPath(task.id, created.id)).set(team.viewer.auth),
      await t.http.delete(commentsPath(task.id, created.id)).set(team.viewer.auth),
      await t.http
        .patch(commentsPath(task.id, created.id))
        .set(team.viewer.auth)
        .send({ body: 'x' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ ...errorBody('NOT_FOUND'), error: 'comment not found' });
    }
    await t.http.get(commentsPath(task.id)).expect(401);
    await t.http.post(commentsPath(task.id)).send({ body: 'x' }).expect(401);
  });

  it('should let everyone who sees the task comment, and nobody else', async () => {
    const { team, task, assignee } = await teamTask();
    const authors: Session[] = [team.owner, team.admin, team.editor, team.viewer, assignee];
    const written: CommentJson[] = [];
    for (const author of authors) {
      written.push(await comment(t.http, author, task.id, `from ${author.username}`));
    }
    // Every one of them reads them all, oldest first.
    for (const reader of authors) {
      expect(await commentsOf(t.http, reader, task.id)).toEqual(written);
    }

    // A stranger learns nothing: every route answers the task's 404, as for an unknown task.
    const stranger = team.stranger;
    const id = written[0].id;
    for (const res of [
      await t.http.get(commentsPath(task.id)).set(stranger.auth),
      await t.http.post(commentsPath(task.id)).set(stranger.auth).send({ body: 'hi' }),
      await t.http.get(commentsPath(task.id, id)).set(stranger.auth),
      await t.http.patch(commentsPath(task.id, id)).set(stranger.auth).send({ body: 'hi' }),
      await t.http.delete(commentsPath(task.id, id)).set(stranger.auth),
      await t.http.get(commentsPath(4294967295)).set(team.owner.auth),
      await t.http.post(commentsPath(4294967295)).set(team.owner.auth).send({ body: 'hi' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ ...errorBody('NOT_FOUND'), error: 'task not found' });
    }
    expect(await commentsOf(t.http, team.owner, task.id)).toHaveLength(authors.length);
  });

  it('should let only the author edit, and the author or an admin delete', async () => {
    const { team, task, assignee } = await teamTask();
    const byViewer = await comment(t.http, team.viewer, task.id, 'viewer says');
    const byEditor = await comment(t.http, team.editor, task.id, 'editor says');
    const byAssignee = await comment(t.http, assignee, task.id, 'assignee says');

    // Nobody but the author edits, not even the owner.
    for (const other of [team.owner, team.admin, team.editor, assignee]) {
      const res = await t.http
        .patch(commentsPath(task.id, byViewer.id))
        .set(other.auth)
        .send({ body: 'rewritten' })
        .expect(403);
      expect(res.body).toMatchObject({
        ...errorBody('FORBIDDEN'),
        error: 'only its author may edit a comment',
      });
    }
    // Below admin, only one's own: an editor, a viewer and the assignee are refused.
    for (const [actor, target] of [
      [team.editor, byViewer],
      [team.viewer, byEditor],
      [assignee, byEditor],
      [team.editor, byAssignee],
    ] as const) {
      const res = await t.http.delete(commentsPath(task.id, target.id)).set(actor.auth).expect(403);
      expect(res.body).toMatchObject(errorBody('FORBIDDEN'));
    }
    expect((await commentsOf(t.http, team.owner, task.id)).map((c) => c.body)).toEqual([
      'viewer says',
      'editor says',
      'assignee says',
    ]);

    // An admin and the owner delete anyone's; the assignee its own.
    await t.http.delete(commentsPath(task.id, byViewer.id)).set(team.admin.auth).expect(204);
    await t.http.delete(commentsPath(task.id, byEditor.id)).set(team.owner.auth).expect(204);
    await t.http.delete(commentsPath(task.id, byAssignee.id)).set(assignee.auth).expect(204);
    expect(await commentsOf(t.http, team.owner, task.id)).toEqual([]);
  });

  it('should answer 404 for a comment of another task, even one the caller sees', async () => {
    const { team, task } = await teamTask();
    const other = await createTask(t.http, team.owner, { project_id: team.project.id });
    const onOther = await comment(t.http, team.editor, other.id, 'on the other task');
    for (const res of [
      await t.http.get(commentsPath(task.id, onOther.id)).set(team.editor.auth),
      await t.http
        .patch(commentsPath(task.id, onOther.id))
        .set(team.editor.auth)
        .send({ body: 'moved?' }),
      await t.http.delete(commentsPath(task.id, onOther.id)).set(team.editor.auth),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ ...errorBody('NOT_FOUND'), error: 'comment not found' });
    }
    expect(await commentsOf(t.http, team.editor, other.id)).toEqual([onOther]);
  });

  it('should page oldest first with X-Total-Count and Link', async () => {
    const { team, task } = await teamTask();
    const written: CommentJson[] = [];
    for (let i = 1; i <= 5; i++) {
      written.push(await comment(t.http, team.viewer, task.id, `comment ${i}`));
    }
    const page = async (query: string) =>
      t.http
        .get(`${commentsPath(task.id)}?${query}`)
        .set(team.owner.auth)
        .expect(200);

    const first = await page('page_size=2');
    expect(first.body).toEqual(written.slice(0, 2));
    expect(first.headers['x-total-count']).toBe('5');
    const link = first.headers.link;
    expect(linkUrl(link, 'next')).toBe(`${commentsPath(task.id)}?page_size=2&page=2`);
    expect(linkUrl(link, 'last')).toBe(`${commentsPath(task.id)}?page_size=2&page=3`);
    expect(linkUrl(link, 'prev')).toBeUndefined();

    const last = await page('page_size=2&page=3');
    expect(last.body).toEqual(written.slice(4));
    expect(linkUrl(last.headers.link, 'next')).toBeUndefined();
    expect(linkUrl(last.headers.link, 'prev')).toBe(`${commentsPath(task.id)}?page_size=2&page=2`);

    const beyond = await page('page_size=2&page=4');
    expect(beyond.body).toEqual([]);
    expect(beyond.headers['x-total-count']).toBe('5');

    const all = await page('');
    expect((all.body as CommentJson[]).map((c) => c.id)).toEqual(written.map((c) => c.id));

    for (const [query, field] of [
      ['page_size=0', 'page_size'],
      ['page_size=101', 'page_size'],
      ['page=0', 'page'],
      ['page=abc', 'page'],
    ]) {
      const res = await t.http
        .get(`${commentsPath(task.id)}?${query}`)
        .set(team.owner.auth)
        .expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body)).toEqual([field]);
    }
  });

  it('should refuse bad bodies and ids with a 400 naming the field', async () => {
    const { team, task } = await teamTask();
    const own = await comment(t.http, team.editor, task.id, 'the original');
    const cases: Array<[unknown, string]> = [
      [{ body: '   \n\t ' }, 'body'],
      [{ body: '' }, 'body'],
      [{ body: 'x'.repeat(10_001) }, 'body'],
      [{ body: 123 }, 'body'],
      [{ body: null }, 'body'],
      [{ body: '\uD800 lone surrogate' }, 'body'],
      [{}, 'body'],
      [{ body: 'ok', author_id: team.owner.id }, 'author_id'],
      [{ body: 'ok', mentions: [1] }, 'mentions'],
      [{ body: 'ok', id: 5 }, 'id'],
    ];
    for (const [body, field] of cases) {
      for (const res of [
        await t.http
          .post(commentsPath(task.id))
          .set(team.editor.auth)
          .send(body as object),
        await t.http
          .patch(commentsPath(task.id, own.id))
          .set(team.editor.auth)
          .send(body as object),
      ]) {
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
        expect(detailFields(res.body)).toContain(field);
      }
    }
    expect(await commentsOf(t.http, team.editor, task.id)).toEqual([own]);

    // 10,000 characters after trimming is the longest body.
    const longest = `  ${'长'.repeat(10_000)}  `;
    const kept = await comment(t.http, team.editor, task.id, longest);
    expect(kept.body).toBe('长'.repeat(10_000));

    for (const bad of ['abc', '0', '01', '-1', '1e0', '4294967296']) {
      const res = await t.http.get(`${TASKS}/${bad}/comments`).set(team.editor.auth).expect(400);
      expect(detailFields(res.body)).toEqual(['id']);
      const byComment = await t.http
        .patch(`${commentsPath(task.id)}/${bad}`)
        .set(team.editor.auth)
        .send({ body: 'x' })
        .expect(400);
      expect(detailFields(byComment.body)).toEqual(['comment_id']);
      await t.http
        .delete(`${commentsPath(task.id)}/${bad}`)
        .set(team.editor.auth)
        .expect(400);
    }
  });

  it('should keep an archived project readable and refuse comment writes with 409', async () => {
    const { team, task } = await teamTask();
    const own = await comment(t.http, team.viewer, task.id, 'before archiving');
    await t.http
      .patch(`${PROJECTS}/${team.project.id}`)
      .set(team.owner.auth)
      .send({ archived: true })
      .expect(200);

    expect(await commentsOf(t.http, team.viewer, task.id)).toEqual([own]);
    for (const res of [
      await t.http.post(commentsPath(task.id)).set(team.viewer.auth).send({ body: 'now?' }),
      await t.http
        .patch(commentsPath(task.id, own.id))
        .set(team.viewer.auth)
        .send({ body: 'now?' }),
      await t.http.delete(commentsPath(task.id, own.id)).set(team.viewer.auth),
      await t.http.delete(commentsPath(task.id, own.id)).set(team.owner.auth),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject(errorBody('CONFLICT'));
    }
    // Rights come first: a non-author's edit is 403 there too.
    await t.http
      .patch(commentsPath(task.id, own.id))
      .set(team.owner.auth)
      .send({ body: 'x' })
      .expect(403);

    await t.http
      .patch(`${PROJECTS}/${team.project.id}`)
      .set(team.owner.auth)
      .send({ archived: false })
      .expect(200);
    await comment(t.http, team.viewer, task.id, 'after unarchiving');
  });

  it('should hide the comments of a deleted task and of a task the caller lost', async () => {
    const { team, task } = await teamTask();
    const own = await comment(t.http, team.viewer, task.id, 'still there?');
    await t.http
      .delete(membersPath(team.project.id, team.viewer.id))
      .set(team.owner.auth)
      .expect(204);
    await t.http.get(commentsPath(task.id)).set(team.viewer.auth).expect(404);
    await t.http
      .patch(commentsPath(task.id, own.id))
      .set(team.viewer.auth)
      .send({ body: 'x' })
      .expect(404);

    await t.http.delete(`${TASKS}/${task.id}`).set(team.owner.auth).expect(200);
    await t.http.get(commentsPath(task.id)).set(team.owner.auth).expect(404);
    await t.http.post(commentsPath(task.id)).set(team.owner.auth).send({ body: 'x' }).expect(404);
    await t.http.delete(commentsPath(task.id, own.id)).set(team.owner.auth).expect(404);
  });

  describe('mentions', () => {
    it('should list the mentioned users who see the task, case-insensitively, once each', async () => {
      const { team, task, assignee } = await teamTask();
      const body =
        `@${team.editor.username.toUpperCase()} and @${team.stranger.username}, ` +
        `cc @${assignee.username} @${team.editor.username} @no_such_user_x, ` +
        `mail ${team.admin.username}@example.com, 请@${team.admin.username}看看`;
      const created = await comment(t.http, team.viewer, task.id, body);
      // The stranger cannot see the task: neither listed nor told (see comments-events).
      expect(created.mentions).toEqual([team.editor.id, assignee.id, team.admin.id]);
      expect(created.body).toBe(body);
      expect((await commentsOf(t.http, team.owner, task.id))[0].mentions).toEqual(created.mentions);

      // An author may mention itself; it is listed (and, elsewhere, not notified).
      const self = await comment(t.http, team.viewer, task.id, `note to @${team.viewer.username}`);
      expect(self.mentions).toEqual([team.viewer.id]);
    });

    it('should resolve the mentions again on edit', async () => {
      const { team, task } = await teamTask();
      const created = await comment(t.http, team.editor, task.id, `@${team.viewer.username}`);
      expect(created.mentions).toEqual([team.viewer.id]);
      const edited = await t.http
        .patch(commentsPath(task.id, created.id))
        .set(team.editor.auth)
        .send({ body: `@${team.owner.username} @${team.stranger.username} instead` })
        .expect(200);
      expect(edited.body.mentions).toEqual([team.owner.id]);

      // A user who joins the project later can be mentioned from then on.
      await t.http
        .put(membersPath(team.project.id, team.stranger.id))
        .set(team.owner.auth)
        .send({ role: 'viewer' })
        .expect(201);
      const again = await t.http
        .patch(commentsPath(task.id, created.id))
        .set(team.editor.auth)
        .send({ body: `@${team.stranger.username}` })
        .expect(200);
      expect(again.body.mentions).toEqual([team.stranger.id]);
      await t.http
        .delete(membersPath(team.project.id, team.stranger.id))
        .set(team.owner.auth)
        .expect(204);
    });
  });
});
