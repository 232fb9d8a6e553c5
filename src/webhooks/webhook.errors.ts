import { ConflictError, NotFoundError } from '../common/errors/domain-errors';

export class WebhookNotFoundError extends NotFoundError {
  constructor() {
    super('webhook not found');
  }
}

export class TooManyWebhooksError extends ConflictError {
  constructor(max: number) {
    super(`a user can have at most ${max} webhooks; delete one first`);
  }
}
