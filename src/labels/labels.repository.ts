import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { placeholders } from '../common/database/sql';
import { Label } from './label.entity';
import { LABEL_ORDER_SQL, LabelRecord } from './label-set';
import type { Versioned } from '../cache/versioned-cache';
import type { LabelSet } from './label-set';

type Runner = Pick<EntityManager, 'query'>;

interface LabelSqlRow {
  id: number;
  project_id: number;
  name: string;
  color: string;
  created_at: Date;
}

const COLUMNS = 'id, project_id, name, color, created_at';

function recordOf(row: LabelSqlRow): LabelRecord {
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    name: row.name,
    color: row.color,
    createdAt: row.created_at.toISOString(),
  };
}

/** MySQL ER_DUP_ENTRY: here only the unique (project_id, name_key) index can raise it. */
export function isDuplicateKey(error: unknown): boolean {
  const e = error as { errno?: unknown; driverError?: { errno?: unknown } } | null;
  return e?.errno === 1062 || e?.driverError?.errno === 1062;
}

/** The labels and label_versions tables. */
@Injectable()
export class LabelsRepository {
  constructor(@InjectRepository(Label) private readonly labels: Repository<Label>) {}

  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.labels.manager.transaction(work);
  }

  /**
   * The project's labels and its label version, in one statement (one consistent snapshot, so
   * the version is the list's). Version 0 and no labels for a project that never had any.
   */
  async loadSet(
    projectId: number,
    runner: Runner = this.labels.manager,
  ): Promise<Versioned<LabelSet>> {
    const rows = await runner.query<Array<LabelSqlRow & { version: number; id: number | null }>>(
      `SELECT v.version, l.id, l.project_id, l.name, l.color, l.created_at
         FROM label_versions v
         LEFT JOIN labels l ON l.project_id = v.project_id
        WHERE v.project_id = ?
        ORDER BY l.name, l.id`,
      [projectId],
    );
    if (rows.length === 0) return { version: 0, value: { labels: [] } };
    return {
      version: Number(rows[0].version),
      value: { labels: rows.filter((row) => row.id !== null).map(recordOf) },
    };
  }

  async findById(id: number): Promise<LabelRecord | null> {
    const rows = await this.labels.query<LabelSqlRow[]>(
      `SELECT ${COLUMNS} FROM labels WHERE id = ?`,
      [id],
    );
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /** The label, locked for a change or its deletion until the transaction ends. */
  async lockById(manager: EntityManager, id: number): Promise<LabelRecord | null> {
    const rows = await manager.query<LabelSqlRow[]>(
      `SELECT ${COLUMNS} FROM labels WHERE id = ? FOR UPDATE`,
      [id],
    );
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /**
   * Those of `ids` that are labels of the project, by name, share-locked until the transaction
   * ends: a label a task is being given cannot be deleted before the task's write commits.
   */
  async lockInProject(
    manager: EntityManager,
    projectId: number,
    ids: readonly number[],
  ): Promise<LabelRecord[]> {
    if (ids.length === 0) return [];
    const rows = await manager.query<LabelSqlRow[]>(
      `SELECT ${COLUMNS} FROM labels WHERE project_id = ? AND id IN (${placeholders(ids.length)})
        ${LABEL_ORDER_SQL} LOCK IN SHARE MODE`,
      [projectId, ...ids],
    );
    return rows.map(recordOf);
  }

  /** The labels of `ids` (those that still exist), by name: one query for a page of tasks. */
  async findByIds(
    ids: readonly number[],
    runner: Runner = this.labels.manager,
  ): Promise<LabelRecord[]> {
    if (ids.length === 0) return [];
    const rows = await runner.query<LabelSqlRow[]>(
      `SELECT ${COLUMNS} FROM labels WHERE id IN (${placeholders(ids.length)}) ${LABEL_ORDER_SQL}`,
      [...ids],
    );
    return rows.map(recordOf);
  }

  /**
   * The labels of the projects whose name is one of `names`, case-insensitively (the same
   * LOWER() as the stored `name_key`): one range of the unique (project_id, name_key) index
   * per project and name.
   */
  async findByNames(
    projectIds: readonly number[],
    names: readonly string[],
  ): Promise<Array<{ id: number; projectId: number; key: string }>> {
    if (projectIds.length === 0 || names.length === 0) return [];
    const rows = await this.labels.query<
      Array<{ id: number; project_id: number; key: string; name: string }>
    >(
      `SELECT l.id, l.project_id, n.name AS \`key\`
         FROM (${names.map(() => 'SELECT ? AS name').join(' UNION ALL ')}) n
         JOIN labels l ON l.name_key = LOWER(n.name) COLLATE utf8mb4_bin
        WHERE l.project_id IN (${placeholders(projectIds.length)})`,
      [...names, ...projectIds],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      projectId: Number(row.project_id),
      key: row.key,
    }));
  }

  async insert(
    manager: EntityManager,
    fields: { projectId: number; name: string; color: string },
    now: Date,
  ): Promise<number> {
    const result = await manager.insert(Label, { ...fields, createdAt: now });
    return Number(result.identifiers[0].id);
  }

  async update(
    manager: EntityManager,
    id: number,
    changes: Partial<Pick<Label, 'name' | 'color'>>,
  ): Promise<void> {
    await manager.update(Label, { id }, changes);
  }

  async delete(manager: EntityManager, id: number): Promise<void> {
    await manager.delete(Label, { id });
  }

  /** Grows the project's label version (creating it at 1); the row stays locked until commit. */
  async bumpVersion(manager: EntityManager, projectId: number): Promise<void> {
    await manager.query(
      `INSERT INTO label_versions (project_id, version) VALUES (?, 1)
       ON DUPLICATE KEY UPDATE version = version + 1`,
      [projectId],
    );
  }
}
