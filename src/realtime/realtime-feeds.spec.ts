import type { EntityManager } from 'typeorm';
import type { ProjectAccessService } from '../projects/project-access.service';
import type { TasksService } from '../tasks/tasks.service';
import type { StreamItem } from './event-stream';
import { MAX_HIDDEN_PER_REMOVAL, RealtimeProjectDeletionFeed } from './realtime-feeds';
import type { RealtimePublisher } from './realtime-publisher';

type Sight = Awaited<ReturnType<TasksService['sightOfProject']>>;

describe(RealtimeProjectDeletionFeed.name, () => {
  const at = new Date('2026-12-01T10:00:00.000Z');
  // No transaction: afterCommit runs the announcement on the next tick.
  const manager = {} as EntityManager;

  async function announce(members: number[], sight: Sight): Promise<StreamItem[]> {
    const published: StreamItem[] = [];
    const feed = new RealtimeProjectDeletionFeed(
      { sightOfProject: () => Promise.resolve(sight) } as unknown as TasksService,
      { memberIds: () => Promise.resolve(members) } as unknown as ProjectAccessService,
      {
        publish: (items: readonly StreamItem[]) => {
          published.push(...items);
          return Promise.resolve();
        },
      } as unknown as RealtimePublisher,
    );
    await feed.beforeProjectDeleted(manager, 9, at);
    expect(published).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    return published;
  }

  it('should hide every task from each member, and its own tasks from an outside assignee', async () => {
    const items = await announce([1, 2], {
      overflow: false,
      tasks: [
        { id: 10, assigneeId: null },
        { id: 11, assigneeId: 2 },
        { id: 12, assigneeId: 3 },
      ],
    });
    const told = items.map((i) => i.entry.kind === 'hidden' && [i.entry.user_id, i.entry.task_id]);
    expect(told).toEqual([
      [1, 10],
      [2, 10],
      [1, 11],
      [2, 11],
      [1, 12],
      [2, 12],
      [3, 12],
    ]);
    expect(items[0]).toEqual({
      dedupId: 'project-deleted-9-1-10',
      entry: { kind: 'hidden', user_id: 1, task_id: 10, at: at.getTime() },
    });
    expect(new Set(items.map((i) => i.dedupId)).size).toBe(items.length);
  });

  it(`should tell members and assignees to resync past ${MAX_HIDDEN_PER_REMOVAL} tasks`, async () => {
    const items = await announce([1, 2], { overflow: true, assignees: [2, 5] });
    expect(items).toEqual(
      [1, 2, 5].map((userId) => ({
        dedupId: `project-deleted-9-${userId}`,
        entry: { kind: 'resync', user_id: userId, at: at.getTime() },
      })),
    );
  });

  it('should announce nothing for a project nobody sees a task of', async () => {
    expect(await announce([1], { overflow: false, tasks: [] })).toEqual([]);
  });
});
