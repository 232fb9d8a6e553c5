import { PartialUpdateType } from '../../common/http/partial-update-type';
import { CreateTaskDto } from './create-task.dto';

/**
 * PUT and PATCH bodies: any subset of the create fields, at least one. `null` clears `due_date`
 * and `assignee_id`; for every other field it is invalid (hence `skipNullProperties: false`).
 * No field has a schema default: only the fields sent change.
 */
export class UpdateTaskDto extends PartialUpdateType(CreateTaskDto, {
  skipNullProperties: false,
}) {}
