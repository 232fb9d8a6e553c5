import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, MaxLength, ValidateIf } from 'class-validator';

export const PROJECT_NAME_MAX = 100;
export const PROJECT_DESCRIPTION_MAX = 10_000;

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** Validates only when the field is present: `null` is an invalid value, not "absent". */
const IfPresent = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

export class CreateProjectDto {
  @ApiProperty({
    description: `Trimmed; 1 to ${PROJECT_NAME_MAX} characters after trimming`,
    example: '发布计划',
    minLength: 1,
    maxLength: PROJECT_NAME_MAX,
  })
  @Transform(trim)
  @IsString()
  @Length(1, PROJECT_NAME_MAX)
  name!: string;

  @ApiPropertyOptional({
    description: 'Free text; a project created without it gets the empty string',
    example: 'Everything for the spring release',
    maxLength: PROJECT_DESCRIPTION_MAX,
    default: '',
  })
  @IfPresent()
  @IsString()
  @MaxLength(PROJECT_DESCRIPTION_MAX)
  description?: string;
}
