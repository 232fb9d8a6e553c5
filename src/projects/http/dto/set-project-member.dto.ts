import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PROJECT_ROLES, ProjectRole } from '../../project-role';
import { PROJECT_ROLE_SCHEMA } from './project-role.schema';

export class SetProjectMemberDto {
  @ApiProperty({
    ...PROJECT_ROLE_SCHEMA,
    description:
      '`viewer`, `editor` or `admin` adds the user with that role or changes its role; `owner` ' +
      '(by the owner, for a member) transfers ownership, the old owner becoming `admin`',
    example: 'editor',
  })
  @IsIn(PROJECT_ROLES)
  role!: ProjectRole;
}
