import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { IsWellFormedText } from '../../../common/validators/text.validator';
import { DEFAULT_LABEL_COLOR, LABEL_COLOR_PATTERN, LABEL_NAME_MAX } from '../../label.constants';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** Colours are stored lower-cased, so `#FF0000` and `#ff0000` are one colour. */
const lower = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.toLowerCase() : value;

export class CreateLabelDto {
  @ApiProperty({
    description:
      `Trimmed; 1 to ${LABEL_NAME_MAX} characters after trimming, unique in the project ` +
      'case-insensitively (`Bug` and `bug` clash; accents count: `cafe` and `café` do not)',
    example: 'bug',
    minLength: 1,
    maxLength: LABEL_NAME_MAX,
  })
  @Transform(trim)
  @IsString()
  @IsWellFormedText()
  @Length(1, LABEL_NAME_MAX)
  name!: string;

  @ApiPropertyOptional({
    description: '`#rrggbb` (hex digits, either case; stored lower-case)',
    example: '#d73a4a',
    pattern: LABEL_COLOR_PATTERN.source,
    default: DEFAULT_LABEL_COLOR,
  })
  @ValidateIf((_object, value) => value !== undefined)
  @Transform(lower)
  @IsString()
  @Matches(LABEL_COLOR_PATTERN, { message: 'color must be a hex colour #rrggbb, e.g. #d73a4a' })
  color?: string;
}
