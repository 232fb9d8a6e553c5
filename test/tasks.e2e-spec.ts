import { DataSource } from 'typeorm';
import { requestHash } from '../src/idempotency/idempotency.service';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import {
  createTask,
  detailFields,
  NO_RATE_LIMITS,
  TASK_KEYS,
  TaskJson,
  TASKS,
} from './helpers/tasks';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('Tasks (e2e)', () => {
  let t: TestApp;
  let owner: Session;
  let assignee: Session;
  let stranger: Session;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    [owner, assignee, stranger] = await Promise.all([
      signUp(t.http),
      signUp(t.http),
      signUp(t.http),
    ]);
  });

  afterAll(async () => {
    await t.close();
  });

  const eventTypes = async (taskId: number): Promise<string[]> => {
    const rows: Array<{ event_type: string }> = await t.app
      .get(DataSource)
      .query('SELECT event_type FROM task_events WHERE task_id = ? ORDER BY id', [taskId]);
    return rows.map((r) => r.event_type);
  };

  describe('POST /tasks', () => {
    it('should create a task with defaults, Location and ETag', async () => {
      const res = await t.http
        .post(TASKS)
        .set(owner.auth)
        .send({ title: '  完成项目文档  ' })
        .expect(201);
      expect(Object.keys(res.body).sort()).toEqual(TASK_KEYS);
      expect(res.body).toMatchObject({
        title: '完成项目文档',
        description: '',
        status: 'pending',
        priority: 'medium',
        user_id: owner.id,
        assignee_id: null,
        due_date: null,
        completed_at: null,
      });
      expect(res.body.created_at).toMatch(ISO_MS);
      expect(res.body.updated_at).toBe(res.body.created_at);
      expect(res.headers.location).toBe(`${TASKS}/${res.body.id}`);
      expect(res.headers.etag).toMatch(/^"\d+-\d+"$/);
      expect(await eventTypes(res.body.id as number)).toEqual(['task.created']);
    });

    it('should store every field of the original example', async () => {
      const res = await t.http
        .post(TASKS)
        .set(owner.auth)
        .send({
          title: '完成项目文档',
          description: '编写项目的技术文档',
          priority: 'high',
          due_date: '2026-02-01T08:00:00+08:00',
          assignee_id: assignee.id,
          status: 'completed',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        description: '编写项目的技术文档',
        priority: 'high',
        status: 'completed',
        due_date: '2026-02-01T00:00:00.000Z',
        assignee_id: assignee.id,
      });
      expect(res.body.completed_at).toMatch(ISO_MS);
      expect(await eventTypes(res.body.id as number)).toEqual([
        'task.created',
        'task.assigned',
        'task.completed',
      ]);
      const read = await t.http.get(`${TASKS}/${res.body.id}`).set(owner.auth).expect(200);
      expect(read.body).toEqual(res.body);
    });

    it.each([
      [{}, 'title'],
      [{ title: '   ' }, 'title'],
      [{ title: null }, 'title'],
      [{ title: ['a'] }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ title: 'a', description: 'd'.repeat(10_001) }, 'description'],
      [{ title: 'a', description: null }, 'description'],
      [{ title: 'lone \uD800 surrogate' }, 'title'],
      [{ title: 'a', description: 'lone \uDC00 surrogate' }, 'description'],
      [{ title: 'a', priority: 'urgent' }, 'priority'],
      [{ title: 'a', status: 'done' }, 'status'],
      [{ title: 'a', due_date: '2026-02-30T00:00:00Z' }, 'due_date'],
      [{ title: 'a', due_date: '99999-01-01T00:00:00Z' }, 'due_date'],
      [{ title: 'a', due_date: '2026-02-01' }, 'due_date'],
      [{ title: 'a', due_date: 12 }, 'due_date'],
      [{ title: 'a', assignee_id: 0 }, 'assignee_id'],
      [{ title: 'a', assignee_id: '2' }, 'assignee_id'],
      [{ title: 'a', assignee_id: 4294967296 }, 'assignee_id'],
      [{ title: 'a', user_id: 1 }, 'user_id'],
      [{ title: 'a', id: 1 }, 'id'],
    ])('should answer 400 for %j naming %s', async (body, field) => {
      const res = await t.http.post(TASKS).set(owner.auth).send(body).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body)).toContain(field);
    });

    it('should accept a 200-character title and a 10,000-character description', async () => {
      const task = await createTask(t.http, owner, {
        title: '标'.repeat(200),
        description: '述'.repeat(10_000),
      });
      expect(task.title).toHaveLength(200);
      expect(task.description).toHaveLength(10_000);
    });

    it('should store text exactly as sent: surrogate pairs, U+FFFD itself, tabs and new lines', async () => {
      const title = 'emoji 😀 and \uFFFD';
      const description = 'tab\tnew line\n end';
      const task = await createTask(t.http, owner, { title, description });
      expect(task).toMatchObject({ title, description });
      const read = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      expect(read.body).toMatchObject({ title, description });
    });

    it('should answer 400 naming assignee_id for a user that does not exist', async () => {
      const res = await t.http
        .post(TASKS)
        .set(owner.auth)
        .send({ title: 'a', assignee_id: 4294967295 })
        .expect(400);
      expect(detailFields(res.body)).toEqual(['assignee_id']);
    });

    it('should answer 400 for malformed JSON and 415 for a non-JSON body', async () => {
      const bad = await t.http
        .post(TASKS)
        .set(owner.auth)
        .set('Content-Type', 'application/json')
        .send('{"title": ')
        .expect(400);
      expect(bad.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      const text = await t.http
        .post(TASKS)
        .set(owner.auth)
        .set('Content-Type', 'text/plain')
        .send('title')
        .expect(415);
      expect(text.body).toMatchObject(errorBody('UNSUPPORTED_MEDIA_TYPE'));
    });

    it('should answer 401 without a token on every route', async () => {
      for (const [method, path] of [
        ['post', TASKS],
        ['get', TASKS],
        ['get', `${TASKS}/stats`],
        ['get', `${TASKS}/1`],
        ['put', `${TASKS}/1`],
        ['patch', `${TASKS}/1`],
        ['delete', `${TASKS}/1`],
      ] as const) {
        const res = await t.http[method](path).send({ title: 'x' });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject(errorBody('UNAUTHORIZED'));
      }
    });
  });

  describe('GET /tasks/{id}', () => {
    it('should answer 400 for a non-numeric or out-of-range id', async () => {
      for (const id of ['abc', '0', '-1', '1.5', '4294967296', '99999999999999999999']) {
        const res = await t.http.get(`${TASKS}/${id}`).set(owner.auth).expect(400);
        expect(detailFields(res.body)).toEqual(['id']);
      }
    });

    it('should answer 404 for an id that does not exist', async () => {
      const res = await t.http.get(`${TASKS}/4294967295`).set(owner.auth).expect(404);
      expect(res.body).toMatchObject(errorBody('NOT_FOUND'));
    });

    it('should show a task to its owner and assignee only, with the same ETag', async () => {
      const task = await createTask(t.http, owner, { assignee_id: assignee.id });
      const a = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      const b = await t.http.get(`${TASKS}/${task.id}`).set(assignee.auth).expect(200);
      expect(b.body).toEqual(a.body);
      expect(b.headers.etag).toBe(a.headers.etag);
      const c = await t.http.get(`${TASKS}/${task.id}`).set(stranger.auth).expect(404);
      expect(c.body).toMatchObject(errorBody('NOT_FOUND'));
    });
  });

  describe('PUT and PATCH /tasks/{id}', () => {
    it.each(['put', 'patch'] as const)(
      '%s should change only the fields sent and a new ETag',
      async (method) => {
        const task = await createTask(t.http, owner, {
          description: 'keep me',
          due_date: '2026-03-01T00:00:00Z',
          priority: 'low',
        });
        const before = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
        const res = await t.http[method](`${TASKS}/${task.id}`)
          .set(owner.auth)
          .send({ title: ' renamed ', priority: 'high' })
          .expect(200);
        expect(res.body).toMatchObject({
          title: 'renamed',
          priority: 'high',
          description: 'keep me',
          due_date: '2026-03-01T00:00:00.000Z',
          status: 'pending',
        });
        expect(res.headers.etag).not.toBe(before.headers.etag);
        expect(Date.parse(res.body.updated_at as string)).toBeGreaterThanOrEqual(
          Date.parse(task.updated_at),
        );
        const read = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
        expect(read.body).toEqual(res.body);
        expect(read.headers.etag).toBe(res.headers.etag);
        expect(await eventTypes(task.id)).toEqual(['task.created', 'task.updated']);
      },
    );

    it('should clear due_date and assignee_id with null and reassign', async () => {
      const task = await createTask(t.http, owner, {
        due_date: '2026-03-01T00:00:00Z',
        assignee_id: assignee.id,
      });
      const cleared = await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .send({ due_date: null, assignee_id: null })
        .expect(200);
      expect(cleared.body).toMatchObject({ due_date: null, assignee_id: null });
      await t.http.get(`${TASKS}/${task.id}`).set(assignee.auth).expect(404);
      const reassigned = await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .send({ assignee_id: stranger.id })
        .expect(200);
      expect(reassigned.body.assignee_id).toBe(stranger.id);
      await t.http.get(`${TASKS}/${task.id}`).set(stranger.auth).expect(200);
      expect(await eventTypes(task.id)).toEqual([
        'task.created',
        'task.assigned',
        'task.updated',
        'task.updated',
        'task.assigned',
      ]);
    });

    it('should set completed_at on completion and clear it when the status leaves completed', async () => {
      const task = await createTask(t.http, owner);
      const done = await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .send({ status: 'completed' })
        .expect(200);
      expect(done.body.completed_at).toMatch(ISO_MS);
      const again = await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .send({ status: 'completed', title: 'still done' })
        .expect(200);
      expect(again.body.completed_at).toBe(done.body.completed_at);
      const reopened = await t.http
        .put(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .send({ status: 'in_progress' })
        .expect(200);
      expect(reopened.body.completed_at).toBeNull();
      expect(await eventTypes(task.id)).toEqual([
        'task.created',
        'task.updated',
        'task.completed',
        'task.updated',
        'task.updated',
      ]);
    });

    it('should not write anything when nothing changes', async () => {
      const task = await createTask(t.http, owner, { priority: 'high' });
      const res = await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .send({ priority: 'high' })
        .expect(200);
      expect(res.body).toEqual(task);
      expect(await eventTypes(task.id)).toEqual(['task.created']);
    });

    it.each([
      [{}, 'body'],
      [{ title: null }, 'title'],
      [{ title: '' }, 'title'],
      [{ status: null }, 'status'],
      [{ priority: 'urgent' }, 'priority'],
      [{ description: 5 }, 'description'],
      [{ title: 'x\uD83D' }, 'title'],
      [{ description: '\uDFFFx' }, 'description'],
      [{ due_date: 'tomorrow' }, 'due_date'],
      [{ assignee_id: -3 }, 'assignee_id'],
      [{ user_id: 2 }, 'user_id'],
      [{ created_at: '2026-01-01T00:00:00Z' }, 'created_at'],
    ])('should answer 400 for %j naming %s', async (body, field) => {
      const task = await createTask(t.http, owner);
      for (const method of ['put', 'patch'] as const) {
        const res = await t.http[method](`${TASKS}/${task.id}`).set(owner.auth).send(body);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
        expect(detailFields(res.body)).toContain(field);
      }
    });

    it('should answer 400 naming assignee_id when reassigning to a missing user', async () => {
      const task = await createTask(t.http, owner);
      const res = await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .send({ assignee_id: 4294967295 })
        .expect(400);
      expect(detailFields(res.body)).toEqual(['assignee_id']);
      const read = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      expect(read.body).toEqual(task);
    });

    it('should let the assignee change the status only (403 for anything else)', async () => {
      const task = await createTask(t.http, owner, { assignee_id: assignee.id });
      const res = await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(assignee.auth)
        .send({ status: 'in_progress' })
        .expect(200);
      expect(res.body.status).toBe('in_progress');
      for (const body of [
        { title: 'mine now' },
        { status: 'completed', priority: 'high' },
        { assignee_id: assignee.id },
        { assignee_id: null },
        { due_date: null },
        { description: 'x' },
      ]) {
        for (const method of ['put', 'patch'] as const) {
          const denied = await t.http[method](`${TASKS}/${task.id}`)
            .set(assignee.auth)
            .send(body)
            .expect(403);
          expect(denied.body).toMatchObject(errorBody('FORBIDDEN'));
        }
      }
      const read = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      expect(read.body).toMatchObject({ status: 'in_progress', title: task.title });
    });

    it('should answer 404 to a stranger for every write, and change nothing', async () => {
      const task = await createTask(t.http, owner, { assignee_id: assignee.id });
      for (const method of ['put', 'patch'] as const) {
        const res = await t.http[method](`${TASKS}/${task.id}`)
          .set(stranger.auth)
          .send({ status: 'completed' })
          .expect(404);
        expect(res.body).toMatchObject(errorBody('NOT_FOUND'));
      }
      await t.http.delete(`${TASKS}/${task.id}`).set(stranger.auth).expect(404);
      const read = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      expect(read.body).toEqual(task);
    });
  });

  describe('If-Match and concurrency', () => {
    it('should answer 412 for a stale ETag and apply a current one', async () => {
      const task = await createTask(t.http, owner);
      const first = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      const etag = first.headers.etag;
      const updated = await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .set('If-Match', etag)
        .send({ title: 'v2' })
        .expect(200);
      expect(updated.headers.etag).not.toBe(etag);
      for (const method of ['put', 'patch'] as const) {
        const stale = await t.http[method](`${TASKS}/${task.id}`)
          .set(owner.auth)
          .set('If-Match', etag)
          .send({ title: 'v3' })
          .expect(412);
        expect(stale.body).toMatchObject(errorBody('PRECONDITION_FAILED'));
      }
      const staleDelete = await t.http
        .delete(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .set('If-Match', etag)
        .expect(412);
      expect(staleDelete.body).toMatchObject(errorBody('PRECONDITION_FAILED'));
      await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .set('If-Match', `"nonsense", ${updated.headers.etag}`)
        .send({ title: 'v3' })
        .expect(200);
      await t.http
        .patch(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .set('If-Match', '*')
        .send({ title: 'v4' })
        .expect(200);
      const read = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      expect(read.body.title).toBe('v4');
      await t.http
        .delete(`${TASKS}/${task.id}`)
        .set(owner.auth)
        .set('If-Match', read.headers.etag)
        .expect(200);
    });

    it('should let exactly one of concurrent PATCHes with the same If-Match win', async () => {
      const task = await createTask(t.http, owner, { assignee_id: assignee.id });
      const etag = (await t.http.get(`${TASKS}/${task.id}`).set(owner.auth)).headers.etag;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.http
            .patch(`${TASKS}/${task.id}`)
            .set(i % 2 === 0 ? owner.auth : assignee.auth)
            .set('If-Match', etag)
            .send({ status: i % 2 === 0 ? 'completed' : 'in_progress' }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
      const winner = results.find((r) => r.status === 200)!;
      const read = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      expect(read.body).toEqual(winner.body);
      expect(read.headers.etag).toBe(winner.headers.etag);
    });

    it('should apply every one of concurrent PATCHes without If-Match (no lost write)', async () => {
      const task = await createTask(t.http, owner, { description: '' });
      const n = 6;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          t.http
            .patch(`${TASKS}/${task.id}`)
            .set(owner.auth)
            .send({ title: `writer ${i}` }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
      const etags = new Set(results.map((r) => r.headers.etag));
      expect(etags.size).toBe(n);
      const read = await t.http.get(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      expect(read.headers.etag).toBe(`"${task.id}-${n + 1}"`);
    });
  });

  describe('DELETE /tasks/{id}', () => {
    it('should soft-delete for the owner; the task is 404 everywhere after', async () => {
      const task = await createTask(t.http, owner, { assignee_id: assignee.id });
      const denied = await t.http.delete(`${TASKS}/${task.id}`).set(assignee.auth).expect(403);
      expect(denied.body).toMatchObject(errorBody('FORBIDDEN'));
      const res = await t.http.delete(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
      expect(res.body).toEqual({ message: 'Task deleted successfully' });
      for (const who of [owner, assignee, stranger]) {
        await t.http.get(`${TASKS}/${task.id}`).set(who.auth).expect(404);
        await t.http
          .patch(`${TASKS}/${task.id}`)
          .set(who.auth)
          .send({ status: 'completed' })
          .expect(404);
        await t.http.put(`${TASKS}/${task.id}`).set(who.auth).send({ title: 'x' }).expect(404);
        await t.http.delete(`${TASKS}/${task.id}`).set(who.auth).expect(404);
        const list = await t.http.get(TASKS).set(who.auth).query({ page_size: 100 }).expect(200);
        expect((list.body as TaskJson[]).map((x) => x.id)).not.toContain(task.id);
      }
      const [row] = await t.app
        .get(DataSource)
        .query('SELECT deleted_at FROM tasks WHERE id = ?', [task.id]);
      expect(row.deleted_at).toBeInstanceOf(Date);
      expect(await eventTypes(task.id)).toEqual(['task.created', 'task.assigned', 'task.deleted']);
    });

    it('should answer 400 for a bad id', async () => {
      const res = await t.http.delete(`${TASKS}/x1`).set(owner.auth).expect(400);
      expect(detailFields(res.body)).toEqual(['id']);
    });
  });

  describe('Idempotency-Key', () => {
    const countOwned = async (s: Session): Promise<number> => {
      const res = await t.http.get(TASKS).set(s.auth).query({ scope: 'owned' }).expect(200);
      return Number(res.headers['x-total-count']);
    };

    it('should replay the first answer for the same key and body without creating anything', async () => {
      const me = await signUp(t.http);
      const body = { title: 'pay invoice', priority: 'high' };
      const first = await t.http
        .post(TASKS)
        .set(me.auth)
        .set('Idempotency-Key', 'create-1')
        .send(body)
        .expect(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const second = await t.http
        .post(TASKS)
        .set(me.auth)
        .set('Idempotency-Key', 'create-1')
        .send({ priority: 'high', title: 'pay invoice' })
        .expect(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers.location).toBe(first.headers.location);
      expect(second.headers.etag).toBe(first.headers.etag);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await countOwned(me)).toBe(1);
      expect(await eventTypes(first.body.id as number)).toEqual(['task.created']);

      const mismatch = await t.http
        .post(TASKS)
        .set(me.auth)
        .set('Idempotency-Key', 'create-1')
        .send({ title: 'pay another invoice' })
        .expect(422);
      expect(mismatch.body).toMatchObject(errorBody('IDEMPOTENCY_MISMATCH'));

      // Keys are per user: another user's identical key is a new request.
      const other = await t.http
        .post(TASKS)
        .set(stranger.auth)
        .set('Idempotency-Key', 'create-1')
        .send(body)
        .expect(201);
      expect(other.body.id).not.toBe(first.body.id);
      expect(await countOwned(me)).toBe(1);
    });

    it('should never create two tasks for racing retries of one key', async () => {
      const me = await signUp(t.http);
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.http
            .post(TASKS)
            .set(me.auth)
            .set('Idempotency-Key', 'race-key')
            .send({ title: 'raced' }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id as number)).size).toBe(1);
      for (const conflict of results.filter((r) => r.status === 409)) {
        expect(conflict.body).toMatchObject(errorBody('CONFLICT'));
      }
      expect(await countOwned(me)).toBe(1);
    });

    it('should answer 409 while the first request with the key is in flight', async () => {
      const me = await signUp(t.http);
      const ds = t.app.get(DataSource);
      // A claimed key whose request has not committed yet, as a concurrent first request leaves it.
      await ds.query(
        `INSERT INTO idempotency_keys (user_id, idem_key, request_hash, claim_token, state, created_at, expires_at)
         VALUES (?, 'in-flight', ?, UUID(), 'in_flight', ?, ?)`,
        [
          me.id,
          requestHash('POST /tasks', { title: 'x' }),
          new Date(),
          new Date(Date.now() + 3_600_000),
        ],
      );
      const res = await t.http
        .post(TASKS)
        .set(me.auth)
        .set('Idempotency-Key', 'in-flight')
        .send({ title: 'x' })
        .expect(409);
      expect(res.body).toMatchObject(errorBody('CONFLICT'));
      expect(await countOwned(me)).toBe(0);
    });

    it('should treat an expired key as absent', async () => {
      const me = await signUp(t.http);
      const first = await t.http
        .post(TASKS)
        .set(me.auth)
        .set('Idempotency-Key', 'old-key')
        .send({ title: 'first' })
        .expect(201);
      await t.app
        .get(DataSource)
        .query('UPDATE idempotency_keys SET expires_at = ? WHERE user_id = ?', [
          new Date(Date.now() - 1000),
          me.id,
        ]);
      const second = await t.http
        .post(TASKS)
        .set(me.auth)
        .set('Idempotency-Key', 'old-key')
        .send({ title: 'second' })
        .expect(201);
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(await countOwned(me)).toBe(2);
    });

    it('should forget the key of a request that failed', async () => {
      const me = await signUp(t.http);
      await t.http
        .post(TASKS)
        .set(me.auth)
        .set('Idempotency-Key', 'retry-after-400')
        .send({ title: 'x', assignee_id: 4294967295 })
        .expect(400);
      await t.http
        .post(TASKS)
        .set(me.auth)
        .set('Idempotency-Key', 'retry-after-400')
        .send({ title: 'x' })
        .expect(201);
    });

    it.each(['', 'x'.repeat(256), 'bad\tkey', 'clé'])(
      'should answer 400 for the key %j',
      async (key) => {
        const res = await t.http
          .post(TASKS)
          .set(owner.auth)
          .set('Idempotency-Key', key)
          .send({ title: 'x' });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
        expect(detailFields(res.body)).toEqual(['Idempotency-Key']);
      },
    );
  });

  describe('GET /tasks/stats', () => {
    it('should answer every key as 0 for a user without tasks', async () => {
      const me = await signUp(t.http);
      const res = await t.http.get(`${TASKS}/stats`).set(me.auth).expect(200);
      expect(res.body).toEqual({
        total: 0,
        by_status: { pending: 0, in_progress: 0, completed: 0 },
        by_priority: { low: 0, medium: 0, high: 0 },
        overdue: 0,
        completion_rate: 0,
      });
    });

    it('should count visible live tasks and agree with the list', async () => {
      const [me, helper, other] = await Promise.all([
        signUp(t.http),
        signUp(t.http),
        signUp(t.http),
      ]);
      const past = '2020-01-01T00:00:00Z';
      const future = '2099-01-01T00:00:00Z';
      await createTask(t.http, me, { status: 'completed', priority: 'high', due_date: past });
      await createTask(t.http, me, { status: 'pending', priority: 'low', due_date: past });
      await createTask(t.http, me, { status: 'in_progress', due_date: future });
      await createTask(t.http, helper, { assignee_id: me.id, due_date: past, priority: 'high' });
      const gone = await createTask(t.http, me, { status: 'completed' });
      await t.http.delete(`${TASKS}/${gone.id}`).set(me.auth).expect(200);
      await createTask(t.http, other, { status: 'completed' });
      await createTask(t.http, helper, { status: 'completed' });

      const res = await t.http.get(`${TASKS}/stats`).set(me.auth).expect(200);
      expect(res.body).toEqual({
        total: 4,
        by_status: { pending: 2, in_progress: 1, completed: 1 },
        by_priority: { low: 1, medium: 1, high: 2 },
        overdue: 2,
        completion_rate: 0.25,
      });
      const count = async (query: Record<string, string>): Promise<number> =>
        Number(
          (await t.http.get(TASKS).set(me.auth).query(query).expect(200)).headers['x-total-count'],
        );
      expect(await count({})).toBe(res.body.total);
      expect(await count({ status: 'pending' })).toBe(res.body.by_status.pending);
      expect(await count({ status: 'completed' })).toBe(res.body.by_status.completed);
      expect(await count({ priority: 'high' })).toBe(res.body.by_priority.high);
      expect(await count({ overdue: 'true' })).toBe(res.body.overdue);
      const helperStats = await t.http.get(`${TASKS}/stats`).set(helper.auth).expect(200);
      expect(helperStats.body.total).toBe(2);
    });
  });

  describe('cross-user isolation', () => {
    it('should keep a stranger blind to tasks in lists, counts, search and stats', async () => {
      const [a, b, c] = await Promise.all([signUp(t.http), signUp(t.http), signUp(t.http)]);
      const tag = `secret${Date.now()}`;
      const task = await createTask(t.http, a, { title: `${tag} plan`, assignee_id: b.id });
      for (const [who, sees] of [
        [a, true],
        [b, true],
        [c, false],
      ] as const) {
        const list = await t.http.get(TASKS).set(who.auth).query({ q: tag }).expect(200);
        expect(list.headers['x-total-count']).toBe(sees ? '1' : '0');
        expect((list.body as TaskJson[]).map((x) => x.id)).toEqual(sees ? [task.id] : []);
        const byAssignee = await t.http
          .get(TASKS)
          .set(who.auth)
          .query({ assignee_id: String(b.id) })
          .expect(200);
        expect(byAssignee.headers['x-total-count']).toBe(sees ? '1' : '0');
        const stats = await t.http.get(`${TASKS}/stats`).set(who.auth).expect(200);
        expect(stats.body.total).toBe(sees ? 1 : 0);
        const read = await t.http.get(`${TASKS}/${task.id}`).set(who.auth);
        expect(read.status).toBe(sees ? 200 : 404);
      }
    });
  });
});
