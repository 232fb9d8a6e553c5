import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PROJECT_ROLE_ENUM, PROJECT_ROLES, ProjectRole } from '../../project-role';

export class SetProjectMemberDto {
  @ApiProperty({
    enum: PROJECT_ROLES,
    enumName: PROJECT_ROLE_ENUM,
    description:
      '`viewer`, `editor` or `admin` adds the user with that role or changes its role; `owner` ' +
      '(by the owner, for a member) transfers ownership, the old owner becoming `admin`',
    example: 'editor',
  })
  @IsIn(PROJECT_ROLES)
  role!: ProjectRole;
}
