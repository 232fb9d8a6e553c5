import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A project (CreateProjects migration). `inboxOf` is set on a user's inbox only. `accessVersion`
 * grows with every change of who may see the project and versions its cached access entry.
 */
@Entity({ name: 'projects' })
export class Project {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'owner_id', type: 'int', unsigned: true })
  ownerId!: number;

  @Column({ name: 'inbox_of', type: 'int', unsigned: true, nullable: true })
  inboxOf!: number | null;

  @Column({ name: 'member_count', type: 'int', unsigned: true })
  memberCount!: number;

  @Column({ name: 'access_version', type: 'int', unsigned: true })
  accessVersion!: number;

  @Column({ name: 'archived_at', type: 'datetime', precision: 3, nullable: true })
  archivedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;
}
