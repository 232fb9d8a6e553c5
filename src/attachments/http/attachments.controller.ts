import {
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import { AcceptsMultipart } from '../../common/http/multipart';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { AppConfigType, InjectAppConfig } from '../../config/app-config';
import { AttachmentsService } from '../attachments.service';
import { AttachmentResponseDto } from '../dto/attachment-response.dto';
import { sendDownload } from './download-reply';
import { FILE_FIELD, multipartFileOf } from './multipart-file';
import { ApiIdParam } from '../../common/decorators/api-id-param.decorator';

export const ATTACHMENTS_PATH = '/api/v1/attachments';

const TASK_ID = ApiIdParam('id', 'Task id (positive integer)');

const ATTACHMENT_ID = ApiIdParam('id', 'Attachment id (positive integer)');

const ETAG = {
  description: 'The SHA-256 of the file, quoted: `"<64 hex digits>"`',
  schema: { type: 'string' },
};

const BYTES_HEADERS = {
  'Content-Disposition': {
    description:
      '`attachment; filename="<ASCII stand-in>"; filename*=UTF-8\'\'<the name, percent-encoded>` ' +
      '(RFC 6266): browsers save the file under its original name, Chinese names included',
    schema: { type: 'string' },
  },
  'Content-Length': { description: 'Bytes in this response', schema: { type: 'integer' } },
  ETag: ETAG,
  'Accept-Ranges': { description: '`bytes`', schema: { type: 'string' } },
  'X-Content-Type-Options': { description: '`nosniff`', schema: { type: 'string' } },
};

const BINARY = { schema: { type: 'string', format: 'binary' } };

@ApiTags('attachments')
@ApiBearerAuth()
@Controller()
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  @Post('tasks/:id/attachments')
  @HttpCode(HttpStatus.CREATED)
  @AcceptsMultipart()
  @TASK_ID
  @Endpoint({
    operationId: 'uploadAttachment',
    scope: 'tasks:write',
    summary: 'Attach a file to a task',
    description:
      'A `multipart/form-data` body with the file in a part named `file` (other text parts are ' +
      "ignored; the first file part counts). Editors of the task's project and its assignee " +
      'may upload. The file is streamed to storage, its SHA-256 computed on the way; one larger ' +
      'than `ATTACHMENT_MAX_BYTES` (default 10 MiB) is refused with 413 and nothing is kept. ' +
      'The file name is stored without any directory part. Any other body type answers 415.',
    errors: [
      [400, 'file: send the file in a multipart/form-data part named file'],
      401,
      [403, 'only editors of the project and the assignee may upload attachments'],
      [404, 'task not found'],
      [
        409,
        'the project is archived: its tasks cannot be created or changed until it is unarchived',
      ],
      [413, 'file: the file is larger than 10485760 bytes (ATTACHMENT_MAX_BYTES)'],
      [
        415,
        'Unsupported Content-Type: send multipart/form-data with the file in a part named file',
      ],
      429,
    ],
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: [FILE_FIELD],
      properties: {
        [FILE_FIELD]: { type: 'string', format: 'binary', description: 'The file to attach' },
      },
    },
  })
  @ApiCreatedResponse({
    type: AttachmentResponseDto,
    headers: {
      Location: {
        description: "URL of the new attachment's bytes",
        schema: { type: 'string', example: `${ATTACHMENTS_PATH}/12/content` },
      },
    },
  })
  async upload(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) taskId: number,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AttachmentResponseDto> {
    const file = multipartFileOf(request, this.config.attachments.maxBytes);
    const attachment = await this.attachments.upload(caller.id, taskId, file);
    void reply.header('Location', `${ATTACHMENTS_PATH}/${attachment.id}/content`);
    return attachment;
  }

  @Get('tasks/:id/attachments')
  @TASK_ID
  @Endpoint({
    operationId: 'listAttachments',
    scope: 'tasks:read',
    summary: "A task's attachments, oldest first",
    description: 'Anyone who sees the task.',
    errors: [400, 401, [404, 'task not found'], 429],
  })
  @ApiOkResponse({ type: [AttachmentResponseDto] })
  list(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) taskId: number,
  ): Promise<AttachmentResponseDto[]> {
    return this.attachments.list(caller.id, taskId);
  }

  @Get('attachments/:id/content')
  @ATTACHMENT_ID
  @Endpoint({
    operationId: 'downloadAttachment',
    scope: 'tasks:read',
    summary: "An attachment's bytes",
    description:
      'Anyone who sees the task. Sent with its stored `Content-Type` as a download ' +
      '(`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`), never rendered ' +
      'inline. `Range: bytes=<first>-<last>` (or `<first>-`, `-<suffix>`) answers 206 with ' +
      '`Content-Range`; several ranges, or a malformed one, answer the whole file; a range ' +
      'starting past the end answers 416 (`VALIDATION_FAILED`, `Content-Range: bytes */<size>`). ' +
      '`If-Range` with another ETag answers the whole file; `If-None-Match` with the ETag 304.',
    errors: [400, 401, [404, 'attachment not found'], 416, 429],
  })
  @ApiHeader({ name: 'Range', required: false, description: 'One byte range, e.g. `bytes=0-1023`' })
  @ApiHeader({
    name: 'If-Range',
    required: false,
    description: "The ETag the client's part came from",
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag the client holds' })
  @ApiOkResponse({
    description: 'The whole file',
    content: { 'application/octet-stream': BINARY },
    headers: BYTES_HEADERS,
  })
  @ApiResponse({
    status: 206,
    description: 'The requested range',
    content: { 'application/octet-stream': BINARY },
    headers: {
      ...BYTES_HEADERS,
      'Content-Range': {
        description: '`bytes <first>-<last>/<size>`',
        schema: { type: 'string', example: 'bytes 0-1023/482133' },
      },
    },
  })
  @ApiResponse({
    status: 304,
    description: "If-None-Match matched: the client's copy is current",
    headers: { ETag: ETAG },
  })
  async download(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) attachmentId: number,
    @Headers('range') range: string | undefined,
    @Headers('if-range') ifRange: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const download = await this.attachments.download(caller.id, attachmentId, {
      range,
      ifRange,
      ifNoneMatch,
    });
    return sendDownload(reply, download);
  }

  @Delete('attachments/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ATTACHMENT_ID
  @Endpoint({
    operationId: 'deleteAttachment',
    scope: 'tasks:write',
    summary: 'Delete an attachment and its bytes',
    description: "Its uploader, or an admin (or the owner) of the task's project.",
    errors: [
      400,
      401,
      [403, 'only the uploader or an admin of the project may delete an attachment'],
      [404, 'attachment not found'],
      [
        409,
        'the project is archived: its tasks cannot be created or changed until it is unarchived',
      ],
      429,
    ],
  })
  @ApiNoContentResponse({ description: 'Deleted, bytes included' })
  remove(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) attachmentId: number,
  ): Promise<void> {
    return this.attachments.remove(caller.id, attachmentId);
  }
}
