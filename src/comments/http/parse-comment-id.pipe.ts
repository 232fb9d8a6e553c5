import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors/domain-errors';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';

export const INVALID_COMMENT_ID_MESSAGE =
  'comment_id must be a positive integer in canonical decimal form (1, not 01, +1 or 1e0)';

/** ParseIdPipe's rule for the `comment_id` path parameter, named so in the 400. */
@Injectable()
export class ParseCommentIdPipe implements PipeTransform<string, number> {
  private readonly ids = new ParseIdPipe();

  transform(value: string): number {
    try {
      return this.ids.transform(value);
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      throw ValidationFailedError.forField('comment_id', INVALID_COMMENT_ID_MESSAGE);
    }
  }
}
