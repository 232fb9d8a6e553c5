import { NotFoundError } from '../common/errors/domain-errors';

/** Unknown, or another user's: both answer 404 so that ids reveal nothing. */
export class NotificationNotFoundError extends NotFoundError {
  constructor() {
    super('Notification not found');
  }
}
