import { ConflictError, NotFoundError } from '../common/errors/domain-errors';

/** Unknown, expired, or another user's job: the same answer, so ids reveal nothing. */
export class JobNotFoundError extends NotFoundError {
  constructor() {
    super('Job not found');
  }
}

export class ExportResultNotFoundError extends NotFoundError {
  constructor() {
    super('Export result not found (it may have expired)');
  }
}

export class JobNotCompletedError extends ConflictError {
  constructor(state: string) {
    super(`The job has not completed yet (state: ${state})`);
  }
}
