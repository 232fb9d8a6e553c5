import type { Type } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors/domain-errors';
import { AppValidationPipe } from '../common/http/validation';
import { MAX_ID } from '../tasks/domain/task.constants';

const pipe = new AppValidationPipe();

const camel = (field: string): string =>
  field.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * Validates a GraphQL input as the REST API validates the same request: `value` is the REST
 * body (`body`) or query (`query`) in snake_case, checked and transformed by the global pipe
 * with the REST DTO class, so both APIs accept and refuse exactly the same values. A refusal is
 * the same VALIDATION_FAILED, its fields named as in GraphQL (camelCase).
 */
export async function validateAsRest<T extends object>(
  metatype: Type<T>,
  value: Record<string, unknown>,
  kind: 'body' | 'query',
): Promise<T> {
  // Absent GraphQL arguments arrive as undefined: REST would not have sent them at all.
  const sent = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  try {
    return (await pipe.transform(sent, { type: kind, metatype, data: undefined })) as T;
  } catch (error) {
    if (!(error instanceof ValidationFailedError)) throw error;
    // Only the field names are renamed: values in a message (`in_progress`) stay as they are.
    const fields = [...new Set((error.details ?? []).map((d) => d.field))];
    const rename = (text: string): string =>
      fields.reduce((out, field) => out.split(field).join(camel(field)), text);
    const details = (error.details ?? []).map((d) => ({
      field: camel(d.field),
      message: rename(d.message),
    }));
    throw new ValidationFailedError(details, rename(error.message));
  }
}

/** A GraphQL id argument as REST's path ids: a positive integer that fits the id columns. */
export function assertId(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_ID) {
    throw ValidationFailedError.forField(field, `${field} must be a positive integer`);
  }
  return value;
}
