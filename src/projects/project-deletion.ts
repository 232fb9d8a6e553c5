import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const PROJECT_DELETION_PARTICIPANT_KEY = 'projects:deletion-participant';

/**
 * Marks a provider of another module that owns rows of a project (the tasks module: its tasks,
 * counters and search rows) and must retire them in the project's deletion transaction.
 * ProjectsService finds the participants with Nest's DiscoveryService, so the projects module
 * never imports the modules that depend on it.
 */
export const ProjectDeletionParticipant = (): ClassDecorator =>
  SetMetadata(PROJECT_DELETION_PARTICIPANT_KEY, true);

export interface ProjectDeletionParticipantInstance {
  /**
   * Runs inside the deletion transaction, the project row locked, before the project is marked
   * deleted and before any participant's `onProjectDeleted`: to read what the deletion is about
   * to retire (the realtime module: who sees which of the project's tasks, to tell them
   * `task.hidden` after the commit).
   */
  beforeProjectDeleted?(manager: EntityManager, projectId: number, now: Date): Promise<void>;
  /** Runs inside the deletion transaction; the project row is locked by it. */
  onProjectDeleted?(manager: EntityManager, projectId: number, now: Date): Promise<void>;
}
