import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ProjectMember } from './project-member.entity';
import { ProjectRole, roleFromCode } from './project-role';
import { Project } from './project.entity';

/** A live project with the caller's role in it. */
export interface ProjectWithRole {
  project: Project;
  role: ProjectRole;
}

export type ProjectSettings = Partial<Pick<Project, 'name' | 'description' | 'archivedAt'>>;

/**
 * The `projects` rows, always read through a member: a project the caller is no member of, or a
 * deleted one, is never returned. Writes of `project_members` are in ProjectMembersRepository;
 * every membership change also bumps `access_version` here, under the project row's lock.
 */
@Injectable()
export class ProjectsRepository {
  constructor(@InjectRepository(Project) private readonly projects: Repository<Project>) {}

  /** Runs `work` in one transaction. */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.projects.manager.transaction(work);
  }

  /** Inserts a project and its owner's membership (inside the caller's transaction). */
  async insertWithOwner(
    manager: EntityManager,
    fields: Pick<Project, 'name' | 'description' | 'ownerId' | 'inboxOf'>,
    now: Date,
  ): Promise<Project> {
    const project = manager.create(Project, {
      ...fields,
      memberCount: 1,
      accessVersion: 1,
      archivedAt: null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    const result = await manager.insert(Project, project);
    project.id = Number(result.identifiers[0].id);
    await manager.insert(ProjectMember, {
      userId: fields.ownerId,
      projectId: project.id,
      role: 'owner',
      addedAt: now,
    });
    return project;
  }

  private ofMember(manager: EntityManager, userId: number) {
    return manager
      .createQueryBuilder(Project, 'p')
      .innerJoin(ProjectMember, 'pm', 'pm.project_id = p.id AND pm.user_id = :userId', { userId })
      .addSelect('pm.role', 'member_role')
      .where('p.deleted_at IS NULL');
  }

  async findForMember(userId: number, projectId: number): Promise<ProjectWithRole | null> {
    const query = this.ofMember(this.projects.manager, userId).andWhere('p.id = :projectId', {
      projectId,
    });
    return (await withRoles(query.getRawAndEntities()))[0] ?? null;
  }

  /** Those of `projectIds` that are live and of which the caller is a member (one query). */
  findManyForMember(userId: number, projectIds: readonly number[]): Promise<ProjectWithRole[]> {
    if (projectIds.length === 0) return Promise.resolve([]);
    const query = this.ofMember(this.projects.manager, userId).andWhere('p.id IN (:...projectIds)', {
      projectIds: [...projectIds],
    });
    return withRoles(query.getRawAndEntities());
  }

  /**
   * The live project, its row locked FOR UPDATE until the transaction ends, with the caller's
   * role (null: not a member). Every change of the project or its members starts here, so they
   * run one at a time per project, and task writes (which share-lock the row) never see half of
   * one. It must be the transaction's first read: later plain reads then see every change
   * committed before the lock was granted.
   */
  async lockForMember(
    manager: EntityManager,
    userId: number,
    projectId: number,
  ): Promise<{ project: Project; role: ProjectRole | null } | null> {
    const project = await manager
      .createQueryBuilder(Project, 'p')
      .where('p.id = :projectId AND p.deleted_at IS NULL', { projectId })
      .setLock('pessimistic_write')
      .getOne();
    if (!project) return null;
    const member = await manager.findOneBy(ProjectMember, { projectId, userId });
    return { project, role: member?.role ?? null };
  }

  /**
   * One page of the caller's live projects, archived or not: the inbox first, then by name, then
   * by id. The caller's memberships are one range of project_members' primary key.
   */
  async pageForMember(
    userId: number,
    archived: boolean,
    offset: number,
    limit: number,
  ): Promise<{ items: ProjectWithRole[]; total: number }> {
    const query = this.ofMember(this.projects.manager, userId).andWhere(
      archived ? 'p.archived_at IS NOT NULL' : 'p.archived_at IS NULL',
    );
    const [items, total] = await Promise.all([
      withRoles(
        query
          .clone()
          .orderBy('p.inbox_of IS NULL', 'ASC')
          .addOrderBy('p.name', 'ASC')
          .addOrderBy('p.id', 'ASC')
          .offset(offset)
          .limit(limit)
          .getRawAndEntities(),
      ),
      query.getCount(),
    ]);
    return { items, total };
  }

  /** Changes name, description or archived_at (and updated_at). */
  async updateSettings(
    manager: EntityManager,
    projectId: number,
    settings: ProjectSettings,
    now: Date,
  ): Promise<void> {
    await manager.update(Project, { id: projectId }, { ...settings, updatedAt: now });
  }

  /**
   * Records a change of who may see the project: `memberDelta` members more (or fewer), a new
   * owner if given, and the next access_version, which retires the shared cache's entry.
   */
  async accessChanged(
    manager: EntityManager,
    projectId: number,
    change: { memberDelta: number; ownerId?: number; now: Date },
  ): Promise<void> {
    const query = manager
      .createQueryBuilder()
      .update(Project)
      .set({
        memberCount: () => `member_count + ${Number(change.memberDelta)}`,
        accessVersion: () => 'access_version + 1',
        ...(change.ownerId === undefined ? {} : { ownerId: change.ownerId, updatedAt: change.now }),
      })
      .where('id = :projectId', { projectId });
    await query.execute();
  }

  /** Soft-deletes the project; its member rows stay, every read filters deleted projects. */
  async markDeleted(manager: EntityManager, projectId: number, now: Date): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(Project)
      .set({ deletedAt: now, updatedAt: now, accessVersion: () => 'access_version + 1' })
      .where('id = :projectId', { projectId })
      .execute();
  }
}

/** Pairs each entity with the `member_role` column of its raw row (same order, no joins of many). */
async function withRoles(
  result: Promise<{ entities: Project[]; raw: Array<{ member_role: number | string }> }>,
): Promise<ProjectWithRole[]> {
  const { entities, raw } = await result;
  return entities.map((project, i) => ({
    project,
    role: roleFromCode(Number(raw[i].member_role)),
  }));
}
