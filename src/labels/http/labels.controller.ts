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
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { LabelsService } from '../labels.service';
import { CreateLabelDto } from './dto/create-label.dto';
import { LabelResponseDto } from './dto/label-response.dto';
import { UpdateLabelDto } from './dto/update-label.dto';
import {
  CreateLabelRoute,
  DeleteLabelRoute,
  LABELS_TAG,
  ListProjectLabelsRoute,
  UpdateLabelRoute,
} from './label-routes';

/** Public path of a label: the global prefix (API_PREFIX in app.setup.ts) + `labels`. */
export const LABELS_PATH = '/api/v1/labels';

@ApiTags(LABELS_TAG)
@ApiBearerAuth()
@Controller()
export class LabelsController {
  constructor(private readonly labels: LabelsService) {}

  @Get('projects/:id/labels')
  @ListProjectLabelsRoute()
  list(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) projectId: number,
  ): Promise<LabelResponseDto[]> {
    return this.labels.listOfProject(caller.id, projectId);
  }

  @Post('projects/:id/labels')
  @HttpCode(HttpStatus.CREATED)
  @CreateLabelRoute()
  async create(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) projectId: number,
    @Body() dto: CreateLabelDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LabelResponseDto> {
    const label = await this.labels.create(caller.id, projectId, dto);
    void reply.header('Location', `${LABELS_PATH}/${label.id}`);
    return label;
  }

  @Patch('labels/:id')
  @UpdateLabelRoute()
  update(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateLabelDto,
  ): Promise<LabelResponseDto> {
    return this.labels.update(caller.id, id, dto);
  }

  @Delete('labels/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @DeleteLabelRoute()
  async delete(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<void> {
    await this.labels.delete(caller.id, id);
  }
}
