import { ForbiddenError, NotFoundError } from '../common/errors/domain-errors';

/**
 * A comment id that does not exist, or belongs to another task, or whose task the caller cannot
 * see (then the task's own 404 answers first), so ids reveal nothing.
 */
export class CommentNotFoundError extends NotFoundError {
  constructor() {
    super('comment not found');
  }
}

export class CommentForbiddenError extends ForbiddenError {}
