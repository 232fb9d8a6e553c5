import type { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import type { OutboxWakeups } from '../../jobs/outbox-wakeups';
import { TASK_EVENTS_OUTBOX } from './outbox-relay.service';
import type { TaskEvent } from './task-event';
import { TaskEventRecorder, TaskEventRecorderInstance } from './task-event-recorder';
import type { OutboxRepository } from './outbox.repository';
import { TaskEventsService } from './task-events.service';

@TaskEventRecorder()
class MarkedRecorder implements TaskEventRecorderInstance {
  readonly calls: Array<[EntityManager, readonly TaskEvent[]]> = [];
  onTaskEventsRecorded(manager: EntityManager, events: readonly TaskEvent[]): Promise<void> {
    this.calls.push([manager, events]);
    return Promise.resolve();
  }
}

/** The same method without the decorator: not a recorder. */
class UnmarkedProvider implements TaskEventRecorderInstance {
  readonly calls: Array<[EntityManager, readonly TaskEvent[]]> = [];
  onTaskEventsRecorded(manager: EntityManager, events: readonly TaskEvent[]): Promise<void> {
    this.calls.push([manager, events]);
    return Promise.resolve();
  }
}

describe(TaskEventsService.name, () => {
  const event: TaskEvent = {
    type: 'task.updated',
    taskId: 3,
    actorId: 1,
    occurredAt: new Date('2026-02-01T00:00:00.000Z'),
    before: null,
    after: null,
  };

  function setUp() {
    const marked = new MarkedRecorder();
    const unmarked = new UnmarkedProvider();
    const discovery = {
      getProviders: () => [
        { metatype: MarkedRecorder, instance: marked },
        { metatype: UnmarkedProvider, instance: unmarked },
        { metatype: null, instance: {} },
      ],
    } as unknown as DiscoveryService;
    const manager = {} as EntityManager;
    const inserted: Array<[EntityManager, readonly TaskEvent[]]> = [];
    const outbox = {
      insert: (into: EntityManager, events: readonly TaskEvent[]) => {
        inserted.push([into, events]);
        return Promise.resolve();
      },
    } as unknown as OutboxRepository;
    const nudges: string[] = [];
    const wakeups = { nudge: (name: string) => nudges.push(name) } as unknown as OutboxWakeups;
    const service = new TaskEventsService(discovery, outbox, wakeups);
    service.onModuleInit();
    return { service, marked, unmarked, manager, inserted, nudges };
  }

  it('should hand the events and the transaction manager to every @TaskEventRecorder after the outbox rows', async () => {
    const { service, marked, unmarked, manager, inserted } = setUp();
    await service.record(manager, [event]);
    expect(inserted).toEqual([[manager, [event]]]);
    expect(marked.calls).toEqual([[manager, [event]]]);
    expect(unmarked.calls).toEqual([]);
  });

  it('should call no recorder and write nothing when a write has no events', async () => {
    const { service, marked, manager, inserted, nudges } = setUp();
    await service.record(manager, []);
    await new Promise((resolve) => setImmediate(resolve));
    expect(inserted).toEqual([]);
    expect(marked.calls).toEqual([]);
    expect(nudges).toEqual([]);
  });

  it('should nudge the task event relay once the write has committed', async () => {
    const { service, manager, nudges } = setUp();
    await service.record(manager, [event]);
    // Outside a transaction the write is committed: the nudge follows on the next tick.
    expect(nudges).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(nudges).toEqual([TASK_EVENTS_OUTBOX]);
  });
});
