import {
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';
import { FieldError, ValidationFailedError } from '../errors/domain-errors';

/** Flattens class-validator's tree into `[{field: 'a.b', message}]`, one entry per problem. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property || 'body';
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

const COMMON_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => {
    const details = flattenValidationErrors(errors);
    const fields = [...new Set(details.map((d) => d.field))].join(', ');
    return new ValidationFailedError(details, `Validation failed: ${fields}`);
  },
};

/**
 * The one global pipe. Bodies are strict: an unknown property is a 400, so nothing like `id` or
 * `user_id` can be mass-assigned. Query strings drop unknown parameters instead, as the contract
 * says, while known ones are validated just as strictly.
 */
@Injectable()
export class AppValidationPipe implements PipeTransform {
  private readonly strict = new ValidationPipe({
    ...COMMON_OPTIONS,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  private readonly lenient = new ValidationPipe({ ...COMMON_OPTIONS, forbidNonWhitelisted: false });

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return (metadata.type === 'query' ? this.lenient : this.strict).transform(value, metadata);
  }
}
