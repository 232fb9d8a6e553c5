import type TestAgent from 'supertest/lib/agent';
import type { DataSource } from 'typeorm';
import { buildCountsRecount } from '../../src/tasks/read-models/counts.sql';
import { buildSearchRebuild } from '../../src/tasks/read-models/search.sql';
import type { Session } from './factories';

export const TASKS = '/api/v1/tasks';

/**
 * Limits high enough that the task specs, which send many requests per user and sign up many
 * users from one IP, measure tasks and not the rate limiter (tested in its own spec).
 */
export const NO_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
};

export interface TaskJson {
  id: number;
  title: string;
  description: string;
  status: 'pending' | 'in_progress' | 'completed';
  priority: 'low' | 'medium' | 'high';
  user_id: number;
  project_id: number;
  assignee_id: number | null;
  labels: Array<{ id: number; name: string; color: string }>;
  due_date: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

export const TASK_KEYS = [
  'assignee_id',
  'completed_at',
  'created_at',
  'description',
  'due_date',
  'id',
  'labels',
  'priority',
  'project_id',
  'status',
  'title',
  'updated_at',
  'user_id',
];

let sequence = 0;

/** Creates a task owned by `owner` (201 expected) and returns its JSON. */
export async function createTask(
  http: TestAgent,
  owner: Session,
  body: Record<string, unknown> = {},
): Promise<TaskJson> {
  sequence += 1;
  const res = await http
    .post(TASKS)
    .set(owner.auth)
    .send({ title: `task ${sequence}`, ...body });
  if (res.status !== 201) {
    throw new Error(`create task: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as TaskJson;
}

/** The field names of a 400's `details`. */
export function detailFields(body: { details?: Array<{ field: string }> }): string[] {
  return [...new Set((body.details ?? []).map((d) => d.field))];
}

/** The URL of `rel` in a Link header, or undefined. */
export function linkUrl(header: string | undefined, rel: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m && m[2] === rel) return m[1];
  }
  return undefined;
}

/** The id of the user's inbox (its private project). */
export async function inboxOf(ds: DataSource, userId: number): Promise<number> {
  const rows = await ds.query<Array<{ id: number }>>('SELECT id FROM projects WHERE inbox_of = ?', [
    userId,
  ]);
  if (!rows[0]) throw new Error(`user ${userId} has no inbox`);
  return Number(rows[0].id);
}

/**
 * Recounts the projects' task_counts after a spec inserted tasks by SQL, bypassing the service
 * that keeps them; otherwise X-Total-Count would drift. Nothing else may write their tasks
 * meanwhile.
 */
export async function recountTaskCounts(ds: DataSource, projectIds: number[]): Promise<void> {
  await ds.transaction(async (manager) => {
    for (const id of projectIds) {
      for (const query of buildCountsRecount(id, id)) await manager.query(query.sql, query.params);
    }
  });
}

/**
 * Rebuilds the projects' task_search rows after a spec inserted tasks by SQL, bypassing the
 * service that keeps them; otherwise `q` would not find those tasks. Nothing else may write their
 * tasks meanwhile.
 */
export async function rebuildTaskSearch(ds: DataSource, projectIds: number[]): Promise<void> {
  await ds.transaction(async (manager) => {
    for (const id of projectIds) {
      for (const query of buildSearchRebuild(id, id)) await manager.query(query.sql, query.params);
    }
  });
}
