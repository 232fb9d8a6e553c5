import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A user's subscription: task events of the tasks they can see, POSTed to `url`. */
@Entity({ name: 'webhooks' })
export class Webhook {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Subscribed event types, comma-separated. */
  @Column({
    type: 'varchar',
    length: 255,
    charset: 'ascii',
    collation: 'ascii_bin',
    transformer: {
      to: (value: string[]) => value.join(','),
      from: (value: string) => (value ? value.split(',') : []),
    },
  })
  events!: string[];

  /** Stored as given (HMAC needs the secret itself, not a hash of it). */
  @Column({ type: 'varchar', length: 255 })
  secret!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'consecutive_failures', type: 'int', unsigned: true })
  consecutiveFailures!: number;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 255, nullable: true })
  disabledReason!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event for one webhook; its body is fixed at creation so every retry sends the same bytes. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDelivery {
  @PrimaryColumn({ type: 'char', length: 36, charset: 'ascii', collation: 'ascii_bin' })
  id!: string;

  @Column({ name: 'webhook_id', type: 'int', unsigned: true })
  webhookId!: number;

  @Column({ name: 'event_id', type: 'bigint', unsigned: true })
  eventId!: string;

  @Column({ name: 'task_id', type: 'int', unsigned: true })
  taskId!: number;

  @Column({
    name: 'event_type',
    type: 'varchar',
    length: 32,
    charset: 'ascii',
    collation: 'ascii_bin',
  })
  eventType!: string;

  /** The exact JSON body POSTed (and signed) on every attempt. */
  @Column({ type: 'mediumtext' })
  body!: string;

  @Column({ type: 'varchar', length: 16, charset: 'ascii', collation: 'ascii_bin' })
  status!: DeliveryStatus;

  @Column({ type: 'int', unsigned: true })
  attempts!: number;

  @Column({ name: 'response_status', type: 'smallint', unsigned: true, nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1024, nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'datetime', precision: 3, nullable: true })
  deliveredAt!: Date | null;
}
