import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import {
  ATTACHMENTS,
  AttachmentJson,
  attachmentsOf,
  binary,
  contentOf,
  upload,
  uploaded,
} from './helpers/attachments';
import { errorBody } from './helpers/factories';
import { newTeam, Team } from './helpers/projects';
import { startS3Server, TestS3Server } from './helpers/s3-server';
import { createTask, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';
import { waitFor } from './helpers/wait';

/** Above S3's 5 MiB part size, so large uploads go through a multipart upload. */
const MAX_BYTES = 8 * 1024 * 1024;

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('Attachments on the S3 driver, against a real S3-protocol server (e2e)', () => {
  let s3: TestS3Server;
  let t: TestApp;
  let team: Team;
  let task: TaskJson;

  beforeAll(async () => {
    s3 = await startS3Server();
    t = await startTestApp({
      ...NO_RATE_LIMITS,
      ...s3.env,
      ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
    });
    team = await newTeam(t.http);
    task = await createTask(t.http, team.owner, { project_id: team.project.id });
  });

  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  async function keyOf(attachmentId: number): Promise<string> {
    const [row] = await t.app
      .get(DataSource)
      .query<Array<{ storage_key: string }>>('SELECT storage_key FROM attachments WHERE id = ?', [
        attachmentId,
      ]);
    return row.storage_key;
  }

  it('should store an upload as one object and send it back whole and in ranges', async () => {
    const bytes = randomBytes(100_000);
    const attachment = await uploaded(t.http, team.editor, task.id, bytes, {
      filename: '设计稿.png',
      contentType: 'image/png',
    });
    expect(attachment).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    expect(await s3.keys()).toContain(await keyOf(attachment.id));

    const whole = await t.http
      .get(contentOf(attachment.id))
      .set(team.viewer.auth)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(Buffer.compare(whole.body as Buffer, bytes)).toBe(0);
    expect(whole.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(bytes.length),
      etag: `"${sha256(bytes)}"`,
      'x-content-type-options': 'nosniff',
      'content-disposition': `attachment; filename="___.png"; filename*=UTF-8''${encodeURIComponent('设计稿.png')}`,
    });

    const part = await t.http
      .get(contentOf(attachment.id))
      .set(team.viewer.auth)
      .set('Range', 'bytes=50000-50099')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(part.body as Buffer, bytes.subarray(50_000, 50_100))).toBe(0);
    expect(part.headers['content-range']).toBe(`bytes 50000-50099/${bytes.length}`);

    const past = await t.http
      .get(contentOf(attachment.id))
      .set(team.viewer.auth)
      .set('Range', 'bytes=99999999-')
      .expect(416);
    expect(past.body).toEqual(errorBody('VALIDATION_FAILED'));
  });

  it('should stream a file larger than one part through a multipart upload intact', async () => {
    const bytes = randomBytes(6 * 1024 * 1024 + 123);
    const attachment = await uploaded(t.http, team.editor, task.id, bytes);
    expect(attachment).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    const tail = await t.http
      .get(contentOf(attachment.id))
      .set(team.viewer.auth)
      .set('Range', 'bytes=-1000')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(tail.body as Buffer, bytes.subarray(bytes.length - 1000))).toBe(0);
  });

  it('should refuse a file over the limit with 413 and leave no object behind', async () => {
    const before = await s3.keys();
    const res = await upload(t.http, team.editor, task.id, Buffer.alloc(MAX_BYTES + 1, 1));
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorBody('PAYLOAD_TOO_LARGE'));
    expect(await s3.keys()).toEqual(before);
  });

  it('should delete the object with the attachment', async () => {
    const attachment = await uploaded(t.http, team.editor, task.id, Buffer.from('short-lived'));
    const key = await keyOf(attachment.id);
    expect(await s3.keys()).toContain(key);
    await t.http.delete(`${ATTACHMENTS}/${attachment.id}`).set(team.admin.auth).expect(204);
    expect(await s3.keys()).not.toContain(key);
    await t.http.get(contentOf(attachment.id)).set(team.admin.auth).expect(404);
  });

  it("should purge a deleted task's objects", async () => {
    const doomed = await createTask(t.http, team.owner, { project_id: team.project.id });
    const attachments: AttachmentJson[] = [];
    for (const text of ['one', 'two']) {
      attachments.push(await uploaded(t.http, team.editor, doomed.id, Buffer.from(text)));
    }
    const keys = await Promise.all(attachments.map((a) => keyOf(a.id)));
    await t.http.delete(`${TASKS}/${doomed.id}`).set(team.owner.auth).expect(200);
    await waitFor(
      async () => {
        const left = await s3.keys();
        return keys.every((key) => !left.includes(key));
      },
      { what: 'the purge of the deleted task' },
    );
    await t.http.get(attachmentsOf(doomed.id)).set(team.owner.auth).expect(404);
  });
});
