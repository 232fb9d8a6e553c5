import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const LABEL_DELETION_PARTICIPANT_KEY = 'labels:deletion-participant';

/**
 * Marks a provider of another module that keeps rows naming a label (the tasks module: which
 * tasks carry it) and must remove them in the label's deletion transaction. LabelsService finds
 * the participants with Nest's DiscoveryService, so the labels module never imports the
 * modules that depend on it.
 */
export const LabelDeletionParticipant = (): ClassDecorator =>
  SetMetadata(LABEL_DELETION_PARTICIPANT_KEY, true);

export interface LabelDeletionParticipantInstance {
  /** Runs inside the deletion transaction; the label row is locked by it. */
  onLabelDeleted(manager: EntityManager, labelId: number): Promise<void>;
}
