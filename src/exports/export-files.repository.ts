import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ExportFile, ExportFileChunk } from './export-file.entity';

/** Rows one purge statement deletes at most, so that a purge never holds long locks. */
const PURGE_BATCH = 500;
/** Purge statements per call at most: the rest waits for the next export. */
const PURGE_ROUNDS = 20;

/** Stored export results: the chunks of the file and, once complete, its manifest row. */
@Injectable()
export class ExportFilesRepository {
  constructor(
    @InjectRepository(ExportFile) private readonly files: Repository<ExportFile>,
    @InjectRepository(ExportFileChunk) private readonly chunks: Repository<ExportFileChunk>,
  ) {}

  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.files.manager.transaction(work);
  }

  /** Removes everything a job stored so far (a retried attempt starts from nothing). */
  async deleteJob(jobId: string): Promise<void> {
    await this.files.delete({ jobId });
    await this.chunks.delete({ jobId });
  }

  async insertChunk(jobId: string, seq: number, data: Buffer, now: Date, expiresAt: Date) {
    await this.chunks.insert({ jobId, seq, data, createdAt: now, expiresAt });
  }

  /**
   * Marks the export complete: its chunks get the file's expiry and the manifest row appears,
   * in one transaction, so a reader never sees a manifest whose chunks could expire first.
   */
  async complete(file: ExportFile): Promise<void> {
    await this.inTransaction(async (manager) => {
      await manager.update(ExportFileChunk, { jobId: file.jobId }, { expiresAt: file.expiresAt });
      await manager.insert(ExportFile, file);
    });
  }

  /** The caller's complete, unexpired export of this job, or null. */
  findLiveFile(userId: number, jobId: string, now: Date): Promise<ExportFile | null> {
    return this.files
      .createQueryBuilder('f')
      .where('f.job_id = :jobId AND f.user_id = :userId AND f.expires_at > :now', {
        jobId,
        userId,
        now,
      })
      .getOne();
  }

  async readChunk(jobId: string, seq: number): Promise<Buffer | null> {
    const chunk = await this.chunks.findOne({ where: { jobId, seq }, select: ['data'] });
    return chunk ? chunk.data : null;
  }

  /** Deletes expired files and chunks in bounded batches; returns the rows deleted. */
  async purgeExpired(now: Date): Promise<number> {
    let deleted = 0;
    for (const table of ['export_files', 'export_file_chunks']) {
      for (let round = 0; round < PURGE_ROUNDS; round += 1) {
        const result = await this.files.manager.query<{ affectedRows?: number }>(
          `DELETE FROM ${table} WHERE expires_at <= ? LIMIT ${PURGE_BATCH}`,
          [now],
        );
        const affected = Number(result.affectedRows ?? 0);
        deleted += affected;
        if (affected < PURGE_BATCH) break;
      }
    }
    return deleted;
  }
}
