import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ProjectMemberAdded,
  ProjectMemberListener,
  ProjectMemberListenerInstance,
} from '../projects/project-member-listener';
import { NotificationsService } from './notifications.service';

/**
 * Tells a user it was added to a project (`project_added`), in the transaction that adds it.
 * Discovered by the projects module, which cannot import this one (notifications → tasks →
 * projects).
 */
@Injectable()
@ProjectMemberListener()
export class ProjectAddedNotifier implements ProjectMemberListenerInstance {
  constructor(private readonly notifications: NotificationsService) {}

  onMemberAdded(manager: EntityManager, event: ProjectMemberAdded): Promise<void> {
    return this.notifications.notifyProjectAdded(manager, event);
  }
}
