import { ApiProperty } from '@nestjs/swagger';
import type { ProjectMember } from '../../project-member.entity';
import type { ProjectRole } from '../../project-role';
import { PROJECT_ROLE_SCHEMA } from './project-role.schema';

export class ProjectMemberResponseDto {
  @ApiProperty({ type: 'integer', example: 2 })
  user_id!: number;

  @ApiProperty({ example: 'bob' })
  username!: string;

  @ApiProperty({ ...PROJECT_ROLE_SCHEMA, example: 'editor' })
  role!: ProjectRole;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  added_at!: string;
}

export function toProjectMemberResponse(
  member: ProjectMember,
  username: string,
): ProjectMemberResponseDto {
  return {
    user_id: member.userId,
    username,
    role: member.role,
    added_at: member.addedAt.toISOString(),
  };
}
