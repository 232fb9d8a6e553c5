import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ProjectMember } from './project-member.entity';
import type { ProjectRole } from './project-role';

/**
 * The `project_members` rows of one project. Writes run inside a transaction that holds the
 * project row's lock (ProjectsRepository.lockForMember), so they never race each other.
 */
@Injectable()
export class ProjectMembersRepository {
  constructor(
    @InjectRepository(ProjectMember) private readonly members: Repository<ProjectMember>,
  ) {}

  listOf(projectId: number): Promise<ProjectMember[]> {
    return this.members.findBy({ projectId });
  }

  find(manager: EntityManager, projectId: number, userId: number): Promise<ProjectMember | null> {
    return manager.findOneBy(ProjectMember, { projectId, userId });
  }

  async insert(
    manager: EntityManager,
    projectId: number,
    userId: number,
    role: ProjectRole,
    now: Date,
  ): Promise<ProjectMember> {
    const member = manager.create(ProjectMember, { projectId, userId, role, addedAt: now });
    await manager.insert(ProjectMember, member);
    return member;
  }

  async setRole(
    manager: EntityManager,
    projectId: number,
    userId: number,
    role: ProjectRole,
  ): Promise<void> {
    await manager.update(ProjectMember, { projectId, userId }, { role });
  }

  async remove(manager: EntityManager, projectId: number, userId: number): Promise<void> {
    await manager.delete(ProjectMember, { projectId, userId });
  }
}
