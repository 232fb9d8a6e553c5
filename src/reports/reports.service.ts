import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors/domain-errors';
import { parseRfc3339 } from '../common/validators/is-rfc3339.validator';
import type { LocalDayBuckets } from '../tasks/reports/local-day-buckets';
import { TaskReportsService } from '../tasks/reports/task-reports.service';
import { UsersService } from '../users/users.service';
import { CompletionReportQuery, WorkloadReportQuery } from './dto/report.query';
import { CompletionReportDto, WorkloadRowDto } from './dto/report-response.dto';
import {
  bucketPlan,
  canonicalTimeZone,
  defaultFrom,
  MAX_BUCKETS,
  TooManyBucketsError,
} from './time-buckets';

/** The listing's `project_id` values as sorted unique ids (the DTO validated each). */
function projectIdsOf(query: WorkloadReportQuery): number[] | undefined {
  return query.project_id && [...new Set(query.project_id.map(Number))].sort((a, b) => a - b);
}

/**
 * The reports over the caller's visible tasks: the time buckets and the response shape here,
 * the counting in the tasks module (TaskReportsService), usernames from the users module.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly tasks: TaskReportsService,
    private readonly users: UsersService,
  ) {}

  async completion(
    userId: number,
    query: CompletionReportQuery,
    now = new Date(),
  ): Promise<CompletionReportDto> {
    const interval = query.interval ?? 'day';
    const tz = canonicalTimeZone(query.tz ?? 'UTC');
    // The DTO has validated both dates; parseRfc3339 cannot answer undefined for them.
    const to = query.to === undefined ? now : (parseRfc3339(query.to) as Date);
    const from =
      query.from === undefined ? defaultFrom(to, interval, tz) : (parseRfc3339(query.from) as Date);
    if (from.getTime() >= to.getTime()) {
      throw ValidationFailedError.forField(
        'from',
        query.to === undefined ? 'must be before to (default: now)' : 'must be before to',
      );
    }
    let buckets: LocalDayBuckets;
    try {
      buckets = bucketPlan(from, to, interval, tz);
    } catch (error) {
      if (!(error instanceof TooManyBucketsError)) throw error;
      throw ValidationFailedError.forField(
        'from',
        `from and to span more than ${MAX_BUCKETS} buckets of a ${interval}: shorten the range or choose a longer interval`,
      );
    }
    const counts = await this.tasks.completionCounts(userId, buckets, projectIdsOf(query));
    return {
      interval,
      tz,
      series: counts.created.map((created, i) => ({
        start: new Date(buckets.boundaries[i]).toISOString(),
        created,
        completed: counts.completed[i],
        completion_rate: created === 0 ? null : counts.completed[i] / created,
      })),
    };
  }

  /**
   * One row per assignee of the visible tasks, by username (then id), the unassigned row (if
   * any) last.
   */
  async workload(
    userId: number,
    query: WorkloadReportQuery,
    now = new Date(),
  ): Promise<WorkloadRowDto[]> {
    const rows = await this.tasks.workload(userId, now, projectIdsOf(query));
    const ids = rows.flatMap((r) => (r.assigneeId === null ? [] : [r.assigneeId]));
    const names = ids.length > 0 ? await this.users.usernamesByIds(ids) : new Map<number, string>();
    const result: WorkloadRowDto[] = rows.map((r) => {
      const username = r.assigneeId === null ? undefined : names.get(r.assigneeId);
      return {
        // A user deleted since the count leaves its tasks unassigned (ON DELETE SET NULL).
        assignee:
          r.assigneeId !== null && username !== undefined ? { id: r.assigneeId, username } : null,
        pending: r.pending,
        in_progress: r.inProgress,
        completed: r.completed,
        overdue: r.overdue,
      };
    });
    return mergeUnassigned(result).sort(compareRows);
  }
}

function compareRows(a: WorkloadRowDto, b: WorkloadRowDto): number {
  if (a.assignee === null || b.assignee === null) {
    return (a.assignee === null ? 1 : 0) - (b.assignee === null ? 1 : 0);
  }
  const x = a.assignee.username;
  const y = b.assignee.username;
  return x < y ? -1 : x > y ? 1 : a.assignee.id - b.assignee.id;
}

/** Sums the rows without an assignee into one. */
function mergeUnassigned(rows: WorkloadRowDto[]): WorkloadRowDto[] {
  const assigned = rows.filter((r) => r.assignee !== null);
  const unassigned = rows.filter((r) => r.assignee === null);
  if (unassigned.length <= 1) return rows;
  const sum = (key: 'pending' | 'in_progress' | 'completed' | 'overdue'): number =>
    unassigned.reduce((total, r) => total + r[key], 0);
  return [
    ...assigned,
    {
      assignee: null,
      pending: sum('pending'),
      in_progress: sum('in_progress'),
      completed: sum('completed'),
      overdue: sum('overdue'),
    },
  ];
}
