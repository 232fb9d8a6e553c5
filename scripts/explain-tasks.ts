/**
 * EXPLAINs the listing, count and stats queries TasksRepository generates, against the
 * configured (seeded) database, and writes the plans and timings to docs/explain-tasks.md:
 *   DB_NAME=taskdb_explain npm run seed:data -- --users 1000 --tasks 1000000
 *   DB_NAME=taskdb_explain npm run explain:tasks
 * Exits 1 when any plan reads `tasks` or `task_search` with a full table scan (type ALL).
 */
import { writeFileSync } from 'node:fs';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { ListTasksQuery } from '../src/tasks/dto/list-tasks.query';
import type { SqlQuery } from '../src/common/database/sql';
import { parseListQuery, Viewer } from '../src/tasks/listing/task-list-request';
import {
  buildCounterCountQuery,
  buildCounterStatsQuery,
} from '../src/tasks/read-models/counts-read.sql';
import {
  buildPageRowsQuery,
  buildSourcesCountQuery,
  listingSources,
  searchCountPlan,
} from '../src/tasks/listing/listing.sql';
import { buildSearchCountQuery } from '../src/tasks/read-models/search-counts.sql';
import { openPool, prepareDatabase } from './seed-support';

interface Case {
  name: string;
  query: SqlQuery;
}

type Row = RowDataPacket & Record<string, unknown>;

function listCases(label: string, viewer: Viewer, params: Partial<ListTasksQuery>): Case[] {
  const now = new Date();
  const request = parseListQuery(Object.assign(new ListTasksQuery(), params));
  const cases: Case[] = [];
  // The queries TasksRepository.listPage and count run: task_counts when the filters allow,
  // a search over whole projects by task_search bucket (TaskSearchCounts: the versions alone
  // when every bucket's count is cached, every bucket counted when none is), else the rows.
  const page = buildPageRowsQuery(viewer, request, now);
  if (page) cases.push({ name: `${label}: page`, query: page });
  const search = searchCountPlan(viewer, request.filters, now);
  if (search) {
    const { projectIds, terms, others } = search;
    const whole = projectIds.map((projectId) => ({ projectId, from: null, to: null }));
    cases.push(
      {
        name: `${label}: X-Total-Count, buckets cached`,
        query: buildSearchCountQuery(projectIds, terms, [], others),
      },
      {
        name: `${label}: X-Total-Count, every bucket counted`,
        query: buildSearchCountQuery(projectIds, terms, whole, others),
      },
    );
    return cases;
  }
  const count =
    buildCounterCountQuery(viewer, request.filters) ??
    buildSourcesCountQuery(listingSources(viewer, request.filters, now));
  if (count) cases.push({ name: `${label}: X-Total-Count`, query: count });
  return cases;
}

/** The queries of `GET /tasks/stats`: the counters by state, and the overdue rows. */
function statsCases(label: string, viewer: Viewer): Case[] {
  const now = new Date();
  const { filters } = parseListQuery(new ListTasksQuery());
  const cases: Case[] = [];
  const cells = buildCounterStatsQuery(viewer, filters);
  if (cells) cases.push({ name: `${label}: stats counters`, query: cells });
  const overdue = buildSourcesCountQuery(
    listingSources(viewer, { ...filters, overdue: true }, now),
  );
  if (overdue) cases.push({ name: `${label}: stats overdue`, query: overdue });
  return cases;
}

/** The user and its live projects, as TasksService builds it. */
async function viewerOf(pool: Pool, userId: number): Promise<Viewer> {
  const [rows] = await pool.query<Row[]>(
    'SELECT pm.project_id FROM project_members pm JOIN projects p ON p.id = pm.project_id ' +
      'WHERE pm.user_id = ? AND p.deleted_at IS NULL ORDER BY pm.project_id',
    [userId],
  );
  return { userId, projectIds: rows.map((r) => Number(r.project_id)) };
}

async function timeMs(pool: Pool, query: SqlQuery): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const started = process.hrtime.bigint();
    await pool.query(query.sql, query.params);
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return runs.sort((a, b) => a - b)[1];
}

