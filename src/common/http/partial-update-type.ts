import type { Type } from '@nestjs/common';
import { DECORATORS, PartialType } from '@nestjs/swagger';

/**
 * `PartialType` for PUT and PATCH bodies, without the schema `default`s of the class it derives
 * from. Client generators (orval's zod output, hey-api) fill every absent field that has a
 * default, so a default on an update body makes a title-only change reset status and priority.
 * Validation and transformation metadata are inherited as `PartialType` does.
 */
export function PartialUpdateType<T>(
  classRef: Type<T>,
  options: { skipNullProperties?: boolean } = {},
): Type<Partial<T>> {
  const Update = PartialType(classRef, options);
  const prototype = Update.prototype as object;
  const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ??
    []) as string[];
  for (const key of keys.map((k) => k.replace(/^:/, ''))) {
    const metadata = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, key) as
      Record<string, unknown> | undefined;
    if (metadata === undefined || !('default' in metadata)) continue;
    const withoutDefault = { ...metadata };
    delete withoutDefault.default;
    Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, withoutDefault, prototype, key);
  }
  return Update;
}
