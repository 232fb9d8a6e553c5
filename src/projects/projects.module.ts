import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from '../cache/cache.module';
import { UsersModule } from '../users/users.module';
import { ProjectMembersController } from './http/project-members.controller';
import { ProjectsController } from './http/projects.controller';
import { projectAccessCacheProvider } from './project-access.cache';
import { ProjectAccessRepository } from './project-access.repository';
import { ProjectAccessService } from './project-access.service';
import { ProjectMember } from './project-member.entity';
import { ProjectMembersRepository } from './project-members.repository';
import { ProjectMembersService } from './project-members.service';
import { ProjectParticipants } from './project-participants';
import { Project } from './project.entity';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

/**
 * Projects, members and roles, and who may see a project's tasks (ProjectAccessService, used by
 * the tasks module). It imports none of the modules that react to its changes: they mark
 * providers (@ProjectDeletionParticipant, @ProjectMemberListener) that ProjectParticipants finds.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Project, ProjectMember]),
    CacheModule,
    UsersModule,
    DiscoveryModule,
  ],
  controllers: [ProjectsController, ProjectMembersController],
  providers: [
    ProjectAccessRepository,
    ProjectAccessService,
    projectAccessCacheProvider,
    ProjectsRepository,
    ProjectsService,
    ProjectMembersRepository,
    ProjectMembersService,
    ProjectParticipants,
  ],
  exports: [ProjectAccessService, ProjectsService, ProjectMembersService],
})
export class ProjectsModule {}
