import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLScalarType, Kind } from 'graphql';
import type { ActivityEntryResponseDto } from '../../activity/dto/activity-entry-response.dto';
import type { ActivityType, ChangeValue } from '../../activity/domain/activity-entry';
import type { AttachmentResponseDto } from '../../attachments/dto/attachment-response.dto';
import type { CommentResponseDto } from '../../comments/dto/comment-response.dto';
import { ActivityTypeEnum } from './enums';
import { gqlUserSummary, User } from './user.types';

/**
 * A value in an activity entry, as REST shows it: a string, a number, a boolean, null, or a list
 * of strings (label names). Output only.
 */
export const ChangeValueScalar = new GraphQLScalarType({
  name: 'ChangeValue',
  description: 'A string, number, boolean, null or list of strings (the value of a task field)',
  serialize: (value: unknown) => value,
  parseValue: () => {
    throw new TypeError('ChangeValue is an output type');
  },
  parseLiteral: (ast) => {
    throw new TypeError(
      `ChangeValue is an output type (got ${ast.kind === Kind.NULL ? 'null' : ast.kind})`,
    );
  },
});

@ObjectType()
export class Comment {
  @Field(() => Int)
  id!: number;

  @Field(() => Int)
  taskId!: number;

  @Field(() => User)
  author!: User;

  @Field()
  body!: string;

  @Field(() => [Int], { description: 'The users the body mentions who could see the task' })
  mentions!: number[];

  @Field({ description: 'RFC 3339' })
  createdAt!: string;

  @Field(() => String, { nullable: true, description: 'RFC 3339; null if never edited' })
  editedAt!: string | null;
}

@ObjectType()
export class Attachment {
  @Field(() => Int)
  id!: number;

  @Field(() => Int)
  taskId!: number;

  @Field()
  filename!: string;

  @Field()
  contentType!: string;

  // Float: a file may be larger than GraphQL's 32-bit Int.
  @Field(() => Float, { description: 'Bytes' })
  size!: number;

  @Field()
  sha256!: string;

  @Field(() => Int)
  uploadedBy!: number;

  @Field({ description: 'RFC 3339' })
  createdAt!: string;
}

@ObjectType()
export class ActivityChange {
  @Field()
  field!: string;

  @Field(() => ChangeValueScalar, { nullable: true })
  from!: ChangeValue;

  @Field(() => ChangeValueScalar, { nullable: true })
  to!: ChangeValue;
}

@ObjectType()
export class ActivityEntry {
  @Field(() => Int)
  id!: number;

  @Field(() => Int)
  taskId!: number;

  @Field(() => ActivityTypeEnum)
  type!: ActivityType;

  @Field(() => User)
  actor!: User;

  @Field(() => [ActivityChange])
  changes!: ActivityChange[];

  @Field({ description: 'RFC 3339' })
  createdAt!: string;
}

export function gqlComment(comment: CommentResponseDto): Comment {
  return {
    id: comment.id,
    taskId: comment.task_id,
    author: gqlUserSummary(comment.author),
    body: comment.body,
    mentions: comment.mentions,
    createdAt: comment.created_at,
    editedAt: comment.edited_at,
  };
}

export function gqlAttachment(attachment: AttachmentResponseDto): Attachment {
  return {
    id: attachment.id,
    taskId: attachment.task_id,
    filename: attachment.filename,
    contentType: attachment.content_type,
    size: attachment.size,
    sha256: attachment.sha256,
    uploadedBy: attachment.uploaded_by,
    createdAt: attachment.created_at,
  };
}

export function gqlActivityEntry(entry: ActivityEntryResponseDto): ActivityEntry {
  return {
    id: entry.id,
    taskId: entry.task_id,
    type: entry.type,
    actor: gqlUserSummary(entry.actor),
    changes: entry.changes.map((change) => ({ ...change })),
    createdAt: entry.created_at,
  };
}