function table(rows: Row[], columns: string[]): string {
  const cell = (v: unknown): string =>
    v === null || v === undefined
      ? ''
      : (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${columns.map((c) => cell(r[c])).join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const config = await prepareDatabase();
  const pool = openPool(config, 1);
  try {
    const [[version]] = await pool.query<Row[]>('SELECT VERSION() AS v');
    const mariadb = String(version.v).includes('MariaDB');
    await pool.query('ANALYZE TABLE tasks, task_search, task_search_buckets');
    const [[stats]] = await pool.query<Row[]>('SELECT COUNT(*) AS n FROM tasks');
    const [[heavy]] = await pool.query<Row[]>(
      'SELECT user_id, COUNT(*) AS n FROM tasks GROUP BY user_id ORDER BY n DESC LIMIT 1',
    );
    const heavyId = Number(heavy.user_id);
    const [[normal]] = await pool.query<Row[]>(
      'SELECT id FROM users WHERE id <> ? ORDER BY id LIMIT 1 OFFSET 500',
      [heavyId],
    );
    const normalId = Number(normal.id);
    const heavyUser = await viewerOf(pool, heavyId);
    const normalUser = await viewerOf(pool, normalId);
    const now = new Date();

    const cases: Case[] = [
      ...listCases('Normal user, default list', normalUser, {}),
      ...listCases('Heavy user, default list', heavyUser, {}),
      ...listCases('Heavy user, page 500', heavyUser, { page: 500 }),
      ...listCases(
        'Heavy user, status=pending,in_progress priority=high sort=due_date asc',
        heavyUser,
        {
          status: ['pending', 'in_progress'],
          priority: ['high'],
          sort: 'due_date',
          order: 'asc',
        },
      ),
      ...listCases('Heavy user, scope=owned', heavyUser, { scope: 'owned' }),
      ...listCases('Heavy user, scope=assigned', heavyUser, { scope: 'assigned' }),
      ...listCases('Heavy user, assignee_id=none', heavyUser, { assignee_id: 'none' }),
      ...listCases('Heavy user, overdue=true', heavyUser, { overdue: 'true' }),
      ...listCases('Heavy user, sort=title asc', heavyUser, { sort: 'title', order: 'asc' }),
      ...listCases('Heavy user, sort=priority desc', heavyUser, { sort: 'priority' }),
      ...listCases('Heavy user, q=report (Latin)', heavyUser, { q: 'report' }),
      ...listCases('Heavy user, q=项目 (Chinese)', heavyUser, { q: '项目' }),
      ...listCases('Heavy user, q=report status=pending', heavyUser, {
        q: 'report',
        status: ['pending'],
      }),
      ...listCases('Heavy user, q=report sort=title asc', heavyUser, {
        q: 'report',
        sort: 'title',
        order: 'asc',
      }),
      ...listCases('Normal user, q=项目 文档', normalUser, { q: '项目 文档' }),
      ...statsCases('Heavy user', heavyUser),
      ...statsCases('Normal user', normalUser),
      {
        name: 'Normal user, one task by id (visibility check)',
        query: {
          sql: 'SELECT * FROM tasks t WHERE t.id = ? AND t.deleted_at IS NULL',
          params: [12345],
        },
      },
    ];

    const out: string[] = [
      '# EXPLAIN of the task queries',
      '',
      `Generated by \`npm run explain:tasks\` (scripts/explain-tasks.ts) on ${now.toISOString()} against`,
      `${String(version.v)}, database \`${config.db.name}\` seeded with \`npm run seed:data -- --users 1000 --tasks 1000000\`:`,
      `${String(stats.n)} tasks; heavy user ${heavyId} owns ${String(heavy.n)}; "normal" user ${normalId}.`,
      'The SQL is built by the same functions TasksRepository uses (src/tasks/listing/*.sql.ts, src/tasks/read-models/counts-read.sql.ts).',
      'Times are the median of three runs from this script (client round trip included).',
      '',
    ];
    const summary: string[] = [
      '| query | ms | tasks (t) / task_search (s) access types | full scan |',
      '| --- | --- | --- | --- |',
    ];
    let fullScans = 0;
    const details: string[] = [];
    for (const c of cases) {
      const [plan] = await pool.query<Row[]>(`EXPLAIN ${c.query.sql}`, c.query.params);
      const ms = await timeMs(pool, c.query);
      // `t` is tasks, `s` task_search (searches).
      const onTasks = plan.filter((r) => r.table === 't' || r.table === 's');
      const full = onTasks.some((r) => r.type === 'ALL');
      if (full) fullScans += 1;
      summary.push(
        `| ${c.name} | ${ms.toFixed(1)} | ${onTasks.map((r) => `${String(r.type)}/${String(r.key)}`).join(', ')} | ${full ? '**YES**' : 'no'} |`,
      );
      details.push(
        `## ${c.name}`,
        '',
        '```sql',
        c.query.sql,
        '```',
        '',
        `Median time: ${ms.toFixed(1)} ms`,
        '',
      );
      details.push(
        table(plan, ['id', 'select_type', 'table', 'type', 'key', 'key_len', 'rows', 'Extra']),
        '',
      );
      if (mariadb) {
        const [analyzed] = await pool.query<Row[]>(`ANALYZE ${c.query.sql}`, c.query.params);
        details.push(
          'ANALYZE:',
          '',
          table(analyzed, [
            'id',
            'table',
            'type',
            'key',
            'rows',
            'r_rows',
            'filtered',
            'r_filtered',
            'Extra',
          ]),
          '',
        );
      } else {
        const [analyzed] = await pool.query<Row[]>(
          `EXPLAIN ANALYZE ${c.query.sql}`,
          c.query.params,
        );
        details.push(
          'EXPLAIN ANALYZE:',
          '',
          '```',
          String(Object.values(analyzed[0] ?? {})[0]),
          '```',
          '',
        );
      }
    }
    out.push(
      '## Summary',
      '',
      ...summary,
      '',
      `Full scans of tasks: ${fullScans}.`,
      '',
      ...details,
    );
    writeFileSync('docs/explain-tasks.md', `${out.join('\n')}\n`);
    console.log(summary.join('\n'));
    if (fullScans > 0) process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
