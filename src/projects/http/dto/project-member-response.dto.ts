import { ApiProperty } from '@nestjs/swagger';
import type { ProjectMember } from '../../project-member.entity';
import { PROJECT_ROLE_ENUM, PROJECT_ROLES, ProjectRole } from '../../project-role';

export class ProjectMemberResponseDto {
  @ApiProperty({ type: 'integer', example: 2 })
  user_id!: number;

  @ApiProperty({ example: 'bob' })
  username!: string;

  @ApiProperty({ enum: PROJECT_ROLES, enumName: PROJECT_ROLE_ENUM, example: 'editor' })
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
