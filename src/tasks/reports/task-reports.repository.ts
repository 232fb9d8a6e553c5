import { Injectable } from '@nestjs/common';
import { ReadReplicas } from '../../read-replicas/read-replicas.service';
import type { HourlyKind } from '../read-models/hourly-counts.sql';
import type { Viewer } from '../listing/task-list-request';
import { buildCompletionCountsQuery } from './completion.sql';
import { CompletionCounts, foldCompletionRows, LocalDayBuckets } from './local-day-buckets';
import { reportParts } from './report-scope.sql';
import { buildWorkloadQuery } from './workload.sql';

/** One assignee's visible live tasks (assigneeId null: unassigned ones). */
export interface WorkloadRow {
  assigneeId: number | null;
  pending: number;
  inProgress: number;
  completed: number;
  overdue: number;
}

/**
 * The aggregate reads of the tasks table for reports, each over exactly the tasks the Viewer
 * may see (the listing's visibility parts), optionally within `projectIds`.
 */
@Injectable()
export class TaskReportsRepository {
  constructor(private readonly reads: ReadReplicas) {}

  async completionCounts(
    viewer: Viewer,
    projectIds: readonly number[] | undefined,
    buckets: LocalDayBuckets,
  ): Promise<CompletionCounts> {
    const query = buildCompletionCountsQuery(reportParts(viewer, projectIds), buckets);
    if (!query) return foldCompletionRows([], buckets);
    const rows = await this.reads.query<
      Array<{ kind: unknown; day: unknown; partial: unknown; n: unknown }>
    >(viewer.userId, query.sql, query.params);
    return foldCompletionRows(
      rows.map((row) => ({
        kind: Number(row.kind) as HourlyKind,
        day: Number(row.day),
        partial: Number(row.partial) === 1,
        n: Number(row.n),
      })),
      buckets,
    );
  }

  async workload(
    viewer: Viewer,
    projectIds: readonly number[] | undefined,
    now: Date,
  ): Promise<WorkloadRow[]> {
    const query = buildWorkloadQuery(reportParts(viewer, projectIds), now);
    if (!query) return [];
    const rows = await this.reads.query<
      Array<{
        assignee_id: unknown;
        pending: unknown;
        in_progress: unknown;
        completed: unknown;
        overdue: unknown;
      }>
    >(viewer.userId, query.sql, query.params);
    return rows.map((row) => ({
      assigneeId: row.assignee_id === null ? null : Number(row.assignee_id),
      pending: Number(row.pending),
      inProgress: Number(row.in_progress),
      completed: Number(row.completed),
      overdue: Number(row.overdue),
    }));
  }
}
