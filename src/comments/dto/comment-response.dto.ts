import { ApiProperty } from '@nestjs/swagger';
import type { TaskEventComment } from '../../tasks/events/task-event';
import type { CommentView } from '../comment.entity';

export class CommentAuthorDto {
  @ApiProperty({ type: 'integer', example: 7 })
  id!: number;

  @ApiProperty({ example: 'alice' })
  username!: string;
}

/** The Comment of API.md; `comment.created` events carry exactly this (TaskEventComment). */
export class CommentResponseDto implements TaskEventComment {
  @ApiProperty({ type: 'integer', example: 31 })
  id!: number;

  @ApiProperty({ type: 'integer', example: 42 })
  task_id!: number;

  @ApiProperty({ type: CommentAuthorDto })
  author!: CommentAuthorDto;

  @ApiProperty({ example: '@alice 请看一下登录页的修复' })
  body!: string;

  @ApiProperty({
    type: 'integer',
    isArray: true,
    description:
      'Ids of the users the body mentions (`@username`) who could see the task when the ' +
      'comment was written or last edited, in the order the body names them. A mentioned user ' +
      'who cannot see the task is left out (and not told).',
    example: [7],
  })
  mentions!: number[];

  @ApiProperty({ format: 'date-time', example: '2026-02-01T09:30:00.000Z' })
  created_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When its author last changed it; null if never',
    example: null,
  })
  edited_at!: string | null;
}

/** The only way a comment leaves the service: an explicit field list. */
export function toCommentResponse(row: CommentView, authorName: string): CommentResponseDto {
  return {
    id: row.id,
    task_id: row.taskId,
    author: { id: row.authorId, username: authorName },
    body: row.body,
    mentions: [...row.mentions],
    created_at: row.createdAt.toISOString(),
    edited_at: row.editedAt ? row.editedAt.toISOString() : null,
  };
}
