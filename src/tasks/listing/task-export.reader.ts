import { Injectable } from '@nestjs/common';
import { ReadReplicas } from '../../read-replicas/read-replicas.service';
import { ProjectAccessService } from '../../projects/project-access.service';
import type { ListTasksQuery } from '../dto/list-tasks.query';
import type { TaskResponseDto, TaskSqlRow } from '../dto/task-response.dto';
import { TaskLabelsService } from '../labels/task-labels.service';
import { loadViewer, parseListQuery, TaskListFilters, Viewer } from './task-list-request';
import { buildExportBatchQuery, ExportCursor } from './export.sql';
import { resolveLabelFilter } from './label-filter';
import { buildSourcesCountQuery, listingSources } from './listing.sql';

/** The listing filters of an export: the query of `GET /tasks` without paging. */
export type TaskExportFilters = Omit<ListTasksQuery, 'page' | 'page_size'>;

/** A row of an export batch: the task's columns, and the sort column for the keyset cursor. */
type ExportRow = TaskSqlRow & Record<string, unknown>;

/**
 * Reads every task the caller sees that matches the listing filters, in the listing's order, in
 * batches by keyset pagination: constant memory and constant work per batch even for a million
 * rows (an OFFSET would re-read every earlier row). Visibility is the listing's (the caller's
 * projects when the export starts, and its assigned tasks).
 */
@Injectable()
export class TaskExportReader {
  constructor(
    private readonly reads: ReadReplicas,
    private readonly projects: ProjectAccessService,
    private readonly labels: TaskLabelsService,
  ) {}

  /** The caller as the export sees it; pass the same one to `count` and `batches`. */
  viewer(userId: number): Promise<Viewer> {
    return loadViewer(this.projects, userId);
  }

  /** The number of rows `batches` will yield (the same viewer, filters and `now`). */
  async count(viewer: Viewer, query: TaskExportFilters, now: Date): Promise<number> {
    const filters = await this.filtersOf(viewer, query);
    const sql = buildSourcesCountQuery(listingSources(viewer, filters, now));
    if (!sql) return 0;
    const rows = await this.reads.query<Array<{ total: unknown }>>(viewer.userId, sql.sql, sql.params);
    return Number(rows[0]?.total ?? 0);
  }

  async *batches(
    viewer: Viewer,
    query: TaskExportFilters,
    now: Date,
    batchSize: number,
  ): AsyncGenerator<TaskResponseDto[]> {
    const filters = await this.filtersOf(viewer, query);
    let cursor: ExportCursor | null = null;
    for (;;) {
      const sql = buildExportBatchQuery(viewer, filters, now, cursor, batchSize);
      if (!sql) return;
      const rows = await this.reads.query<ExportRow[]>(viewer.userId, sql.sql, sql.params);
      if (rows.length === 0) return;
      yield await this.labels.rowsToResponses(rows);
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1];
      cursor = { sortValue: last[filters.sort], id: Number(last.id) };
    }
  }

  /** The parsed filters, the `label` filter resolved in the viewer's projects. */
  private filtersOf(viewer: Viewer, query: TaskExportFilters): Promise<TaskListFilters> {
    return resolveLabelFilter(this.labels, viewer, parseListQuery(query).filters);
  }
}
