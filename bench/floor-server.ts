/**
 * The "floor" of the benchmark: the two hot paths of the service written with bare libraries,
 * no framework, so that the report can say how much the service adds on top.
 *
 * - `GET /tasks/:id`: the same HS256 JWT verification (@nestjs/jwt, algorithm pinned, claims
 *   checked like the service), the same rate-limit round trip (FIXED_WINDOW_SCRIPT, per user),
 *   then a Redis GET of the cached task JSON (filled from MySQL on a miss) and the visibility
 *   check on it: the assignee, or a member of the task's project (a second Redis GET of the
 *   project's member ids, filled from MySQL on a miss), as the service checks it.
 * - `POST /tasks`: JWT + rate limit as above, the caller's inbox (remembered once read, as the
 *   service does), then one mysql2 transaction with the statements TasksService.create runs
 *   for a task without labels, built by the same functions: the project share-locked with the
 *   caller's role (PROJECT_WRITE_LOCK_SQL, editor or above, not archived), the INSERT into
 *   tasks (buildTaskInsert), its `task.created` row in task_events (buildEventsInsert), its
 *   activity entry (buildEntryInsert), its task_search row and task_search_buckets version
 *   (buildSearchWrites), its hourly counter (applyHourlyDeltas) and its task_counts cells
 *   (applyCountDeltas).
 *
 * Configured like the service (loadConfig: PORT, DB_*, REDIS_*, JWT_SECRET, RATE_LIMIT_PER_MINUTE).
 * Its Redis keys live under `<REDIS_KEY_PREFIX>benchfloor:`, apart from the service's own.
 * Started and stopped by bench/run.ts; `GET /health` answers 200 once MySQL and Redis answer.
 */
import { JwtService } from '@nestjs/jwt';
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { authUserFromClaims, jwtKey, jwtVerifyOptions } from '../src/auth/jwt-claims';
import { loadConfig, loadDotEnv, processEnv } from '../src/config/env';
import { FIXED_WINDOW_SCRIPT } from '../src/rate-limit/redis-throttler.storage';
import { openPool } from '../scripts/seed-support';
import { taskRowToResponse, TaskSqlRow } from '../src/tasks/dto/task-response.dto';
import { activityEntryOf } from '../src/activity/domain/activity-entry';
import { buildEntryInsert } from '../src/activity/entry.sql';
import { PROJECT_WRITE_LOCK_SQL } from '../src/projects/project-access.repository';
import { hasRole, roleFromCode } from '../src/projects/project-role';
import type { TaskFields } from '../src/tasks/domain/task.rules';
import type { TaskEvent } from '../src/tasks/events/task-event';
import { buildEventsInsert } from '../src/tasks/events/task-events.sql';
import { buildTaskInsert } from '../src/tasks/persistence/tasks.sql';
import { applyCountDeltas, countDeltas } from '../src/tasks/read-models/counts.sql';
import { applyHourlyDeltas, hourlyDeltas } from '../src/tasks/read-models/hourly-counts.sql';
import { buildSearchWrites } from '../src/tasks/read-models/search.sql';
import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  TaskPriority,
  TaskStatus,
} from '../src/tasks/domain/task.constants';

const WINDOW_MS = 60_000;
const CACHE_TTL_MS = 10 * 60_000;

type FloorRedis = Redis & {
  rateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
};

interface TaskRow extends RowDataPacket, TaskSqlRow {
  version: number;
}

