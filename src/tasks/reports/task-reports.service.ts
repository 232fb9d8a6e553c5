import { Injectable } from '@nestjs/common';
import { ProjectAccessService } from '../../projects/project-access.service';
import { loadViewer, Viewer } from '../listing/task-list-request';
import type { CompletionCounts, LocalDayBuckets } from './local-day-buckets';
import { TaskReportsRepository, WorkloadRow } from './task-reports.repository';

/**
 * Aggregates over the caller's visible tasks for the reports module, which owns the reports'
 * HTTP shape, time buckets and usernames; the SQL over `tasks` stays here, with its owner.
 */
@Injectable()
export class TaskReportsService {
  constructor(
    private readonly reports: TaskReportsRepository,
    private readonly projects: ProjectAccessService,
  ) {}

  /**
   * Visible tasks created and completed in each bucket (local dates in a time zone, see
   * LocalDayBuckets). `projectIds` narrows to those projects (ids the
   * caller cannot see match nothing, as in the listing).
   */
  async completionCounts(
    userId: number,
    buckets: LocalDayBuckets,
    projectIds?: readonly number[],
  ): Promise<CompletionCounts> {
    return this.reports.completionCounts(await this.viewer(userId), projectIds, buckets);
  }

  /** Visible live tasks per assignee, by status and overdue at `now`. */
  async workload(
    userId: number,
    now: Date,
    projectIds?: readonly number[],
  ): Promise<WorkloadRow[]> {
    return this.reports.workload(await this.viewer(userId), projectIds, now);
  }

  private viewer(userId: number): Promise<Viewer> {
    return loadViewer(this.projects, userId);
  }
}
