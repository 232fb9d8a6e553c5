import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import {
  PROJECT_DELETION_PARTICIPANT_KEY,
  ProjectDeletionParticipantInstance,
} from './project-deletion';
import {
  PROJECT_MEMBER_LISTENER_KEY,
  ProjectMemberAdded,
  ProjectMemberListenerInstance,
  ProjectMemberRemoved,
} from './project-member-listener';

/**
 * The providers of other modules that take part in project writes: @ProjectDeletionParticipant
 * (retire a deleted project's rows) and @ProjectMemberListener (react to a member added or removed), each run
 * inside the caller's transaction.
 */
@Injectable()
export class ProjectParticipants implements OnModuleInit {
  private deletionParticipants: ProjectDeletionParticipantInstance[] = [];
  private memberListeners: ProjectMemberListenerInstance[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.deletionParticipants = this.providersMarked<ProjectDeletionParticipantInstance>(
      PROJECT_DELETION_PARTICIPANT_KEY,
    );
    this.memberListeners = this.providersMarked<ProjectMemberListenerInstance>(
      PROJECT_MEMBER_LISTENER_KEY,
    );
  }

  /** Before the project row is marked deleted: each participant's `beforeProjectDeleted`. */
  async projectDeleting(manager: EntityManager, projectId: number, now: Date): Promise<void> {
    for (const participant of this.deletionParticipants) {
      await participant.beforeProjectDeleted?.(manager, projectId, now);
    }
  }

  /** Once the project row is marked deleted: each participant's `onProjectDeleted`. */
  async projectDeleted(manager: EntityManager, projectId: number, now: Date): Promise<void> {
    for (const participant of this.deletionParticipants) {
      await participant.onProjectDeleted?.(manager, projectId, now);
    }
  }

  async memberAdded(manager: EntityManager, event: ProjectMemberAdded): Promise<void> {
    for (const listener of this.memberListeners) await listener.onMemberAdded?.(manager, event);
  }

  async memberRemoved(manager: EntityManager, event: ProjectMemberRemoved): Promise<void> {
    for (const listener of this.memberListeners) await listener.onMemberRemoved?.(manager, event);
  }

  private providersMarked<T>(key: string): T[] {
    return this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.metatype && Reflect.getMetadata(key, wrapper.metatype))
      .map((wrapper) => wrapper.instance as T);
  }
}
