import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from '../cache/cache.module';
import { ProjectsModule } from '../projects/projects.module';
import { LabelsController } from './http/labels.controller';
import { labelCacheProvider } from './label-cache';
import { Label } from './label.entity';
import { LabelParticipants } from './label-participants';
import { LabelsRepository } from './labels.repository';
import { LabelsService } from './labels.service';

/**
 * Labels of projects (the `labels` and `label_versions` tables). The tasks module imports it to
 * give tasks labels; it imports none of the modules that hang on labels: they mark providers
 * @LabelDeletionParticipant, which LabelParticipants finds.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Label]), CacheModule, ProjectsModule, DiscoveryModule],
  controllers: [LabelsController],
  providers: [LabelsRepository, LabelsService, labelCacheProvider, LabelParticipants],
  exports: [LabelsService],
})
export class LabelsModule {}
