import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_PAGE_SIZE } from '../common/http/page.query';
import type { PageInfo } from '../common/http/pagination';
import { CreateProjectDto } from './http/dto/create-project.dto';
import { ListProjectsQuery } from './http/dto/list-projects.query';
import { ProjectResponseDto, toProjectResponse } from './http/dto/project-response.dto';
import { UpdateProjectDto } from './http/dto/update-project.dto';
import { ProjectAccessService } from './project-access.service';
import { ProjectParticipants } from './project-participants';
import { hasRole } from './project-role';
import {
  EmptyProjectUpdateError,
  ProjectConflictError,
  ProjectForbiddenError,
  ProjectNotFoundError,
} from './project.errors';
import { ProjectSettings, ProjectsRepository } from './projects.repository';

export const INBOX_NAME = 'Inbox';

export interface ProjectPage extends PageInfo {
  items: ProjectResponseDto[];
}

/**
 * Projects: create, list, read, change settings, archive, delete; and the inbox that every user
 * gets at registration. Membership changes are in ProjectMembersService. Access to a project is
 * membership: a caller who is no member (or a deleted project) gets 404, a member lacking the
 * role 403.
 */
@Injectable()
export class ProjectsService {
  private readonly logger = new Logger(ProjectsService.name);

  constructor(
    private readonly projects: ProjectsRepository,
    private readonly access: ProjectAccessService,
    private readonly participants: ProjectParticipants,
  ) {}

  /**
   * Makes the user's inbox inside the caller's transaction (registration: the user row and its
   * inbox commit together, so no user ever exists without one). Returns the inbox's id.
   */
  async createInbox(manager: EntityManager, userId: number, now: Date): Promise<number> {
    const inbox = await this.projects.insertWithOwner(
      manager,
      { name: INBOX_NAME, description: '', ownerId: userId, inboxOf: userId },
      now,
    );
    return inbox.id;
  }

  async create(userId: number, dto: CreateProjectDto): Promise<ProjectResponseDto> {
    const project = await this.projects.inTransaction((manager) =>
      this.projects.insertWithOwner(
        manager,
        { name: dto.name, description: dto.description ?? '', ownerId: userId, inboxOf: null },
        new Date(),
      ),
    );
    return toProjectResponse(project, 'owner');
  }

  async list(userId: number, query: ListProjectsQuery): Promise<ProjectPage> {
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
    const { items, total } = await this.projects.pageForMember(
      userId,
      query.archived === 'true',
      (page - 1) * pageSize,
      pageSize,
    );
    return {
      items: items.map(({ project, role }) => toProjectResponse(project, role)),
      page,
      pageSize,
      total,
    };
  }

  async get(userId: number, projectId: number): Promise<ProjectResponseDto> {
    const found = await this.projects.findForMember(userId, projectId);
    if (!found) throw new ProjectNotFoundError();
    return toProjectResponse(found.project, found.role);
  }

  /**
   * The projects among `projectIds` that the caller is a member of, by id (the others, as for
   * `get`, are simply absent): one query for a batch, e.g. the projects of a page of tasks.
   */
  async visibleByIds(
    userId: number,
    projectIds: readonly number[],
  ): Promise<Map<number, ProjectResponseDto>> {
    const found = await this.projects.findManyForMember(userId, [...new Set(projectIds)]);
    return new Map(
      found.map(({ project, role }) => [project.id, toProjectResponse(project, role)]),
    );
  }

  /**
   * Name, description and archived state (admin). The inbox keeps its name and cannot be
   * archived: it is where tasks without `project_id` go, so it must stay writable and findable.
   */
  async update(
    userId: number,
    projectId: number,
    dto: UpdateProjectDto,
  ): Promise<ProjectResponseDto> {
    if (dto.name === undefined && dto.description === undefined && dto.archived === undefined) {
      throw new EmptyProjectUpdateError();
    }
    const now = new Date();
    return this.projects.inTransaction(async (manager) => {
      const locked = await this.projects.lockForMember(manager, userId, projectId);
      if (!locked?.role) throw new ProjectNotFoundError();
      const { project, role } = locked;
      if (!hasRole(role, 'admin')) {
        throw new ProjectForbiddenError('only an admin or the owner can change the project');
      }
      if (project.inboxOf !== null) {
        if (dto.name !== undefined && dto.name !== project.name) {
          throw new ProjectConflictError('the inbox cannot be renamed');
        }
        if (dto.archived === true) throw new ProjectConflictError('the inbox cannot be archived');
      }
      const settings: ProjectSettings = {};
      if (dto.name !== undefined) settings.name = dto.name;
      if (dto.description !== undefined) settings.description = dto.description;
      // Archiving an archived project keeps its first archived_at.
      if (dto.archived !== undefined && dto.archived !== (project.archivedAt !== null)) {
        settings.archivedAt = dto.archived ? now : null;
      }
      await this.projects.updateSettings(manager, projectId, settings, now);
      return toProjectResponse({ ...project, ...settings, updatedAt: now }, role);
    });
  }

  /**
   * Soft-deletes the project (owner only; never the inbox) and, through the deletion
   * participants, its tasks, in one transaction. The access entry is retired after the commit
   * and before answering, so no instance serves the project's tasks from its cache afterwards.
   */
  async delete(userId: number, projectId: number): Promise<void> {
    await this.projects.inTransaction(async (manager) => {
      const locked = await this.projects.lockForMember(manager, userId, projectId);
      if (!locked?.role) throw new ProjectNotFoundError();
      if (locked.role !== 'owner') {
        throw new ProjectForbiddenError('only the owner can delete the project');
      }
      if (locked.project.inboxOf !== null) {
        throw new ProjectConflictError('the inbox cannot be deleted');
      }
      const now = new Date();
      await this.participants.projectDeleting(manager, projectId, now);
      await this.projects.markDeleted(manager, projectId, now);
      await this.participants.projectDeleted(manager, projectId, now);
    });
    await this.access.afterAccessChange(projectId);
    this.logger.log({ projectId, userId }, 'Project deleted');
  }
}
