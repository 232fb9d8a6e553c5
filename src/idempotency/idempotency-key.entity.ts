import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type IdempotencyState = 'in_flight' | 'completed';

/**
 * One claimed `Idempotency-Key` of one user: the hash of the request it was first used with and,
 * once that request committed, the response to replay. Rows past `expires_at` count as absent.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKey {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({
    name: 'idem_key',
    type: 'varchar',
    length: 255,
    charset: 'ascii',
    collation: 'ascii_bin',
  })
  key!: string;

  @Column({
    name: 'request_hash',
    type: 'char',
    length: 64,
    charset: 'ascii',
    collation: 'ascii_bin',
  })
  requestHash!: string;

  /** Random per claim; completing or releasing a claim checks it, so a taken-over claim fails. */
  @Column({
    name: 'claim_token',
    type: 'char',
    length: 36,
    charset: 'ascii',
    collation: 'ascii_bin',
  })
  claimToken!: string;

  @Column({ type: 'varchar', length: 16, charset: 'ascii', collation: 'ascii_bin' })
  state!: IdempotencyState;

  @Column({ name: 'response_status', type: 'smallint', unsigned: true, nullable: true })
  responseStatus!: number | null;

  /** JSON object of the response headers to replay (Location, ETag…). */
  @Column({ name: 'response_headers', type: 'text', nullable: true })
  responseHeaders!: string | null;

  /** JSON of the response body. */
  @Column({ name: 'response_body', type: 'mediumtext', nullable: true })
  responseBody!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}
