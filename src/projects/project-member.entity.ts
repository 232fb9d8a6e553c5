import { Column, Entity, PrimaryColumn, ValueTransformer } from 'typeorm';
import { ProjectRole, roleCode, roleFromCode } from './project-role';

const roleTransformer: ValueTransformer = {
  to: (value: ProjectRole | undefined) => (value === undefined ? undefined : roleCode(value)),
  from: (value: number) => roleFromCode(Number(value)),
};

/** A user's role in a project (CreateProjects migration). */
@Entity({ name: 'project_members' })
export class ProjectMember {
  @PrimaryColumn({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @PrimaryColumn({ name: 'project_id', type: 'int', unsigned: true })
  projectId!: number;

  @Column({ type: 'tinyint', unsigned: true, transformer: roleTransformer })
  role!: ProjectRole;

  @Column({ name: 'added_at', type: 'datetime', precision: 3 })
  addedAt!: Date;
}
