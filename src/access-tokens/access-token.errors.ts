import { ConflictError, NotFoundError, UnauthorizedError } from '../common/errors/domain-errors';

export class AccessTokenNotFoundError extends NotFoundError {
  constructor() {
    super('personal access token not found');
  }
}

export class TooManyAccessTokensError extends ConflictError {
  constructor(max: number) {
    super(`a user can have at most ${max} personal access tokens; delete one first`);
  }
}

/** Unknown, deleted and expired tokens get one answer, so a guess learns nothing. */
export class InvalidAccessTokenError extends UnauthorizedError {
  constructor() {
    super('invalid, expired or deleted personal access token');
  }
}
