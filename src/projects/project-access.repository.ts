import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ProjectRole, roleFromCode } from './project-role';

/** One of a user's live projects and the user's role in it. */
export interface Membership {
  projectId: number;
  role: ProjectRole;
  archived: boolean;
  inbox: boolean;
}

/** A live project as a task write needs it, with the writer's role (null: not a member). */
export interface ProjectForWrite {
  projectId: number;
  archived: boolean;
  inboxOf: number | null;
  role: ProjectRole | null;
}

/** Who may see a project, as the shared access cache stores it. */
export interface ProjectAccessEntry {
  /** user id → role code. */
  roles: Record<string, number>;
}

type Runner = Pick<EntityManager, 'query'>;

/**
 * The live project (id, archived_at, inbox_of) and the writer's role in it (null: not a
 * member), the project row share-locked; parameters: user id, project id. Exported for the
 * create floor (bench/floor-server.ts), which checks access with the same statement.
 */
export const PROJECT_WRITE_LOCK_SQL =
  'SELECT p.id, p.archived_at, p.inbox_of, pm.role FROM projects p ' +
  'LEFT JOIN project_members pm ON pm.project_id = p.id AND pm.user_id = ? ' +
  'WHERE p.id = ? AND p.deleted_at IS NULL LOCK IN SHARE MODE';

/**
 * The reads of `projects` and `project_members` that decide access to tasks. Every task read
 * and write resolves the caller's memberships through here, so they are primary-key range
 * reads: a user's memberships are one range of project_members' primary key.
 */
@Injectable()
export class ProjectAccessRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async memberships(userId: number, runner: Runner = this.dataSource): Promise<Membership[]> {
    const rows = await runner.query<
      Array<{ project_id: number; role: number; archived_at: Date | null; inbox_of: number | null }>
    >(
      `SELECT pm.project_id, pm.role, p.archived_at, p.inbox_of
         FROM project_members pm JOIN projects p ON p.id = pm.project_id
        WHERE pm.user_id = ? AND p.deleted_at IS NULL
        ORDER BY pm.project_id`,
      [userId],
    );
    return rows.map((row) => ({
      projectId: Number(row.project_id),
      role: roleFromCode(Number(row.role)),
      archived: row.archived_at !== null,
      inbox: row.inbox_of !== null,
    }));
  }

  /**
   * The live project with the writer's role, the project row share-locked until the
   * transaction ends: archiving, deleting or changing the members of the project (which all
   * update that row) waits for the task writes in flight, and a task write started after them
   * sees their result.
   */
  async lockForTaskWrite(
    manager: EntityManager,
    projectId: number,
    userId: number,
  ): Promise<ProjectForWrite | null> {
    const rows = await manager.query<
      Array<{ id: number; archived_at: Date | null; inbox_of: number | null; role: number | null }>
    >(PROJECT_WRITE_LOCK_SQL, [userId, projectId]);
    const row = rows[0];
    if (!row) return null;
    return {
      projectId: Number(row.id),
      archived: row.archived_at !== null,
      inboxOf: row.inbox_of === null ? null : Number(row.inbox_of),
      role: row.role === null ? null : roleFromCode(Number(row.role)),
    };
  }

  async inboxOf(userId: number, runner: Runner = this.dataSource): Promise<number | null> {
    const rows = await runner.query<Array<{ id: number }>>(
      'SELECT id FROM projects WHERE inbox_of = ?',
      [userId],
    );
    return rows[0] ? Number(rows[0].id) : null;
  }

  /** The members of a live project (none for a deleted one). */
  async memberIds(projectId: number, runner: Runner = this.dataSource): Promise<number[]> {
    const rows = await runner.query<Array<{ user_id: number }>>(
      `SELECT pm.user_id FROM project_members pm JOIN projects p ON p.id = pm.project_id
        WHERE pm.project_id = ? AND p.deleted_at IS NULL`,
      [projectId],
    );
    return rows.map((row) => Number(row.user_id));
  }

  /**
   * The access entry of a live project and its version (one statement, so one snapshot: the
   * version belongs to the members read); null for a deleted or unknown project.
   */
  async loadAccessEntry(
    projectId: number,
  ): Promise<{ value: ProjectAccessEntry; version: number } | null> {
    const rows = await this.dataSource.query<
      Array<{ access_version: number; user_id: number | null; role: number | null }>
    >(
      `SELECT p.access_version, pm.user_id, pm.role
         FROM projects p LEFT JOIN project_members pm ON pm.project_id = p.id
        WHERE p.id = ? AND p.deleted_at IS NULL`,
      [projectId],
    );
    if (rows.length === 0) return null;
    const roles: Record<string, number> = {};
    for (const row of rows) if (row.user_id !== null) roles[String(row.user_id)] = Number(row.role);
    return { value: { roles }, version: Number(rows[0].access_version) };
  }
}
