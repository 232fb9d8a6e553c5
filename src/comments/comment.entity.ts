import { Column, Entity, PrimaryGeneratedColumn, ValueTransformer } from 'typeorm';

/** A JSON list of user ids in a text column. */
const idList: ValueTransformer = {
  to: (ids: number[]) => JSON.stringify(ids),
  from: (text: string) => JSON.parse(text) as number[],
};

/** A comment on a task (API.md "Comments"). Deleting one removes the row. */
@Entity({ name: 'comments' })
export class TaskComment {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'task_id', type: 'int', unsigned: true })
  taskId!: number;

  @Column({ name: 'author_id', type: 'int', unsigned: true })
  authorId!: number;

  /** Trimmed, 1 to 10,000 characters. */
  @Column({ type: 'text' })
  body!: string;

  /** The users the body mentions who could see the task when it was last written. */
  @Column({
    type: 'varchar',
    length: 1024,
    charset: 'ascii',
    collation: 'ascii_bin',
    transformer: idList,
  })
  mentions!: number[];

  /**
   * Every user this comment has mentioned since it was written (those of `mentions` included):
   * an edit notifies only the users it adds to this set, so nobody is told twice.
   */
  @Column({
    name: 'mentioned_ever',
    // Grows by at most MAX_MENTIONS per edit; MEDIUMTEXT, so no run of edits can overflow it.
    type: 'mediumtext',
    charset: 'ascii',
    collation: 'ascii_bin',
    transformer: idList,
  })
  mentionedEver!: number[];

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'edited_at', type: 'datetime', precision: 3, nullable: true })
  editedAt!: Date | null;
}

/** What a comment response shows of a row (toCommentResponse). */
export type CommentView = Pick<
  TaskComment,
  'id' | 'taskId' | 'authorId' | 'body' | 'mentions' | 'createdAt' | 'editedAt'
>;
