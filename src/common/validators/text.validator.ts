import { isEmail, registerDecorator, ValidationOptions } from 'class-validator';

/** C0 controls (NUL to U+001F), DEL and C1 controls (U+0080 to U+009F): Unicode's `Cc`. */
const CONTROL_CHARACTER = /\p{Cc}/u;
/** In a `u` regex a paired surrogate is one code point, so this matches only lone halves. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * True when the string is valid Unicode. A lone surrogate cannot be encoded as UTF-8: MySQL
 * would store U+FFFD instead, so the service would answer one text and keep another.
 */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/**
 * True when a password could have been accepted at registration as far as its characters go.
 * bcrypt cycles through the key bytes, so every all-NUL password makes one key (`"\u0000" × 8`
 * registered, `"\u0000"` logs in), and it sees a lone surrogate as the UTF-8 of U+FFFD.
 * Other control characters are refused with them: no keyboard types them, and they only
 * hide what a password really is.
 */
export function isAcceptablePassword(value: string): boolean {
  return isWellFormedText(value) && !CONTROL_CHARACTER.test(value);
}

function textDecorator(
  name: string,
  message: string,
  check: (value: string) => boolean,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: {
        // Other types are left to @IsString and friends, so a field gets one message for them.
        validate: (value: unknown): boolean => typeof value !== 'string' || check(value),
      },
    });
  };
}

/**
 * Refuses a lone surrogate (`"\uD800"`), which the database would store as U+FFFD. Put it on
 * every string of a request body that is stored.
 */
export function IsWellFormedText(options?: ValidationOptions): PropertyDecorator {
  return textDecorator(
    'isWellFormedText',
    '$property must be valid Unicode text (no lone surrogate code units)',
    isWellFormedText,
    options,
  );
}

/** Refuses control characters (NUL included) and lone surrogates: see `isAcceptablePassword`. */
export function IsAcceptablePassword(options?: ValidationOptions): PropertyDecorator {
  return textDecorator(
    'isAcceptablePassword',
    '$property must not contain control characters (NUL included) or lone surrogate code units',
    isAcceptablePassword,
    options,
  );
}

/**
 * An email address (class-validator's `isEmail`), checked for well-formed text first:
 * validator's `isEmail` throws a URIError on a lone surrogate, which would otherwise be a 500.
 */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return textDecorator(
    'isEmailAddress',
    '$property must be a valid email address',
    (value) => isWellFormedText(value) && isEmail(value),
    options,
  );
}
