import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's email switches; no row means every switch is on (the default). */
@Entity({ name: 'notification_settings' })
export class NotificationSettings {
  @PrimaryColumn({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ name: 'email_assigned', type: 'boolean' })
  emailAssigned!: boolean;

  @Column({ name: 'email_mentioned', type: 'boolean' })
  emailMentioned!: boolean;

  @Column({ name: 'email_commented', type: 'boolean' })
  emailCommented!: boolean;

  @Column({ name: 'email_due_soon', type: 'boolean' })
  emailDueSoon!: boolean;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
