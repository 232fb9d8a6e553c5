import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UsersService } from '../users/users.service';
import {
  ProjectMemberResponseDto,
  toProjectMemberResponse,
} from './http/dto/project-member-response.dto';
import { ProjectAccessService } from './project-access.service';
import type { ProjectMember } from './project-member.entity';
import { assertMayRemoveMember, decideSetMember, MemberChange } from './project-member.rules';
import { ProjectMembersRepository } from './project-members.repository';
import { ProjectParticipants } from './project-participants';
import { hasRole, ProjectRole, roleCode } from './project-role';
import {
  ProjectConflictError,
  ProjectMemberNotFoundError,
  ProjectNotFoundError,
} from './project.errors';
import type { Project } from './project.entity';
import { ProjectsRepository } from './projects.repository';

export interface MemberSetResult {
  /** True when the user was added (201), false when its role changed or stayed (200). */
  created: boolean;
  member: ProjectMemberResponseDto;
}

/** Usernames are ASCII letters, digits, `_` and `-`: compared case-insensitively. */
function byUsername(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Members and roles of a project. Every change runs in one transaction that first locks the
 * project row, updates member_count and bumps access_version, and after the commit refreshes the
 * shared access entry before answering: the next request on any instance sees the new members.
 * No change touches the project's tasks (their visibility is decided by membership at read
 * time), so it costs the same whatever the number of tasks.
 */
@Injectable()
export class ProjectMembersService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly members: ProjectMembersRepository,
    private readonly users: UsersService,
    private readonly access: ProjectAccessService,
    private readonly participants: ProjectParticipants,
  ) {}

  /** The members, highest role first, then by username. */
  async list(userId: number, projectId: number): Promise<ProjectMemberResponseDto[]> {
    if (!(await this.projects.findForMember(userId, projectId))) throw new ProjectNotFoundError();
    const members = await this.members.listOf(projectId);
    const usernames = await this.users.usernamesByIds(members.map((m) => m.userId));
    return members
      .map((member) => toProjectMemberResponse(member, usernames.get(member.userId) ?? ''))
      .sort(
        (a, b) =>
          roleCode(b.role) - roleCode(a.role) ||
          byUsername(a.username, b.username) ||
          a.user_id - b.user_id,
      );
  }

  /**
   * Adds `targetId` with `role` (201), changes its role, or transfers ownership to it (200). A
   * request that changes nothing (the same role again) answers 200 and writes nothing.
   */
  async set(
    actorId: number,
    projectId: number,
    targetId: number,
    role: ProjectRole,
  ): Promise<MemberSetResult> {
    const outcome = await this.projects.inTransaction(async (manager) => {
      const { project, role: actorRole } = await this.lockAsMember(manager, actorId, projectId);
      if (project.inboxOf !== null) {
        throw new ProjectConflictError('an inbox cannot be shared; create a project instead');
      }
      const username = (await this.users.usernamesByIds([targetId])).get(targetId);
      // Only to those who may manage members: whether a user id exists is no one else's business.
      if (username === undefined && hasRole(actorRole, 'admin')) {
        throw new ProjectMemberNotFoundError('user not found');
      }
      const target = await this.members.find(manager, projectId, targetId);
      const change = decideSetMember({
        actorId,
        actorRole,
        targetId,
        targetRole: target?.role ?? null,
        requested: role,
      });
      const member = await this.apply(manager, project, actorId, targetId, target, role, change);
      return { change, member, username: username ?? '' };
    });
    if (outcome.change !== 'unchanged') await this.access.afterAccessChange(projectId);
    return {
      created: outcome.change === 'add',
      member: toProjectMemberResponse(outcome.member, outcome.username),
    };
  }

  /** Removes a member (admin, owner) or lets a member leave. */
  async remove(actorId: number, projectId: number, targetId: number): Promise<void> {
    await this.projects.inTransaction(async (manager) => {
      const { role: actorRole } = await this.lockAsMember(manager, actorId, projectId);
      const target = await this.members.find(manager, projectId, targetId);
      assertMayRemoveMember({ actorId, actorRole, targetId, targetRole: target?.role ?? null });
      await this.members.remove(manager, projectId, targetId);
      const now = new Date();
      await this.projects.accessChanged(manager, projectId, { memberDelta: -1, now });
      await this.participants.memberRemoved(manager, { projectId, userId: targetId, actorId, at: now });
    });
    await this.access.afterAccessChange(projectId);
  }

  /** Writes the decided change; answers the target's membership as it is afterwards. */
  private async apply(
    manager: EntityManager,
    project: Project,
    actorId: number,
    targetId: number,
    target: ProjectMember | null,
    role: ProjectRole,
    change: MemberChange,
  ): Promise<ProjectMember> {
    const now = new Date();
    if (change === 'add') {
      const added = await this.members.insert(manager, project.id, targetId, role, now);
      await this.projects.accessChanged(manager, project.id, { memberDelta: 1, now });
      await this.participants.memberAdded(manager, {
        projectId: project.id,
        projectName: project.name,
        userId: targetId,
        role,
        actorId,
        at: now,
      });
      return added;
    }
    // decideSetMember answers 'add' exactly when the target is no member.
    if (!target) throw new Error(`member change '${change}' for a non-member`);
    if (change === 'unchanged') return target;
    await this.members.setRole(manager, project.id, targetId, role);
    if (change === 'transfer') {
      // One owner at all times: the old owner steps down to admin in the same transaction.
      await this.members.setRole(manager, project.id, actorId, 'admin');
    }
    await this.projects.accessChanged(manager, project.id, {
      memberDelta: 0,
      ownerId: change === 'transfer' ? targetId : undefined,
      now,
    });
    return { ...target, role };
  }

  private async lockAsMember(
    manager: EntityManager,
    actorId: number,
    projectId: number,
  ): Promise<{ project: Project; role: ProjectRole }> {
    const locked = await this.projects.lockForMember(manager, actorId, projectId);
    if (!locked?.role) throw new ProjectNotFoundError();
    return { project: locked.project, role: locked.role };
  }
}
