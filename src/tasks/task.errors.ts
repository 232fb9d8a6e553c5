import {
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationFailedError,
} from '../common/errors/domain-errors';

/** Also answers for tasks that exist but are not visible to the caller, so ids reveal nothing. */
export class TaskNotFoundError extends NotFoundError {
  constructor() {
    super('task not found');
  }
}

export class TaskForbiddenError extends ForbiddenError {}

export class TaskPreconditionFailedError extends PreconditionFailedError {
  constructor() {
    super('the task has changed since the ETag in If-Match; fetch it again and retry');
  }
}

export class AssigneeNotFoundError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'assignee_id', message: 'assignee_id must be the id of an existing user' }],
      'assignee_id: no such user',
    );
  }
}

export class EmptyTaskUpdateError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'body', message: 'send at least one field to change' }],
      'body: send at least one field to change',
    );
  }
}
