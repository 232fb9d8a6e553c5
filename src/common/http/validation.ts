import {
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { FieldError, ValidationFailedError } from '../errors/domain-errors';

/** Flattens class-validator's tree into `[{field: 'a.b', message}]`, one entry per problem. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property || 'body';
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The contract's cap on `details`: a body with thousands of problems gets a bounded answer. */
export const MAX_ERROR_DETAILS = 20;

/** The 400 for these problems: at most MAX_ERROR_DETAILS details, all fields counted. */
export function validationFailed(details: FieldError[]): ValidationFailedError {
  const fields = [...new Set(details.map((d) => d.field))];
  const named = fields.slice(0, MAX_ERROR_DETAILS).join(', ');
  const more =
    fields.length > MAX_ERROR_DETAILS ? ` and ${fields.length - MAX_ERROR_DETAILS} more` : '';
  return new ValidationFailedError(
    details.slice(0, MAX_ERROR_DETAILS),
    `Validation failed: ${named}${more}`,
  );
}

const COMMON_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
};

const declaredByClass = new WeakMap<object, ReadonlySet<string>>();

/** The properties a DTO class declares a validation rule for (what `whitelist` keeps). */
function declaredProperties(metatype: object): ReadonlySet<string> {
  let declared = declaredByClass.get(metatype);
  if (!declared) {
    const rules = getMetadataStorage().getTargetValidationMetadatas(
      metatype as new () => object,
      '',
      false,
      false,
    );
    declared = new Set(rules.map((rule) => rule.propertyName));
    declaredByClass.set(metatype, declared);
  }
  return declared;
}

/**
 * Most arrays and objects one field of a body may hold, counting every nested value. No field
 * of the API takes more than a few (the longest is a webhook's event list); the bound keeps
 * class-transformer from copying a huge structure that validation then refuses anyway.
 */
export const MAX_NESTED_VALUES = 100;

/** True when `value` holds more than `budget` values in its arrays and objects, at any depth. */
function holdsMoreThan(value: unknown, budget: number): boolean {
  // Iterative: the depth is bounded by the JSON parser, but no recursion is needed either.
  const pending: unknown[] = [value];
  let count = 0;
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    const children: unknown[] = Array.isArray(next)
      ? next
      : Object.values(next as Record<string, unknown>);
    count += children.length;
    if (count > budget) return true;
    pending.push(...children);
  }
  return false;
}

/**
 * Refuses, in one pass over the body's keys, what would make class-transformer and
 * class-validator visit thousands of values only to refuse them (8,000 unknown keys took ~350 ms
 * of CPU per request): unknown top-level fields (the answer `forbidNonWhitelisted` would give)
 * and fields holding more than MAX_NESTED_VALUES nested values.
 */
function rejectCostlyBody(value: unknown, metatype: ArgumentMetadata['metatype']): void {
  if (typeof metatype !== 'function' || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) return;
  const declared = declaredProperties(metatype);
  if (declared.size === 0) return;
  const fields = Object.keys(value);
  const unknown = fields.filter((key) => !declared.has(key));
  if (unknown.length > 0) {
    throw validationFailed(
      unknown.map((field) => ({ field, message: `property ${field} should not exist` })),
    );
  }
  const record = value as Record<string, unknown>;
  const oversized = fields.filter((key) => holdsMoreThan(record[key], MAX_NESTED_VALUES));
  if (oversized.length > 0) {
    throw validationFailed(
      oversized.map((field) => ({
        field,
        message: `${field} must not hold more than ${MAX_NESTED_VALUES} values`,
      })),
    );
  }
}

/**
 * Drops unknown query parameters (the contract ignores them) before class-transformer copies
 * each one: a URL can carry a few thousand.
 */
function knownParameters(value: unknown, metatype: ArgumentMetadata['metatype']): unknown {
  if (typeof metatype !== 'function' || typeof value !== 'object' || value === null) return value;
  const declared = declaredProperties(metatype);
  if (declared.size === 0) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .filter((key) => declared.has(key))
      .map((key) => [key, record[key]]),
  );
}

const validatedElsewhere = new WeakSet<object>();

/**
 * Marks a class whose values this pipe passes through untouched: GraphQL input types, which
 * reach global pipes as `body` arguments. graphql-js has checked their types, and the GraphQL
 * layer validates each against the REST DTO class of the same request (src/graphql,
 * validateAsRest), so both APIs apply one set of rules.
 */
export function ValidatedElsewhere(): ClassDecorator {
  return (target) => {
    validatedElsewhere.add(target);
  };
}

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

  /**
   * What needs no validation is returned as it is, not in a promise: every route has such a
   * parameter (its path ids, `@CurrentUser()`), and Nest's pipe chain would await it anyway.
   */
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Path parameters reach their own pipe (ParseIdPipe) as sent: converted to a number here
    // first, "0x1", "1e0", "+1" and "01" would all have become 1 and passed as task 1.
    if (metadata.type === 'param') return value;
    // A custom decorator's value (`@CurrentUser()`) comes from the app, not the client; the
    // strict pipe would return it unchanged too (it does not validate custom decorators).
    if (metadata.type === 'custom') return value;
    if (typeof metadata.metatype === 'function' && validatedElsewhere.has(metadata.metatype)) {
      return value;
    }
    return this.validate(value, metadata);
  }

  private async validate(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query') {
      return await this.lenient.transform(knownParameters(value, metadata.metatype), metadata);
    }
    if (metadata.type === 'body') rejectCostlyBody(value, metadata.metatype);
    return await this.strict.transform(value, metadata);
  }
}
