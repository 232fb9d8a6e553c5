import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { Session, signUp } from './helpers/factories';
import { createProject, membersPath, PROJECTS, setMember } from './helpers/projects';
import { readStore, selected } from './helpers/read-model-truth';
import {
  createTask,
  inboxOf,
  NO_RATE_LIMITS,
  rebuildTaskSearch,
  recountTaskCounts,
  TaskJson,
  TASKS,
} from './helpers/tasks';

/**
 * X-Total-Count of `q` comes from counts cached per task_search bucket (32 days of creation
 * time) under the bucket's version (TaskSearchCounts). These tests search, change something,
 * and search again at once: every answer must equal the ground truth computed here from the
 * rows, whichever buckets the change touched.
 */

const DAY = 86_400_000;
/** Short, CJK and wildcard terms: 1–2 characters match inside words, `%`/`_` literally. */
const QUERIES = [
  'report',
  'REPORT',
  're',
  'r',
  '项目',
  '项',
  '%',
  '_',
  '100%',
  'a_b',
  'report 项目',
];

describe('Search counts by task_search bucket (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    ds = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  /** For each user and query: X-Total-Count and the first page equal the rows' truth. */
  async function expectCountsExact(
    owners: Session[],
    readers: Session[],
    op: string,
  ): Promise<void> {
    const store = await readStore(
      ds,
      owners.map((u) => u.id),
    );
    const mismatches: unknown[] = [];
    for (const user of readers) {
      for (const q of QUERIES) {
        const expected = selected(store, user.id, { scope: 'all', q })
          .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id - a.id)
          .map((task) => task.id);
        const res = await t.http.get(TASKS).set(user.auth).query({ q, page_size: '5' });
        const total = Number(res.headers['x-total-count']);
        const ids = res.status === 200 ? (res.body as TaskJson[]).map((task) => task.id) : [];
        if (
          res.status !== 200 ||
          total !== expected.length ||
          ids.join() !== expected.slice(0, 5).join()
        ) {
          mismatches.push({
            user: user.id,
            q,
            status: res.status,
            total,
            want: expected.length,
            ids,
          });
        }
      }
    }
    expect({ op, mismatches }).toEqual({ op, mismatches: [] });
    // Every bucket holding task_search rows has a version row: what a cached count rests on.
    const uncovered = await ds.query<unknown[]>(
      `SELECT s.task_id FROM task_search s
        LEFT JOIN task_search_buckets b
          ON b.project_id = s.project_id AND b.bucket = TO_DAYS(s.created_at) DIV 32
        WHERE b.project_id IS NULL`,
    );
    expect({ op, uncovered }).toEqual({ op, uncovered: [] });
  }

  /** Tasks inserted by SQL, created `daysAgo` days ago each, then indexed like a bulk load. */
  async function insertOld(
    owner: Session,
    projectId: number,
    rows: Array<[string, string, number]>,
  ) {
    const now = Date.now();
    for (const [title, description, daysAgo] of rows) {
      const created = new Date(now - daysAgo * DAY);
      await ds.query(
        `INSERT INTO tasks (user_id, project_id, assignee_id, title, description, status, priority,
           due_date, completed_at, created_at, updated_at, deleted_at, version)
         VALUES (?, ?, NULL, ?, ?, 1, 2, NULL, NULL, ?, ?, NULL, 1)`,
        [owner.id, projectId, title, description, created, created],
      );
    }
    await rebuildTaskSearch(ds, [projectId]);
    await recountTaskCounts(ds, [projectId]);
  }

  async function idsOf(owner: Session, title: string): Promise<number> {
    const rows = await ds.query<Array<{ id: number }>>(
      'SELECT id FROM tasks WHERE user_id = ? AND title = ? AND deleted_at IS NULL',
      [owner.id, title],
    );
    return Number(rows[0].id);
  }

  it('should keep every count exact after writes to old and new buckets, moves and membership changes', async () => {
    const [owner, viewer, other] = await Promise.all([1, 2, 3].map(() => signUp(t.http)));
    const inbox = await inboxOf(ds, owner.id);
    const team = await createProject(t.http, owner, { name: 'counts' });
    const everyone = [owner, viewer, other];
    // Buckets from a year ago to today, several tasks in some.
    await insertOld(owner, inbox, [
      ['old Report A', '', 300],
      ['old report B', '项目文档', 300],
      ['older 项目', '100% done', 200],
      ['file a_b', 'see report', 100],
      ['abc', 'nothing here', 40],
      ['Quarter REPORT 项目', '', 5],
    ]);
    await insertOld(owner, team.id, [
      ['team report', '', 250],
      ['team 项目', 'a_b', 70],
    ]);
    await createTask(t.http, owner, { title: 'new report', description: '项目' });
    await createTask(t.http, owner, { title: 'team new', project_id: team.id });
    await expectCountsExact(everyone, everyone, 'initial');
    // Searched twice in a row, the second answer comes from the cache: still exact.
    await expectCountsExact(everyone, everyone, 'cached');

    const patch = async (title: string, body: Record<string, unknown>, status = 200) =>
      t.http
        .patch(`${TASKS}/${await idsOf(owner, title)}`)
        .set(owner.auth)
        .send(body)
        .expect(status);

    await patch('old Report A', { title: 'old plan A' });
    await expectCountsExact(everyone, everyone, 'title edited in an old bucket');
    await patch('abc', { description: 'now a report about 项目, 100%' });
    await expectCountsExact(everyone, everyone, 'description edited');
    await patch('old report B', { status: 'completed', priority: 'high' });
    await expectCountsExact(everyone, everyone, 'an edit that leaves task_search alone');

    await setMember(t.http, owner, team.id, viewer, 'viewer');
    await expectCountsExact(everyone, everyone, 'viewer added to the team');
    await patch('older 项目', { project_id: team.id });
    await expectCountsExact(everyone, everyone, 'moved into the team');
    await patch('team report', { project_id: inbox, assignee_id: other.id });
    await expectCountsExact(everyone, everyone, 'moved to the inbox, assigned to a non-member');

    await t.http
      .delete(`${TASKS}/${await idsOf(owner, 'file a_b')}`)
      .set(owner.auth)
      .expect(200);
    await expectCountsExact(everyone, everyone, 'deleted in an old bucket');
    await createTask(t.http, owner, { title: 'another report 项目', project_id: team.id });
    await expectCountsExact(everyone, everyone, 'created in the team');

    await t.http.delete(membersPath(team.id, viewer.id)).set(owner.auth).expect(204);
    await expectCountsExact(everyone, everyone, 'viewer removed');
    await t.http.delete(`${PROJECTS}/${team.id}`).set(owner.auth).expect(204);
    await expectCountsExact(everyone, everyone, 'team project deleted');
    const left = await ds.query<unknown[]>(
      'SELECT 1 FROM task_search_buckets WHERE project_id = ?',
      [team.id],
    );
    expect(left).toEqual([]);
  });

  it('should count exactly while tasks of the searched buckets are written concurrently', async () => {
    const [owner, member] = await Promise.all([1, 2].map(() => signUp(t.http)));
    const team = await createProject(t.http, owner, { name: 'busy' });
    await setMember(t.http, owner, team.id, member, 'editor');
    await insertOld(owner, team.id, [
      ['busy report 1', '', 90],
      ['busy report 2', '', 60],
      ['busy 项目', '', 30],
    ]);
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createTask(t.http, i % 2 ? member : owner, {
          title: `busy report ${i + 3}`,
          project_id: team.id,
        }),
      ),
    );
    // Searches racing edits and a delete: every answer is a well-formed 200. The deleted task
    // is not also edited (an edit that lost that race would rightly answer 404).
    const racing = await Promise.all([
      ...created.slice(0, 5).map((task, i) =>
        t.http
          .patch(`${TASKS}/${task.id}`)
          .set(owner.auth)
          .send(i % 3 === 0 ? { title: `busy plan ${i}` } : { description: `项目 ${i}` }),
      ),
      t.http.delete(`${TASKS}/${created[5].id}`).set(owner.auth),
      ...Array.from({ length: 8 }, (_, i) =>
        t.http
          .get(TASKS)
          .set((i % 2 ? member : owner).auth)
          .query({ q: i % 2 ? 'report' : '项目' }),
      ),
    ]);
    expect(racing.map((res) => res.status).filter((s) => s >= 300)).toEqual([]);
    // Once the writes are in, the counts cached meanwhile must not hide any of them.
    await expectCountsExact([owner, member], [owner, member], 'after concurrent writes');
  }, 60_000);

  it('should count again rows changed by SQL once their buckets are refreshed', async () => {
    const owner = await signUp(t.http);
    const inbox = await inboxOf(ds, owner.id);
    await insertOld(owner, inbox, [['sql report', '', 10]]);
    await expectCountsExact([owner], [owner], 'cached before the bulk load');
    await insertOld(owner, inbox, [
      ['bulk report', '', 10],
      ['bulk 项目', '', 400],
    ]);
    await expectCountsExact([owner], [owner], 'after a bulk load and its rebuild');
  });
});
