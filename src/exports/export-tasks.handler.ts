import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JobHandlerInstance, PermanentJobError } from '../jobs/job-handler';
import { TaskExportReader } from '../tasks/listing/task-export.reader';
import { ChunkWriter } from './chunk-writer';
import { encoderFor } from './export-encoder';
import { ExportFilesRepository } from './export-files.repository';
import { EXPORT_FORMATS, EXPORT_RESULT_TTL_MS, ExportTasksPayload } from './export-job';

/** Rows read per query (keyset pagination). */
export const EXPORT_BATCH_SIZE = 1000;
/** Stored chunk size; a chunk row stays far below MEDIUMBLOB's 16 MiB and max_allowed_packet. */
export const EXPORT_CHUNK_BYTES = 1024 * 1024;
/**
 * Chunks of an unfinished export expire this long after the result would: if the job dies for
 * good, the purge removes them; on completion they take the file's expiry.
 */
const UNFINISHED_GRACE_MS = 24 * 60 * 60 * 1000;

declare module '../jobs/job-registry' {
  interface JobPayloads {
    /** Export the caller's visible tasks matching the filters to a CSV or JSON file. */
    'exports.tasks': ExportTasksPayload;
  }
}

export interface ExportTasksResult {
  rows: number;
  bytes: number;
}

/**
 * Writes the caller's visible tasks matching the filters to a CSV or JSON file stored in MySQL
 * in chunks, reading in keyset batches: memory stays constant whatever the number of rows.
 * Idempotent: every attempt first deletes what an earlier attempt of the same job stored.
 */
@Injectable()
@JobHandler('exports.tasks')
export class ExportTasksHandler implements JobHandlerInstance<'exports.tasks'> {
  private readonly logger = new Logger(ExportTasksHandler.name);

  constructor(
    private readonly reader: TaskExportReader,
    private readonly files: ExportFilesRepository,
  ) {}

  async handle(job: Job<ExportTasksPayload>): Promise<ExportTasksResult> {
    const jobId = job.id;
    const { userId, format, filters } = job.data;
    if (!jobId) throw new PermanentJobError('export job without an id');
    if (!EXPORT_FORMATS.includes(format)) {
      throw new PermanentJobError(`unknown export format ${String(format)}`);
    }
    // Housekeeping rides on the exports themselves: expired files of anyone go first, so the
    // tables hold at most about a day of exports.
    const purged = await this.files.purgeExpired(new Date());
    if (purged > 0) this.logger.log(`Purged ${purged} expired export rows`);

    await this.files.deleteJob(jobId);
    try {
      return await this.write(job, jobId, userId, format, filters);
    } catch (error) {
      // Whether or not it is retried, the partial file is useless (a retry starts over).
      await this.files.deleteJob(jobId).catch((cleanupError: unknown) => {
        this.logger.warn({ err: cleanupError, jobId }, 'Could not delete a partial export');
      });
      throw error;
    }
  }

  private async write(
    job: Job<ExportTasksPayload>,
    jobId: string,
    userId: number,
    format: ExportTasksPayload['format'],
    filters: ExportTasksPayload['filters'],
  ): Promise<ExportTasksResult> {
    // "Now" of the request, not of this attempt: `overdue` means the same on every retry.
    const asOf = new Date(job.timestamp);
    const viewer = await this.reader.viewer(userId);
    const total = await this.reader.count(viewer, filters, asOf);
    const startedAt = new Date();
    const chunkExpiry = new Date(startedAt.getTime() + EXPORT_RESULT_TTL_MS + UNFINISHED_GRACE_MS);
    const writer = new ChunkWriter(EXPORT_CHUNK_BYTES, (seq, data) =>
      this.files.insertChunk(jobId, seq, data, new Date(), chunkExpiry),
    );
    const encoder = encoderFor(format);

    await job.updateProgress(0);
    let rows = 0;
    let reported = 0;
    await writer.write(encoder.head());
    for await (const batch of this.reader.batches(viewer, filters, asOf, EXPORT_BATCH_SIZE)) {
      for (const task of batch) {
        await writer.write(encoder.item(task, rows));
        rows += 1;
      }
      // 100 is kept for "stored and complete"; rows added since the count can exceed it.
      const percent = total === 0 ? 99 : Math.min(99, Math.floor((rows * 100) / total));
      if (percent > reported) {
        reported = percent;
        await job.updateProgress(percent);
      }
    }
    await writer.write(encoder.tail());
    await writer.flush();

    const finishedAt = new Date();
    await this.files.complete({
      jobId,
      userId,
      format,
      rowCount: rows,
      chunkCount: writer.chunkCount,
      byteCount: writer.byteCount,
      createdAt: finishedAt,
      expiresAt: new Date(finishedAt.getTime() + EXPORT_RESULT_TTL_MS),
    });
    await job.updateProgress(100);
    this.logger.log(
      { jobId, userId, format, rows, bytes: writer.byteCount },
      `Export ${jobId} stored: ${rows} tasks`,
    );
    return { rows, bytes: writer.byteCount };
  }
}
