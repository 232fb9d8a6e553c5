import type { TaskExportFilters } from '../tasks/listing/task-export.reader';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Payload of the `exports.tasks` job (export-tasks.handler.ts). */
export interface ExportTasksPayload {
  /** The owner of the job: only this user may see it and download its result. */
  userId: number;
  format: ExportFormat;
  /** The validated listing filters of the request (as `GET /tasks` takes them, no paging). */
  filters: TaskExportFilters;
}

/** Export job ids are `export-<uuid>`: opaque, unguessable, and they name the job's queue. */
export const EXPORT_JOB_ID_PREFIX = 'export-';

/** How long a finished export stays downloadable. */
export const EXPORT_RESULT_TTL_MS = 24 * 60 * 60 * 1000;

export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function exportFileName(jobId: string, format: ExportFormat): string {
  return `tasks-${jobId}.${format}`;
}

/** Public path of a job resource: the global prefix + `jobs/{id}`. */
export const JOBS_PATH = '/api/v1/jobs';
