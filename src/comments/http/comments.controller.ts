import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { pageLinkHeader, queryStringOf } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { CommentsService } from '../comments.service';
import { CommentBodyDto } from '../dto/comment-body.dto';
import { CommentResponseDto } from '../dto/comment-response.dto';
import { ListCommentsQuery } from '../dto/list-comments.query';
import {
  COMMENTS_TAG,
  CreateCommentRoute,
  DeleteCommentRoute,
  GetCommentRoute,
  ListCommentsRoute,
  UpdateCommentRoute,
} from './comment-routes';
import { ParseCommentIdPipe } from './parse-comment-id.pipe';

/** Public path of a task's comments: the global prefix (API_PREFIX in app.setup.ts) + route. */
export const commentsPath = (taskId: number): string => `/api/v1/tasks/${taskId}/comments`;

@ApiTags(COMMENTS_TAG)
@ApiBearerAuth()
@Controller('tasks/:id/comments')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get()
  @ListCommentsRoute()
  async list(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) taskId: number,
    @Query() query: ListCommentsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommentResponseDto[]> {
    const page = await this.comments.list(caller.id, taskId, query);
    void reply
      .header('X-Total-Count', String(page.total))
      .header('Link', pageLinkHeader(commentsPath(taskId), queryStringOf(request.url), page));
    return page.items;
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @CreateCommentRoute()
  async create(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) taskId: number,
    @Body() dto: CommentBodyDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommentResponseDto> {
    const comment = await this.comments.create(caller.id, taskId, dto);
    void reply.header('Location', `${commentsPath(taskId)}/${comment.id}`);
    return comment;
  }

  @Get(':comment_id')
  @GetCommentRoute()
  get(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) taskId: number,
    @Param('comment_id', ParseCommentIdPipe) commentId: number,
  ): Promise<CommentResponseDto> {
    return this.comments.get(caller.id, taskId, commentId);
  }

  @Patch(':comment_id')
  @UpdateCommentRoute()
  update(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) taskId: number,
    @Param('comment_id', ParseCommentIdPipe) commentId: number,
    @Body() dto: CommentBodyDto,
  ): Promise<CommentResponseDto> {
    return this.comments.update(caller.id, taskId, commentId, dto);
  }

  @Delete(':comment_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @DeleteCommentRoute()
  async remove(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) taskId: number,
    @Param('comment_id', ParseCommentIdPipe) commentId: number,
  ): Promise<void> {
    await this.comments.remove(caller.id, taskId, commentId);
  }
}