interface CachedTask {
  version: number;
  task: Record<string, unknown> & {
    user_id: number;
    project_id: number;
    assignee_id: number | null;
  };
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toJson(row: TaskRow): CachedTask {
  return {
    version: row.version,
    // The floor models no labels: every task carries none.
    task: { ...taskRowToResponse(row, []) },
  };
}

function fail(reply: FastifyReply, status: number, code: string, error: string): FastifyReply {
  return reply.status(status).send({ error, code, request_id: reply.request.id });
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig(processEnv());
  const jwt = new JwtService({
    secret: jwtKey(config.jwt.secret),
    verifyOptions: jwtVerifyOptions(config.jwt),
  });
  const prefix = `${config.redis.keyPrefix}benchfloor:`;
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    password: config.redis.password,
    db: config.redis.db,
    keyPrefix: prefix,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true, // as the service's request client (RedisConnectionFactory)
  }) as FloorRedis;
  redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: FIXED_WINDOW_SCRIPT });
  // The service's pool size (database-options.ts), UTC like the app.
  const pool = openPool(config, 10);
  const inboxes = new Map<number, number>();

  const app = Fastify({ genReqId: () => randomUUID() });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });

  /** JWT verification and the per-user rate limit, as the service's two global guards do. */
  const authorize = async (request: FastifyRequest, reply: FastifyReply): Promise<number> => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    let userId: number | undefined;
    try {
      userId = token ? authUserFromClaims(jwt.verify(token))?.id : undefined;
    } catch {
      userId = undefined;
    }
    if (userId === undefined) {
      void fail(reply, 401, 'UNAUTHORIZED', 'missing or invalid access token');
      return 0;
    }
    const [hits, msToReset] = await redis.rateLimitHit(`rl:user:user:${userId}`, WINDOW_MS);
    const limit = config.rateLimit.perMinute;
    void reply
      .header('X-RateLimit-Limit', limit)
      .header('X-RateLimit-Remaining', Math.max(0, limit - Number(hits)))
      .header('X-RateLimit-Reset', Math.ceil(Number(msToReset) / 1000));
    if (Number(hits) > limit) {
      void fail(reply, 429, 'RATE_LIMITED', 'Rate limit exceeded');
      return 0;
    }
    return userId;
  };

  app.get('/health', async () => {
    await Promise.all([redis.ping(), pool.query('SELECT 1')]);
    return { status: 'ok' };
  });

  /** The project's member ids from Redis, filled from MySQL on a miss. */
  const isMember = async (projectId: number, userId: number): Promise<boolean> => {
    const key = `members:${projectId}`;
    let raw = await redis.get(key);
    if (raw === null) {
      const [rows] = await pool.query<RowDataPacket[]>(
        'SELECT user_id FROM project_members WHERE project_id = ?',
        [projectId],
      );
      raw = JSON.stringify(rows.map((r) => Number(r.user_id)));
      await redis.set(key, raw, 'PX', CACHE_TTL_MS);
    }
    return (JSON.parse(raw) as number[]).includes(userId);
  };

  app.get<{ Params: { id: string } }>('/tasks/:id', async (request, reply) => {
    const userId = await authorize(request, reply);
    if (userId === 0) return reply;
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id) || id < 1) return fail(reply, 400, 'VALIDATION_FAILED', 'id');
    const key = `task:${id}`;
    let cached: CachedTask | null = null;
    const raw = await redis.get(key);
    if (raw !== null) {
      cached = JSON.parse(raw) as CachedTask;
      void reply.header('X-Cache', 'HIT');
    } else {
      const [rows] = await pool.query<TaskRow[]>(
        'SELECT * FROM tasks WHERE id = ? AND deleted_at IS NULL',
        [id],
      );
      if (rows[0]) {
        cached = toJson(rows[0]);
        await redis.set(key, JSON.stringify(cached), 'PX', CACHE_TTL_MS);
      }
      void reply.header('X-Cache', 'MISS');
    }
    if (
      !cached ||
      (cached.task.assignee_id !== userId && !(await isMember(cached.task.project_id, userId)))
    ) {
      return fail(reply, 404, 'NOT_FOUND', 'Task not found');
    }
    return reply.header('ETag', `"${id}-${cached.version}"`).send(cached.task);
  });

  app.post<{ Body: Record<string, unknown> }>('/tasks', async (request, reply) => {
    const userId = await authorize(request, reply);
    if (userId === 0) return reply;
    const body = request.body ?? {};
    const title = typeof body.title === 'string' ? body.title.trim() : '';
    if (title.length < 1 || title.length > 200) {
      return fail(reply, 400, 'VALIDATION_FAILED', 'title');
    }
    const status = (TASK_STATUSES as readonly unknown[]).includes(body.status)
      ? (body.status as TaskStatus)
      : 'pending';
    const priority = (TASK_PRIORITIES as readonly unknown[]).includes(body.priority)
      ? (body.priority as TaskPriority)
      : 'medium';
    const description = typeof body.description === 'string' ? body.description : '';
    const dueDate = typeof body.due_date === 'string' ? new Date(body.due_date) : null;
    const now = new Date();
    const completedAt = status === 'completed' ? now : null;
    let projectId = inboxes.get(userId);
    if (projectId === undefined) {
      // Remembered once read, as ProjectAccessService.inboxOf does.
      const [inbox] = await pool.query<RowDataPacket[]>(
        'SELECT id FROM projects WHERE inbox_of = ?',
        [userId],
      );
      projectId = Number(inbox[0]?.id);
      inboxes.set(userId, projectId);
    }
    const fields: TaskFields = {
      title,
      description,
      status,
      priority,
      dueDate,
      assigneeId: null,
      completedAt,
      projectId,
    };
    const connection = await pool.getConnection();
    try {
      await connection.beginTransaction();
      // The project share-locked with the caller's role, checked as TasksService checks it.
      const [projects] = await connection.query<RowDataPacket[]>(PROJECT_WRITE_LOCK_SQL, [
        userId,
        projectId,
      ]);
      const project = projects[0];
      if (
        !project ||
        project.role === null ||
        !hasRole(roleFromCode(Number(project.role)), 'editor')
      ) {
        await connection.rollback();
        return fail(reply, 404, 'NOT_FOUND', 'Project not found');
      }
      if (project.archived_at !== null) {
        await connection.rollback();
        return fail(reply, 409, 'CONFLICT', 'Project is archived');
      }
      const insert = buildTaskInsert(userId, fields, now);
      const [result] = await connection.query<ResultSetHeader>(insert.sql, insert.params);
      const task = {
        id: result.insertId,
        title,
        description,
        status,
        priority,
        user_id: userId,
        project_id: projectId,
        assignee_id: null,
        labels: [],
        due_date: iso(dueDate),
        completed_at: iso(completedAt),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      // Its task.created outbox row and activity entry, with the statements the service runs.
      const events: TaskEvent[] = [
        {
          type: 'task.created',
          taskId: task.id,
          actorId: userId,
          occurredAt: now,
          before: null,
          after: task,
        },
      ];
      const eventsInsert = buildEventsInsert(events);
      await connection.query(eventsInsert.sql, eventsInsert.params);
      const entry = activityEntryOf(events);
      if (entry) {
        const entryInsert = buildEntryInsert(entry);
        await connection.query(entryInsert.sql, entryInsert.params);
      }
      // The task's task_search row and its bucket's version, with the statements
      // TaskSearchService runs (an INSERT and an upsert).
      for (const write of buildSearchWrites(null, task)) {
        await connection.query(write.sql, write.params);
      }
      // Its counters, as TaskCountsService.apply moves them: the hourly counter, then the cells.
      const run = async (sql: string, params: unknown[]): Promise<unknown> =>
        (await connection.query(sql, params))[0];
      await applyHourlyDeltas(run, hourlyDeltas(null, task));
      await applyCountDeltas(run, countDeltas(null, task));
      await connection.commit();
      return reply
        .status(201)
        .header('Location', `/api/v1/tasks/${task.id}`)
        .header('ETag', `"${task.id}-1"`)
        .send(task);
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  });

  const close = (): void => {
    app
      .close()
      .then(() => Promise.all([pool.end(), redis.quit()]))
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen({ port: config.port, host: '127.0.0.1' });
  console.log(`floor listening on ${config.port}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
