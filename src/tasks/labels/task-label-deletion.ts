import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  LabelDeletionParticipant,
  LabelDeletionParticipantInstance,
} from '../../labels/label-deletion';
import { TaskLabelsService } from './task-labels.service';

/**
 * A deleted label leaves every task, in the label's deletion transaction. The tasks keep their
 * version and no task event is sent: cached task entries hold label ids only and take names
 * from the per-project label cache, which the deletion rewrites, so no per-task cache work is
 * needed either.
 */
@Injectable()
@LabelDeletionParticipant()
export class TaskLabelDeletion implements LabelDeletionParticipantInstance {
  private readonly logger = new Logger(TaskLabelDeletion.name);

  constructor(private readonly taskLabels: TaskLabelsService) {}

  async onLabelDeleted(manager: EntityManager, labelId: number): Promise<void> {
    const removed = await this.taskLabels.removeLabel(manager, labelId);
    this.logger.log({ labelId, removed }, 'Deleted label taken off its tasks');
  }
}
