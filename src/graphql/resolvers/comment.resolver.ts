import { Args, Context, Int, Mutation, Resolver } from '@nestjs/graphql';
import { CommentsService } from '../../comments/comments.service';
import { CommentBodyDto } from '../../comments/dto/comment-body.dto';
import { callerOf } from '../graphql-caller';
import type { GqlContext } from '../graphql-context';
import { OWN_READ_COST } from '../graphql-limits';
import { Comment, gqlComment } from '../types/task-parts.types';
import { assertId, validateAsRest } from '../validate-as-rest';

/** Comments (REST POST /tasks/{id}/comments): anyone who sees the task. */
@Resolver(() => Comment)
export class CommentResolver {
  constructor(private readonly comments: CommentsService) {}

  @Mutation(() => Comment, {
    description: '`@username` mentions that user when it can see the task',
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity,
  })
  async addComment(
    @Context() context: GqlContext,
    @Args('taskId', { type: () => Int }) taskId: number,
    @Args('body') body: string,
  ): Promise<Comment> {
    const userId = callerOf(context, 'tasks:write');
    const dto = await validateAsRest(CommentBodyDto, { body }, 'body');
    return gqlComment(await this.comments.create(userId, assertId(taskId, 'taskId'), dto));
  }
}
