import { ApiProperty } from '@nestjs/swagger';
import type { ProjectRole } from '../../project-role';
import type { Project } from '../../project.entity';
import { PROJECT_ROLE_SCHEMA } from './project-role.schema';

export class ProjectResponseDto {
  @ApiProperty({ type: 'integer', example: 12 })
  id!: number;

  @ApiProperty({ example: '发布计划' })
  name!: string;

  @ApiProperty({
    example: 'Everything for the spring release',
    description: 'Empty string when none',
  })
  description!: string;

  @ApiProperty({ description: 'The user who owns the project', type: 'integer', example: 1 })
  owner_id!: number;

  @ApiProperty({
    description:
      "`true` for the caller's inbox: private (it cannot be shared), it cannot be deleted, " +
      'renamed or archived; tasks created without `project_id` go there',
    example: false,
  })
  is_inbox!: boolean;

  @ApiProperty({
    ...PROJECT_ROLE_SCHEMA,
    description: "The caller's role",
    example: 'owner',
  })
  role!: ProjectRole;

  @ApiProperty({ type: 'integer', example: 3 })
  member_count!: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it was archived; null while it is live',
    example: null,
  })
  archived_at!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  created_at!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Last change of name, description, archived state or owner',
    example: '2026-01-20T08:30:00.000Z',
  })
  updated_at!: string;
}

/** The only way a project leaves the service: an explicit field list. */
export function toProjectResponse(project: Project, role: ProjectRole): ProjectResponseDto {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    owner_id: project.ownerId,
    is_inbox: project.inboxOf !== null,
    role,
    member_count: project.memberCount,
    archived_at: project.archivedAt ? project.archivedAt.toISOString() : null,
    created_at: project.createdAt.toISOString(),
    updated_at: project.updatedAt.toISOString(),
  };
}
