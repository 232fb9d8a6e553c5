import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-errors';

const MAX_ID = 4_294_967_295; // INT UNSIGNED

/** Parses an `id` path parameter: a positive integer within the column's range, else 400. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > MAX_ID) {
      throw ValidationFailedError.forField('id', 'id must be a positive integer');
    }
    return Number(value);
  }
}
