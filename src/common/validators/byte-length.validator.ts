import { registerDecorator, ValidationOptions } from 'class-validator';

/** Length in UTF-8 bytes between min and max: bcrypt reads bytes, not characters. */
export function ByteLength(
  min: number,
  max: number,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'byteLength',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [min, max],
      options: {
        message: `$property must be ${min} to ${max} bytes long (UTF-8)`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          const bytes = Buffer.byteLength(value, 'utf8');
          return bytes >= min && bytes <= max;
        },
      },
    });
  };
}
