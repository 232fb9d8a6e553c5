import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors/domain-errors';

/** Also answers for projects that exist but the caller is no member of, so ids reveal nothing. */
export class ProjectNotFoundError extends NotFoundError {
  constructor() {
    super('project not found');
  }
}

/** The caller is a member, but its role does not allow the change. */
export class ProjectForbiddenError extends ForbiddenError {}

/** The change contradicts the project's state (the inbox, the owner, a non-member new owner). */
export class ProjectConflictError extends ConflictError {}

/** A user id in the path that names no user, or no member of the project. */
export class ProjectMemberNotFoundError extends NotFoundError {}

export class EmptyProjectUpdateError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'body', message: 'send at least one of name, description, archived' }],
      'body: send at least one field to change',
    );
  }
}
