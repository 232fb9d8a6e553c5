import { Injectable } from '@nestjs/common';
import { ReadReplicas } from '../../read-replicas/read-replicas.service';
import type { Viewer } from '../listing/task-list-request';
import { buildCompletionCountsQuery, CompletionKind, LocalDayBuckets } from './completion.sql';
import { reportParts } from './report-scope.sql';
import { buildWorkloadQuery } from './workload.sql';

/** Tasks created and completed in each bucket (index i: [boundaries[i], boundaries[i + 1])). */
export interface CompletionCounts {
  created: number[];
  completed: number[];
}

/** One assignee's visible live tasks (assigneeId null: unassigned ones). */
export interface WorkloadRow {
  assigneeId: number | null;
  pending: number;
  inProgress: number;
  completed: number;
  overdue: number;
}

/** The bucket whose first day is the last at or before `day` (-1: before the first). */
function bucketOfDay(firstDays: readonly number[], day: number): number {
  let lo = 0;
  let hi = firstDays.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (firstDays[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
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
    const n = buckets.boundaries.length - 1;
    const counts = {
      created: new Array<number>(n).fill(0),
      completed: new Array<number>(n).fill(0),
    };
    const query = buildCompletionCountsQuery(reportParts(viewer, projectIds), buckets);
    if (!query) return counts;
    const rows = await this.reads.query<Array<{ kind: unknown; day: unknown; n: unknown }>>(
      viewer.userId,
      query.sql,
      query.params,
    );
    for (const row of rows) {
      const series =
        Number(row.kind) === CompletionKind.Created ? counts.created : counts.completed;
      const bucket = bucketOfDay(buckets.firstDays, Number(row.day));
      // The range conditions keep every row inside the buckets; the guard is for safety only.
      if (bucket >= 0 && bucket < n) series[bucket] += Number(row.n);
    }
    return counts;
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
