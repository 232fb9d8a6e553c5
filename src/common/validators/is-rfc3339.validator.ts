import { registerDecorator, ValidationOptions } from 'class-validator';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;
/** The range of MySQL DATETIME, so that no accepted date can fail at the database. */
const MIN_TIME = Date.UTC(1000, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Parses an RFC 3339 date-time (`2026-02-01T00:00:00Z`, `2026-02-01T08:00:00.5+08:00`) into a
 * Date, or `undefined` when it is malformed, names a day that does not exist (`2026-02-30`, which
 * `Date.parse` would roll over) or falls outside years 1000-9999.
 */
export function parseRfc3339(value: string): Date | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return undefined;
  const time = Date.parse(value.toUpperCase());
  if (Number.isNaN(time) || time < MIN_TIME || time > MAX_TIME) return undefined;
  return new Date(time);
}

/** An RFC 3339 date-time string (see `parseRfc3339`). */
export function IsRfc3339(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isRfc3339',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be an RFC 3339 date-time such as 2026-02-01T00:00:00Z',
        ...options,
      },
      validator: {
        validate: (value: unknown): boolean =>
          typeof value === 'string' && parseRfc3339(value) !== undefined,
      },
    });
  };
}
