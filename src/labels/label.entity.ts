import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A label of a project (CreateLabels migration). The table also has `name_key`, the lower-cased
 * name that the unique index and the listing's `label` filter compare; MariaDB computes it, so
 * it is not mapped here. The `label_versions` table (one row per project) is this module's too.
 */
@Entity({ name: 'labels' })
export class Label {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'project_id', type: 'int', unsigned: true })
  projectId!: number;

  @Column({ type: 'varchar', length: 50 })
  name!: string;

  @Column({ type: 'char', length: 7 })
  color!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
