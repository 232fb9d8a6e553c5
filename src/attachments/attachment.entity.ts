import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A file attached to a task; its bytes are in the attachment storage under `storageKey`. */
@Entity({ name: 'attachments' })
export class Attachment {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'task_id', type: 'int', unsigned: true })
  taskId!: number;

  /** A plain file name (sanitizeFilename), never a path. */
  @Column({ type: 'varchar', length: 255 })
  filename!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 255, charset: 'ascii' })
  contentType!: string;

  /** BIGINT: mysql2 answers a string, the transformer makes it a number (sizes stay < 2^53). */
  @Column({
    type: 'bigint',
    unsigned: true,
    transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) },
  })
  size!: number;

  /** Lower-case hex. */
  @Column({ type: 'char', length: 64, charset: 'ascii', collation: 'ascii_bin' })
  sha256!: string;

  @Column({
    name: 'storage_key',
    type: 'varchar',
    length: 64,
    charset: 'ascii',
    collation: 'ascii_bin',
  })
  storageKey!: string;

  @Column({ name: 'uploaded_by', type: 'int', unsigned: true })
  uploadedBy!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
