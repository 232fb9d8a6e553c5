import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { IdempotencyService, IdempotentResult } from '../idempotency/idempotency.service';
import { JobsService } from '../jobs/jobs.service';
import { CreateExportDto } from './dto/create-export.dto';
import { ExportFilesRepository } from './export-files.repository';
import {
  EXPORT_CONTENT_TYPES,
  EXPORT_JOB_ID_PREFIX,
  exportFileName,
  JOBS_PATH,
} from './export-job';
import { ExportResultNotFoundError, JobNotCompletedError } from './export.errors';
import { JobStatusService } from './job-status.service';

/** The idempotency operation name of an export request (a key reused elsewhere is a mismatch). */
const EXPORT_OPERATION = 'POST /tasks/export';

export interface ExportDownload {
  fileName: string;
  contentType: string;
  length: number;
  stream: Readable;
}

@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly jobs: JobsService,
    private readonly jobStatus: JobStatusService,
    private readonly files: ExportFilesRepository,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Queues an export of the caller's visible tasks: 202 with the job's Location. With an
   * Idempotency-Key the answer is stored once the job is queued and replayed to retries.
   */
  request(
    userId: number,
    dto: CreateExportDto,
    idempotencyKey?: string,
  ): Promise<IdempotentResult> {
    const request = idempotencyKey
      ? { userId, key: idempotencyKey, operation: EXPORT_OPERATION, payload: dto }
      : undefined;
    return this.idempotency.execute(request, async (complete) => {
      const { format, ...filters } = dto;
      const jobId = `${EXPORT_JOB_ID_PREFIX}${randomUUID()}`;
      // Queued first, stored second: a stored answer always names a job that exists. If the
      // store fails, the client retries with the same key and a second job is queued; the
      // first one then only produces a file nobody downloads, which expires.
      await this.jobs.enqueue('exports.tasks', { userId, format, filters }, { jobId });
      const response = {
        status: 202,
        body: { job_id: jobId },
        headers: { Location: `${JOBS_PATH}/${jobId}` },
      };
      await this.files.inTransaction((manager) => complete(manager, response));
      this.logger.log({ userId, jobId, format }, 'Export queued');
      return response;
    });
  }

  /**
   * The finished file, streamed chunk by chunk from MySQL (any instance can serve it). 409
   * while the job has not completed; 404 for another user's job, an unknown one, or an
   * expired result.
   */
  async download(userId: number, jobId: string): Promise<ExportDownload> {
    const file = await this.files.findLiveFile(userId, jobId, new Date());
    if (!file) {
      const { state } = await this.jobStatus.findOwned(userId, jobId);
      if (state !== 'completed') throw new JobNotCompletedError(state);
      throw new ExportResultNotFoundError();
    }
    const { files } = this;
    const { chunkCount } = file;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let seq = 0; seq < chunkCount; seq += 1) {
        const data = await files.readChunk(jobId, seq);
        // Purged mid-download (it expired): cut the response short rather than send a hole.
        if (!data) throw new ExportResultNotFoundError();
        yield data;
      }
    }
    return {
      fileName: exportFileName(jobId, file.format),
      contentType: EXPORT_CONTENT_TYPES[file.format],
      length: file.byteCount,
      stream: Readable.from(chunks()),
    };
  }
}
