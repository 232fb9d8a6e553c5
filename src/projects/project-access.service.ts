import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PROJECT_ACCESS_CACHE, ProjectAccessCache } from './project-access.cache';
import {
  Membership,
  ProjectAccessEntry,
  ProjectAccessRepository,
  ProjectForWrite,
} from './project-access.repository';
import { ProjectRole, roleFromCode } from './project-role';

export type { Membership, ProjectForWrite } from './project-access.repository';

/** A project as the cached task read sees it. */
export interface CachedAccess {
  live: boolean;
  role: ProjectRole | null;
}

/**
 * What other modules ask about projects to decide access to tasks: a user's memberships, the
 * project of a task write (locked), a project's members, and the cached role for the hot read.
 * Project CRUD and membership changes live in ProjectsService, which calls `afterAccessChange`
 * after each commit.
 */
/** Bounds the remembered inboxes (a few MB at most); past it the memory starts over. */
const MAX_REMEMBERED_INBOXES = 100_000;

@Injectable()
export class ProjectAccessService {
  private readonly inboxes = new Map<number, number>();

  constructor(
    private readonly repository: ProjectAccessRepository,
    @Inject(PROJECT_ACCESS_CACHE) private readonly cache: ProjectAccessCache,
  ) {}

  memberships(userId: number, manager?: EntityManager): Promise<Membership[]> {
    return this.repository.memberships(userId, manager);
  }

  lockForTaskWrite(
    manager: EntityManager,
    projectId: number,
    userId: number,
  ): Promise<ProjectForWrite | null> {
    return this.repository.lockForTaskWrite(manager, projectId, userId);
  }

  /**
   * The user's inbox. An inbox is made with its user and can never be deleted, archived or
   * handed over, so its id is remembered once read (a `POST /tasks` without `project_id` then
   * makes no query for it); the write that uses it still locks the project and checks the
   * caller's role there (lockForTaskWrite).
   */
  async inboxOf(userId: number, manager?: EntityManager): Promise<number | null> {
    const known = this.inboxes.get(userId);
    if (known !== undefined) return known;
    const inbox = await this.repository.inboxOf(userId, manager);
    if (inbox !== null) {
      if (this.inboxes.size >= MAX_REMEMBERED_INBOXES) this.inboxes.clear();
      this.inboxes.set(userId, inbox);
    }
    return inbox;
  }

  memberIds(projectId: number, manager?: EntityManager): Promise<number[]> {
    return this.repository.memberIds(projectId, manager);
  }

  /**
   * Whether the project is live and the user's role in it (null: not a member), from the shared
   * cache (filled from MySQL on a miss, read from MySQL alone while Redis is unusable).
   */
  async cachedAccess(projectId: number, userId: number): Promise<CachedAccess> {
    const entry = await this.cachedEntry(projectId);
    if (!entry) return { live: false, role: null };
    const code = entry.roles[String(userId)];
    return { live: true, role: code === undefined ? null : roleFromCode(code) };
  }

  /**
   * The ids of a live project's members (null: no such live project), from the same cache as
   * `cachedAccess`: one read answers for every member, for the event consumers that decide who
   * is told of a task event (real-time fan-out, webhooks, notifications).
   */
  async cachedMemberIds(projectId: number): Promise<Set<number> | null> {
    const entry = await this.cachedEntry(projectId);
    return entry ? new Set(Object.keys(entry.roles).map(Number)) : null;
  }

  private async cachedEntry(projectId: number): Promise<ProjectAccessEntry | null> {
    const cached = await this.cache.read(projectId);
    if (cached.kind === 'deleted') return null;
    const entry =
      cached.kind === 'hit'
        ? cached
        : cached.epoch === undefined
          ? await this.repository.loadAccessEntry(projectId)
          : await this.cache.load(projectId, cached.epoch, () =>
              this.repository.loadAccessEntry(projectId),
            );
    return entry?.value ?? null;
  }

  /**
   * After a committed change of who may see the project (member added, removed or re-roled,
   * ownership moved, project deleted) and before answering: every instance's next read uses
   * the new entry.
   */
  async afterAccessChange(projectId: number): Promise<void> {
    const entry = await this.repository.loadAccessEntry(projectId);
    await this.cache.afterWrite(projectId, entry?.value ?? null, entry?.version ?? 0);
  }
}
