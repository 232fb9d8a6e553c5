import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { LABEL_DELETION_PARTICIPANT_KEY, LabelDeletionParticipantInstance } from './label-deletion';

/** The providers of other modules marked @LabelDeletionParticipant. */
@Injectable()
export class LabelParticipants implements OnModuleInit {
  private participants: LabelDeletionParticipantInstance[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.participants = this.discovery
      .getProviders()
      .filter(
        (wrapper) =>
          wrapper.metatype && Reflect.getMetadata(LABEL_DELETION_PARTICIPANT_KEY, wrapper.metatype),
      )
      .map((wrapper) => wrapper.instance as LabelDeletionParticipantInstance);
  }

  async labelDeleted(manager: EntityManager, labelId: number): Promise<void> {
    for (const participant of this.participants) await participant.onLabelDeleted(manager, labelId);
  }
}
