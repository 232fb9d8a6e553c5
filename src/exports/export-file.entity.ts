import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExportFormat } from './export-job';

const JOB_ID = {
  name: 'job_id',
  type: 'varchar',
  length: 64,
  charset: 'ascii',
  collation: 'ascii_bin',
} as const;

/** A finished export: written after its last chunk, so its presence means "complete". */
@Entity({ name: 'export_files' })
export class ExportFile {
  @PrimaryColumn(JOB_ID)
  jobId!: string;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ type: 'varchar', length: 8, charset: 'ascii', collation: 'ascii_bin' })
  format!: ExportFormat;

  @Column({ name: 'row_count', type: 'int', unsigned: true })
  rowCount!: number;

  @Column({ name: 'chunk_count', type: 'int', unsigned: true })
  chunkCount!: number;

  /** BIGINT: mysql2 answers a string, the transformer makes it a number (files stay < 2^53). */
  @Column({
    name: 'byte_count',
    type: 'bigint',
    unsigned: true,
    transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) },
  })
  byteCount!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}

/** About 1 MiB of an export's bytes; `seq` counts from 0. */
@Entity({ name: 'export_file_chunks' })
export class ExportFileChunk {
  @PrimaryColumn(JOB_ID)
  jobId!: string;

  @PrimaryColumn({ type: 'int', unsigned: true })
  seq!: number;

  @Column({ type: 'mediumblob' })
  data!: Buffer;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}
