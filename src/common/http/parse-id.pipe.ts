import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-errors';

const MAX_ID = 4_294_967_295; // INT UNSIGNED

/** The 400's message for a bad `id` (also the documented example of the routes taking one). */
export const INVALID_ID_MESSAGE =
  'id must be a positive integer in canonical decimal form (1, not 01, +1 or 1e0)';

/** Parses an `id` path parameter: a positive integer within the column's range, else 400. */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    // Canonical decimal only (API.md, General): "01", "+1", "1e0", "0x1" and " 1" are refused.
    if (typeof value !== 'string' || !/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > MAX_ID) {
      throw ValidationFailedError.forField('id', INVALID_ID_MESSAGE);
    }
    return Number(value);
  }
}
