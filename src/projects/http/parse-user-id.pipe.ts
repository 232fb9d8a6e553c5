import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors/domain-errors';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';

/** ParseIdPipe's rule for the `user_id` path parameter, named so in the 400. */
@Injectable()
export class ParseUserIdPipe implements PipeTransform<string, number> {
  private readonly ids = new ParseIdPipe();

  transform(value: string): number {
    try {
      return this.ids.transform(value);
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      throw ValidationFailedError.forField('user_id', 'user_id must be a positive integer');
    }
  }
}
