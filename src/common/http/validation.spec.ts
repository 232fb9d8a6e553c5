import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Max } from 'class-validator';
import { Type } from 'class-transformer';
import { ValidationFailedError } from '../errors/domain-errors';
import { ParseIdPipe } from './parse-id.pipe';
import {
  AppValidationPipe,
  MAX_ERROR_DETAILS,
  MAX_NESTED_VALUES,
  validationFailed,
} from './validation';

class BodyDto {
  @IsString()
  title!: string;

  @IsOptional()
  @IsIn(['low', 'high'])
  priority?: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[];
}

class QueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Max(50)
  limit?: number;
}

const BODY: ArgumentMetadata = { type: 'body', metatype: BodyDto };
const QUERY: ArgumentMetadata = { type: 'query', metatype: QueryDto };

async function failure(result: unknown): Promise<ValidationFailedError> {
  const error = await Promise.resolve(result).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ValidationFailedError))
    throw new Error(`expected a 400, got ${String(error)}`);
  return error;
}

describe(AppValidationPipe.name, () => {
  const pipe = new AppValidationPipe();

  it('should pass a valid body through as its DTO', async () => {
    const dto = await pipe.transform({ title: 'x', tags: ['a'] }, BODY);
    expect(dto).toBeInstanceOf(BodyDto);
    expect(dto).toEqual({ title: 'x', tags: ['a'] });
  });

  it('should name each bad field, as before', async () => {
    const error = await failure(pipe.transform({ title: 1, priority: 'urgent' }, BODY));
    expect(error.details?.map((d) => d.field)).toEqual(['title', 'priority']);
  });

  it('should refuse 8,000 unknown fields quickly with at most 20 details', async () => {
    const body: Record<string, unknown> = { title: 'x' };
    for (let i = 0; i < 8000; i += 1) body[`k${i}`] = i;
    const error = await failure(pipe.transform(body, BODY));
    expect(error.details).toHaveLength(MAX_ERROR_DETAILS);
    expect(error.details?.[0]).toEqual({ field: 'k0', message: 'property k0 should not exist' });
    expect(error.message).toMatch(/k19 and 7980 more$/);
  });

  it('should cap the details of any validation failure at 20, counting every field', () => {
    const details = Array.from({ length: 45 }, (_, i) => ({ field: `f${i}`, message: 'bad' }));
    const error = validationFailed(details);
    expect(error.details).toEqual(details.slice(0, MAX_ERROR_DETAILS));
    expect(error.message).toMatch(/f19 and 25 more$/);
  });

  it.each([
    ['an array', Array.from({ length: MAX_NESTED_VALUES + 1 }, () => 'a')],
    ['an object', Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))],
    ['a nested array', [[Array.from({ length: MAX_NESTED_VALUES }, () => 1)]]],
  ])('should refuse a field holding %s of too many values', async (_name, value) => {
    const error = await failure(pipe.transform({ title: 'x', tags: value }, BODY));
    expect(error.details).toEqual([
      { field: 'tags', message: `tags must not hold more than ${MAX_NESTED_VALUES} values` },
    ]);
  });

  it('should drop unknown query parameters and validate the known ones', async () => {
    await expect(pipe.transform({ limit: '7', other: 'x' }, QUERY)).resolves.toEqual({ limit: 7 });
    const error = await failure(pipe.transform({ limit: '51' }, QUERY));
    expect(error.details?.[0].field).toBe('limit');
  });

  it('should hand a path parameter to its own pipe exactly as sent, at once', () => {
    const param: ArgumentMetadata = { type: 'param', metatype: Number, data: 'id' };
    expect(pipe.transform('0x1', param)).toBe('0x1');
  });

  it("should return a custom decorator's value as it is, at once", () => {
    const caller = { id: 7, extra: 'kept' };
    const custom: ArgumentMetadata = { type: 'custom', metatype: Object, data: undefined };
    expect(pipe.transform(caller, custom)).toBe(caller);
  });
});

describe(ParseIdPipe.name, () => {
  const pipe = new ParseIdPipe();

  it.each(['1', '42', '4294967295'])('should accept %s', (id) => {
    expect(pipe.transform(id)).toBe(Number(id));
  });

  it.each(['0', '01', '+1', '-1', '1e0', '0x1', ' 1', '1 ', '1.0', '4294967296', '', '١', 1])(
    'should refuse %p naming the id',
    (id) => {
      let thrown: unknown;
      try {
        pipe.transform(id);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationFailedError);
      expect((thrown as ValidationFailedError).details?.[0].field).toBe('id');
    },
  );
});
