import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { LabelResponseDto } from '../../labels/http/dto/label-response.dto';
import type { ProjectMemberResponseDto } from '../../projects/http/dto/project-member-response.dto';
import type { ProjectResponseDto } from '../../projects/http/dto/project-response.dto';
import type { ProjectRole } from '../../projects/project-role';
import { ProjectRoleEnum } from './enums';

@ObjectType({
  description: 'A label of a project (names are unique per project, case-insensitively)',
})
export class Label {
  @Field(() => Int)
  id!: number;

  @Field(() => Int)
  projectId!: number;

  @Field()
  name!: string;

  @Field({ description: '`#rrggbb`' })
  color!: string;

  @Field({ description: 'RFC 3339' })
  createdAt!: string;
}

@ObjectType()
export class ProjectMember {
  @Field(() => Int)
  userId!: number;

  @Field()
  username!: string;

  @Field(() => ProjectRoleEnum)
  role!: ProjectRole;

  @Field({ description: 'RFC 3339' })
  addedAt!: string;
}

@ObjectType()
export class SetProjectMemberResult {
  @Field({ description: 'True when the user was added, false when its role changed (or not)' })
  created!: boolean;

  @Field(() => ProjectMember)
  member!: ProjectMember;
}

@ObjectType({ description: 'A project the caller is a member of; `role` is its role in it' })
export class Project {
  @Field(() => Int)
  id!: number;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => Int)
  ownerId!: number;

  @Field()
  isInbox!: boolean;

  @Field(() => ProjectRoleEnum)
  role!: ProjectRole;

  @Field(() => Int)
  memberCount!: number;

  @Field(() => String, { nullable: true, description: 'RFC 3339; null while live' })
  archivedAt!: string | null;

  @Field({ description: 'RFC 3339' })
  createdAt!: string;

  @Field({ description: 'RFC 3339' })
  updatedAt!: string;
}

export function gqlProject(project: ProjectResponseDto): Project {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    ownerId: project.owner_id,
    isInbox: project.is_inbox,
    role: project.role,
    memberCount: project.member_count,
    archivedAt: project.archived_at,
    createdAt: project.created_at,
    updatedAt: project.updated_at,
  };
}

export function gqlMember(member: ProjectMemberResponseDto): ProjectMember {
  return {
    userId: member.user_id,
    username: member.username,
    role: member.role,
    addedAt: member.added_at,
  };
}

export function gqlLabel(label: LabelResponseDto): Label {
  return {
    id: label.id,
    projectId: label.project_id,
    name: label.name,
    color: label.color,
    createdAt: label.created_at,
  };
}
