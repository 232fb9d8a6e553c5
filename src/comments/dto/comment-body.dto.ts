import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { IsWellFormedText } from '../../common/validators/text.validator';

export const COMMENT_BODY_MAX = 10_000;

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** The body of `POST` and `PATCH` on a comment: the text, which is all a comment's author sets. */
export class CommentBodyDto {
  @ApiProperty({
    description:
      `Trimmed; 1 to ${COMMENT_BODY_MAX.toLocaleString('en-US')} characters after trimming. ` +
      '`@username` (3–20 letters, digits, `_` or `-`, case-insensitive) mentions that user ' +
      'when it can see the task.',
    example: '@alice 请看一下登录页的修复',
    minLength: 1,
    maxLength: COMMENT_BODY_MAX,
  })
  @Transform(trim)
  @IsString()
  @IsWellFormedText()
  @Length(1, COMMENT_BODY_MAX)
  body!: string;
}
