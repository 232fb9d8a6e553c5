import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { TOKEN_SCOPES, TokenScope } from '../../common/auth/token-scopes';
import { TOKEN_SCOPE_SCHEMA } from './token-scope.schema';
import { IsWellFormedText } from '../../common/validators/text.validator';

export const MAX_TOKEN_NAME_LENGTH = 100;
export const MAX_TOKEN_LIFETIME_DAYS = 365;

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class CreateAccessTokenDto {
  @ApiProperty({
    description: 'What the token is for, to recognise it in the list (1 to 100 characters)',
    minLength: 1,
    maxLength: MAX_TOKEN_NAME_LENGTH,
    example: 'nightly export script',
  })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @IsWellFormedText()
  @MaxLength(MAX_TOKEN_NAME_LENGTH)
  name!: string;

  @ApiProperty({
    description:
      'What the token may do: at least one scope, no repeats. Each scope is independent ' +
      '(`tasks:write` does not include `tasks:read`).',
    ...TOKEN_SCOPE_SCHEMA,
    example: ['tasks:read', 'tasks:write'],
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(TOKEN_SCOPES.length)
  @ArrayUnique()
  @IsIn(TOKEN_SCOPES, {
    each: true,
    message: `each scope must be one of ${TOKEN_SCOPES.join(', ')}`,
  })
  scopes!: TokenScope[];

  @ApiProperty({
    description: 'Days until the token expires (1 to 365)',
    type: 'integer',
    minimum: 1,
    maximum: MAX_TOKEN_LIFETIME_DAYS,
    example: 90,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_TOKEN_LIFETIME_DAYS)
  expires_in_days!: number;
}
