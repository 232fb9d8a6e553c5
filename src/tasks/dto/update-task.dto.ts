import { PartialType } from '@nestjs/swagger';
import { CreateTaskDto } from './create-task.dto';

/**
 * PUT and PATCH bodies: any subset of the create fields, at least one. `null` clears `due_date`
 * and `assignee_id`; for every other field it is invalid (hence `skipNullProperties: false`).
 */
export class UpdateTaskDto extends PartialType(CreateTaskDto, { skipNullProperties: false }) {}
