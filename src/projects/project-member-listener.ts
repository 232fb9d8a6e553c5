import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProjectRole } from './project-role';

export const PROJECT_MEMBER_LISTENER_KEY = 'projects:member-listener';

/** A user was added to a project (not a role change of a member, nor an ownership transfer). */
export interface ProjectMemberAdded {
  projectId: number;
  projectName: string;
  userId: number;
  role: ProjectRole;
  /** Who added the user. */
  actorId: number;
  at: Date;
}

/** A member was removed from a project, or left it. */
export interface ProjectMemberRemoved {
  projectId: number;
  userId: number;
  /** Who removed the user (the user itself when it left). */
  actorId: number;
  at: Date;
}

/**
 * Marks a provider of another module that reacts to membership changes inside their
 * transaction (the notifications module: `project_added`; the realtime module: `task.hidden` for a
 * removed member). Found with Nest's DiscoveryService,
 * like ProjectDeletionParticipant, so the projects module never imports the modules that
 * depend on it (notifications imports tasks, which imports projects).
 */
export const ProjectMemberListener = (): ClassDecorator =>
  SetMetadata(PROJECT_MEMBER_LISTENER_KEY, true);

/** Each method runs inside the membership transaction, the project row locked; a throw rolls it back. */
export interface ProjectMemberListenerInstance {
  onMemberAdded?(manager: EntityManager, event: ProjectMemberAdded): Promise<void>;
  onMemberRemoved?(manager: EntityManager, event: ProjectMemberRemoved): Promise<void>;
}
