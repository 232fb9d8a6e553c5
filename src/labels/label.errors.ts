import { ConflictError, ForbiddenError, NotFoundError } from '../common/errors/domain-errors';

/** Also answers for labels of projects the caller is no member of, so ids reveal nothing. */
export class LabelNotFoundError extends NotFoundError {
  constructor() {
    super('label not found');
  }
}

export class LabelForbiddenError extends ForbiddenError {
  constructor() {
    super('only editors of the project may manage its labels');
  }
}

export class LabelNameTakenError extends ConflictError {
  constructor() {
    super('the project already has a label with this name (names are compared case-insensitively)');
  }
}

export class LabelProjectArchivedError extends ConflictError {
  constructor() {
    super('the project is archived: its labels cannot be changed until it is unarchived');
  }
}
