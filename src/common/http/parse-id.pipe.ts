import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-errors';

const MAX_ID = 4_294_967_295; // INT UNSIGNED

/** Parses a path id: a positive integer within the column's range, else 400 naming the field. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  constructor(private readonly field = 'id') {}

  transform(value: string): number {
    if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > MAX_ID) {
      throw ValidationFailedError.forField(this.field, `${this.field} must be a positive integer`);
    }
    return Number(value);
  }
}
