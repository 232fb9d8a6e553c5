import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { JobsService } from '../src/jobs/jobs.service';
import { startTestApp, TestApp } from './helpers/app';
import {
  ATTACHMENT_KEYS,
  AttachmentJson,
  attachmentsOf,
  ATTACHMENTS,
  binary,
  contentOf,
  filesUnder,
  upload,
  uploaded,
} from './helpers/attachments';
import { errorBody, Session, signUp } from './helpers/factories';
import { newPeople, newTeam, People, PROJECTS, Team } from './helpers/projects';
import { createTask, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';
import { waitFor } from './helpers/wait';

/**
 * Small enough to cross in a test, large enough for the files below: 16 of the 64 KiB chunks
 * in which the local driver streams a download (and reuses its buffers).
 */
const MAX_BYTES = 1024 * 1024;

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

describe('Attachments on the local driver (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let dir: string;
  let people: People;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'attachments-e2e-'));
    t = await startTestApp({
      ...NO_RATE_LIMITS,
      ATTACHMENT_DIR: dir,
      ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
    });
    db = t.app.get(DataSource);
    people = await newPeople(t.http);
  });

  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Where the local driver keeps an attachment's bytes. */
  async function pathOf(attachmentId: number): Promise<string> {
    const [row] = await db.query<Array<{ storage_key: string }>>(
      'SELECT storage_key FROM attachments WHERE id = ?',
      [attachmentId],
    );
    expect(row.storage_key).toMatch(/^[0-9a-f]{32}$/);
    return join(dir, row.storage_key.slice(0, 2), row.storage_key);
  }

  async function rowsOfTask(taskId: number): Promise<number> {
    const [row] = await db.query<Array<{ n: string }>>(
      'SELECT COUNT(*) AS n FROM attachments WHERE task_id = ?',
      [taskId],
    );
    return Number(row.n);
  }

  /** A team project with a task in it, assigned to a user who is no member. */
  async function teamTask(): Promise<{ team: Team; task: TaskJson; assignee: Session }> {
    const team = await newTeam(t.http, people);
    const assignee = await signUp(t.http);
    const task = await createTask(t.http, team.owner, {
      project_id: team.project.id,
      assignee_id: assignee.id,
    });
    return { team, task, assignee };
  }

  describe('upload', () => {
    it('should store the file, answer 201 with the attachment and Location, and list it', async () => {
      const { team, task } = await teamTask();
      const bytes = Buffer.from('hello, attachments\n');
      const res = await upload(t.http, team.editor, task.id, bytes, {
        filename: 'hello.txt',
        contentType: 'text/plain',
      }).expect(201);
      const attachment = res.body as AttachmentJson;
      expect(Object.keys(attachment).sort()).toEqual(ATTACHMENT_KEYS);
      expect(attachment).toEqual({
        id: expect.any(Number),
        task_id: task.id,
        filename: 'hello.txt',
        content_type: 'text/plain',
        size: bytes.length,
        sha256: sha256(bytes),
        uploaded_by: team.editor.id,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      expect(res.headers.location).toBe(`${ATTACHMENTS}/${attachment.id}/content`);

      const listed = await t.http.get(attachmentsOf(task.id)).set(team.viewer.auth).expect(200);
      expect(listed.body).toEqual([attachment]);
      const stored = await pathOf(attachment.id);
      expect(existsSync(stored)).toBe(true);
    });

    it('should let editors, admins, the owner and the assignee upload; viewers 403, strangers 404', async () => {
      const { team, task, assignee } = await teamTask();
      for (const user of [team.editor, team.admin, team.owner, assignee]) {
        const res = await upload(t.http, user, task.id, `from ${user.id}`);
        expect({ user: user.id, status: res.status }).toEqual({ user: user.id, status: 201 });
      }
      const viewer = await upload(t.http, team.viewer, task.id, 'no').expect(403);
      expect(viewer.body).toEqual(errorBody('FORBIDDEN'));
      const stranger = await upload(t.http, team.stranger, task.id, 'no').expect(404);
      expect(stranger.body).toEqual(errorBody('NOT_FOUND'));
      await upload(t.http, team.owner, 4_000_000_000, 'no').expect(404);
      expect(await rowsOfTask(task.id)).toBe(4);
    });

    it('should keep the uploader its right as the assignee of an inbox task', async () => {
      const creator = await signUp(t.http);
      const assignee = await signUp(t.http);
      const task = await createTask(t.http, creator, { assignee_id: assignee.id });
      await upload(t.http, assignee, task.id, 'mine').expect(201);
      await upload(t.http, creator, task.id, 'also mine').expect(201);
    });

    it('should store ../../etc/passwd as the plain name passwd, under a random key', async () => {
      const { team, task } = await teamTask();
      const attachment = await uploaded(t.http, team.editor, task.id, 'root:x:0:0', {
        filename: '../../etc/passwd',
      });
      expect(attachment.filename).toBe('passwd');
      const stored = await pathOf(attachment.id);
      expect(stored.startsWith(`${dir}/`)).toBe(true);
      expect(stored).not.toContain('passwd');
      const res = await t.http.get(contentOf(attachment.id)).set(team.viewer.auth).expect(200);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="passwd"; filename*=UTF-8''passwd`,
      );
    });

    it('should refuse a file over ATTACHMENT_MAX_BYTES with 413 and keep nothing', async () => {
      const { team, task } = await teamTask();
      const before = await filesUnder(dir);
      const res = await upload(t.http, team.editor, task.id, Buffer.alloc(MAX_BYTES + 1, 7));
      expect(res.status).toBe(413);
      expect(res.body).toEqual(errorBody('PAYLOAD_TOO_LARGE'));
      expect(await rowsOfTask(task.id)).toBe(0);
      expect(await filesUnder(dir)).toEqual(before);
      // Exactly the limit is accepted.
      const full = await uploaded(t.http, team.editor, task.id, Buffer.alloc(MAX_BYTES, 7));
      expect(full.size).toBe(MAX_BYTES);
    });

    it('should refuse a form without a file part with 400 naming file', async () => {
      const { team, task } = await teamTask();
      const fieldOnly = await t.http
        .post(attachmentsOf(task.id))
        .set(team.editor.auth)
        .field('file', 'not a file')
        .expect(400);
      expect(fieldOnly.body).toMatchObject({
        ...errorBody('VALIDATION_FAILED'),
        details: [{ field: 'file', message: expect.any(String) }],
      });
      const otherName = await upload(t.http, team.editor, task.id, 'x', { field: 'upload' });
      expect(otherName.status).toBe(400);
      expect(otherName.body.details).toEqual([{ field: 'file', message: expect.any(String) }]);
      const empty = await t.http
        .post(attachmentsOf(task.id))
        .set(team.editor.auth)
        .set('Content-Type', 'multipart/form-data; boundary=xyz')
        .send('--xyz--\r\n')
        .expect(400);
      expect(empty.body.details).toEqual([{ field: 'file', message: expect.any(String) }]);
      const noBoundary = await t.http
        .post(attachmentsOf(task.id))
        .set(team.editor.auth)
        .set('Content-Type', 'multipart/form-data')
        .send('garbage')
        .expect(400);
      expect(noBoundary.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(await rowsOfTask(task.id)).toBe(0);
    });

    it('should answer 415 for a JSON body on the upload route', async () => {
      const { team, task } = await teamTask();
      const res = await t.http
        .post(attachmentsOf(task.id))
        .set(team.editor.auth)
        .send({ file: 'x' })
        .expect(415);
      expect(res.body).toEqual(errorBody('UNSUPPORTED_MEDIA_TYPE'));
    });

    it('should keep refusing multipart bodies on JSON routes with 415', async () => {
      const user = await signUp(t.http);
      for (const path of [TASKS, '/api/v1/auth/login', PROJECTS]) {
        const res = await t.http
          .post(path)
          .set(user.auth)
          .field('title', 'by form')
          .field('email', user.email)
          .field('password', user.password);
        expect({ path, status: res.status, body: res.body }).toEqual({
          path,
          status: 415,
          body: errorBody('UNSUPPORTED_MEDIA_TYPE'),
        });
      }
    });

    it('should answer 409 in an archived project, for uploads and deletes', async () => {
      const { team, task } = await teamTask();
      const attachment = await uploaded(t.http, team.editor, task.id, 'before archiving');
      await t.http
        .patch(`${PROJECTS}/${team.project.id}`)
        .set(team.admin.auth)
        .send({ archived: true })
        .expect(200);
      const res = await upload(t.http, team.editor, task.id, 'after').expect(409);
      expect(res.body).toEqual(errorBody('CONFLICT'));
      await t.http.delete(`${ATTACHMENTS}/${attachment.id}`).set(team.editor.auth).expect(409);
      // Still readable.
      await t.http.get(contentOf(attachment.id)).set(team.viewer.auth).expect(200);
      expect(await rowsOfTask(task.id)).toBe(1);
    });
  });

  describe('list and download', () => {
    let team: Team;
    let task: TaskJson;
    let assignee: Session;
    let attachment: AttachmentJson;
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

    beforeAll(async () => {
      ({ team, task, assignee } = await teamTask());
      attachment = await uploaded(t.http, team.editor, task.id, bytes, {
        filename: '项目计划 (最终版).pdf',
        contentType: 'application/pdf',
      });
    });

    it('should list for every member and the assignee, and 404 for a stranger', async () => {
      for (const user of [team.viewer, team.editor, team.owner, assignee]) {
        const res = await t.http.get(attachmentsOf(task.id)).set(user.auth).expect(200);
        expect(res.body).toEqual([attachment]);
      }
      const res = await t.http.get(attachmentsOf(task.id)).set(team.stranger.auth).expect(404);
      expect(res.body).toEqual(errorBody('NOT_FOUND'));
    });

    it('should send the bytes as a download with the Chinese name, nosniff, length and ETag', async () => {
      const res = await t.http
        .get(contentOf(attachment.id))
        .set(team.viewer.auth)
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(Buffer.compare(res.body as Buffer, bytes)).toBe(0);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-length']).toBe('1000');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers.etag).toBe(`"${sha256(bytes)}"`);
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(attachment.filename).toBe('项目计划 (最终版).pdf');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="____ (___).pdf"; ` +
          `filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E8%AE%A1%E5%88%92%20%28%E6%9C%80%E7%BB%88%E7%89%88%29.pdf`,
      );
      expect(res.headers['cache-control']).toMatch(/private/);
    });

    it('should answer a Range with 206 and Content-Range', async () => {
      const res = await t.http
        .get(contentOf(attachment.id))
        .set(team.viewer.auth)
        .set('Range', 'bytes=10-19')
        .buffer(true)
        .parse(binary)
        .expect(206);
      expect(Buffer.compare(res.body as Buffer, bytes.subarray(10, 20))).toBe(0);
      expect(res.headers['content-range']).toBe('bytes 10-19/1000');
      expect(res.headers['content-length']).toBe('10');

      const suffix = await t.http
        .get(contentOf(attachment.id))
        .set(team.viewer.auth)
        .set('Range', 'bytes=-5')
        .buffer(true)
        .parse(binary)
        .expect(206);
      expect(Buffer.compare(suffix.body as Buffer, bytes.subarray(995))).toBe(0);
      expect(suffix.headers['content-range']).toBe('bytes 995-999/1000');
    });

    it('should send a file of many chunks intact to several clients at once, and a range across chunks', async () => {
      const own = await teamTask();
      const large = randomBytes(MAX_BYTES);
      const file = await uploaded(t.http, own.team.editor, own.task.id, large);
      const download = (range?: string) => {
        const request = t.http.get(contentOf(file.id)).set(own.team.viewer.auth);
        if (range) void request.set('Range', range);
        return request.buffer(true).parse(binary);
      };
      const wholes = await Promise.all([download(), download(), download(), download()]);
      for (const res of wholes) {
        expect(res.status).toBe(200);
        expect(sha256(res.body as Buffer)).toBe(sha256(large));
      }
      const part = await download('bytes=65000-400000').expect(206);
      expect(Buffer.compare(part.body as Buffer, large.subarray(65000, 400001))).toBe(0);
    });

    it('should answer a Range past the end with 416 in the error shape', async () => {
      const res = await t.http
        .get(contentOf(attachment.id))
        .set(team.viewer.auth)
        .set('Range', 'bytes=99999999-')
        .expect(416);
      expect(res.body).toEqual(errorBody('VALIDATION_FAILED'));
      expect(res.body.error).toContain('Range');
      expect(res.headers['content-range']).toBe('bytes */1000');
    });

    it('should send the whole file for If-Range with another ETag, and 304 for If-None-Match', async () => {
      const stale = await t.http
        .get(contentOf(attachment.id))
        .set(team.viewer.auth)
        .set('Range', 'bytes=0-9')
        .set('If-Range', '"0000"')
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect((stale.body as Buffer).length).toBe(1000);
      const notModified = await t.http
        .get(contentOf(attachment.id))
        .set(team.viewer.auth)
        .set('If-None-Match', `"${attachment.sha256}"`)
        .expect(304);
      expect(notModified.headers.etag).toBe(`"${attachment.sha256}"`);
    });

    it('should answer 404 for the attachment of a task the caller cannot see, or none', async () => {
      const res = await t.http.get(contentOf(attachment.id)).set(team.stranger.auth).expect(404);
      expect(res.body).toEqual(errorBody('NOT_FOUND'));
      await t.http.get(contentOf(4_000_000_000)).set(team.owner.auth).expect(404);
      await t.http.get(`${ATTACHMENTS}/01/content`).set(team.owner.auth).expect(400);
    });
  });

  describe('delete', () => {
    it('should let the uploader delete, remove the bytes, and 404 after', async () => {
      const { team, task } = await teamTask();
      const attachment = await uploaded(t.http, team.editor, task.id, 'to delete');
      const stored = await pathOf(attachment.id);
      await t.http.delete(`${ATTACHMENTS}/${attachment.id}`).set(team.editor.auth).expect(204);
      expect(existsSync(stored)).toBe(false);
      await t.http.get(contentOf(attachment.id)).set(team.editor.auth).expect(404);
      await t.http.delete(`${ATTACHMENTS}/${attachment.id}`).set(team.editor.auth).expect(404);
      expect(await rowsOfTask(task.id)).toBe(0);
    });

    it("should let an admin or the owner delete anyone's; other members 403, strangers 404", async () => {
      const { team, task, assignee } = await teamTask();
      const first = await uploaded(t.http, team.editor, task.id, 'one');
      const second = await uploaded(t.http, team.editor, task.id, 'two');
      const other = await signUp(t.http);
      await t.http
        .put(`${PROJECTS}/${team.project.id}/members/${other.id}`)
        .set(team.owner.auth)
        .send({ role: 'editor' })
        .expect(201);
      for (const user of [other, team.viewer, assignee]) {
        const res = await t.http.delete(`${ATTACHMENTS}/${first.id}`).set(user.auth);
        expect({ user: user.id, status: res.status, body: res.body }).toEqual({
          user: user.id,
          status: 403,
          body: errorBody('FORBIDDEN'),
        });
      }
      const stranger = await t.http
        .delete(`${ATTACHMENTS}/${first.id}`)
        .set(team.stranger.auth)
        .expect(404);
      expect(stranger.body).toEqual(errorBody('NOT_FOUND'));
      await t.http.delete(`${ATTACHMENTS}/${first.id}`).set(team.admin.auth).expect(204);
      await t.http.delete(`${ATTACHMENTS}/${second.id}`).set(team.owner.auth).expect(204);
      expect(await rowsOfTask(task.id)).toBe(0);
    });
  });

  describe('purge of deleted tasks', () => {
    it('should remove the bytes and rows once the task is deleted', async () => {
      const { team, task } = await teamTask();
      const attachment = await uploaded(t.http, team.editor, task.id, 'purge me');
      const stored = await pathOf(attachment.id);
      await t.http.delete(`${TASKS}/${task.id}`).set(team.editor.auth).expect(200);
      await waitFor(async () => !existsSync(stored) && (await rowsOfTask(task.id)) === 0, {
        what: 'the purge of the deleted task',
      });
    });

    it("should remove a deleted project's attachments in the sweep, and keep live tasks'", async () => {
      const doomed = await teamTask();
      const kept = await teamTask();
      const gone = await uploaded(t.http, doomed.team.editor, doomed.task.id, 'project goes');
      const stays = await uploaded(t.http, kept.team.editor, kept.task.id, 'project stays');
      const gonePath = await pathOf(gone.id);
      const staysPath = await pathOf(stays.id);
      await t.http
        .delete(`${PROJECTS}/${doomed.team.project.id}`)
        .set(doomed.team.owner.auth)
        .expect(204);
      const job = await t.app
        .get(JobsService)
        .enqueue('attachments.purge', { taskId: null }, { jobId: `sweep-${gone.id}` });
      await waitFor(async () => (await job.isCompleted()) && !existsSync(gonePath), {
        what: 'the sweep',
      });
      expect(await rowsOfTask(doomed.task.id)).toBe(0);
      expect(existsSync(staysPath)).toBe(true);
      await t.http.get(contentOf(stays.id)).set(kept.team.viewer.auth).expect(200);
    });
  });
});
