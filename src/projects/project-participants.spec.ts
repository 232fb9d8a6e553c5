import type { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { ProjectDeletionParticipant } from './project-deletion';
import { ProjectMemberAdded, ProjectMemberListener } from './project-member-listener';
import { ProjectParticipants } from './project-participants';

const calls: string[] = [];

@ProjectDeletionParticipant()
class DeletesRows {
  onProjectDeleted(_manager: EntityManager, projectId: number): Promise<void> {
    calls.push(`deleted ${projectId}`);
    return Promise.resolve();
  }
}

@ProjectDeletionParticipant()
class ReadsFirst {
  beforeProjectDeleted(_manager: EntityManager, projectId: number): Promise<void> {
    calls.push(`before ${projectId}`);
    return Promise.resolve();
  }
}

@ProjectMemberListener()
class Notifies {
  onMemberAdded(_manager: EntityManager, event: ProjectMemberAdded): Promise<void> {
    calls.push(`added ${event.userId} to ${event.projectId}`);
    return Promise.resolve();
  }
}

class Unmarked {
  onProjectDeleted(): Promise<void> {
    calls.push('unmarked');
    return Promise.resolve();
  }
}

function participants(): ProjectParticipants {
  const wrappers = [DeletesRows, ReadsFirst, Notifies, Unmarked].map((metatype) => ({
    metatype,
    instance: new metatype(),
  }));
  const discovery = { getProviders: () => wrappers } as unknown as DiscoveryService;
  const found = new ProjectParticipants(discovery);
  found.onModuleInit();
  return found;
}

describe(ProjectParticipants.name, () => {
  const manager = {} as EntityManager;

  beforeEach(() => {
    calls.length = 0;
  });

  it('should run only the marked deletion participants, each hook in its phase', async () => {
    const found = participants();
    await found.projectDeleting(manager, 7, new Date());
    expect(calls).toEqual(['before 7']);
    await found.projectDeleted(manager, 7, new Date());
    expect(calls).toEqual(['before 7', 'deleted 7']);
  });

  it('should run only the marked member listeners', async () => {
    await participants().memberAdded(manager, {
      projectId: 7,
      projectName: 'p',
      userId: 3,
      role: 'viewer',
      actorId: 1,
      at: new Date(),
    });
    expect(calls).toEqual(['added 3 to 7']);
  });
});
