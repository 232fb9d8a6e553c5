import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from '../cache/cache.module';
import { projectAccessCacheProvider } from './project-access.cache';
import { ProjectAccessRepository } from './project-access.repository';
import { ProjectAccessService } from './project-access.service';
import { ProjectMember } from './project-member.entity';
import { Project } from './project.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Project, ProjectMember]), CacheModule],
  providers: [ProjectAccessRepository, ProjectAccessService, projectAccessCacheProvider],
  exports: [ProjectAccessService],
})
export class ProjectsModule {}
