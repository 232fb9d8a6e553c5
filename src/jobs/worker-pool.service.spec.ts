import type { DiscoveryService } from '@nestjs/core';
import { Worker } from 'bullmq';
import { loadConfig } from '../config/env';
import { MetricsService } from '../metrics/metrics.service';
import type { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { JobHandler } from './job-handler';
import { JOB_DEFINITIONS, JobName, QUEUE_NAMES } from './job-registry';
import { WorkerLoop } from './worker-loop';
import { WorkerPoolService } from './worker-pool.service';

// No Redis in unit tests: the workers are stand-ins that record when they are closed.
jest.mock('bullmq', () => ({
  ...jest.requireActual<typeof import('bullmq')>('bullmq'),
  Worker: jest.fn(),
}));

describe(WorkerPoolService.name, () => {
  let order: string[];

  beforeEach(() => {
    order = [];
    jest.mocked(Worker).mockImplementation(
      () =>
        ({
          on: jest.fn(),
          close: jest.fn(() => {
            order.push('worker closed');
            return Promise.resolve();
          }),
        }) as unknown as Worker,
    );
  });

  afterEach(() => jest.mocked(Worker).mockReset());

  function handlerFor(name: JobName): { metatype: unknown; instance: unknown } {
    @JobHandler(name)
    class Handler {
      handle(): Promise<void> {
        return Promise.resolve();
      }
    }
    return { metatype: Handler, instance: new Handler() };
  }

  function loop(): { metatype: unknown; instance: { start: jest.Mock; stop: jest.Mock } } {
    @WorkerLoop()
    class Loop {}
    const instance = {
      start: jest.fn(() => order.push('loop started')),
      stop: jest.fn(() => {
        order.push('loop stopped');
        return Promise.resolve();
      }),
    };
    return { metatype: Loop, instance };
  }

  function poolWith(providers: Array<{ metatype: unknown; instance: unknown }>): WorkerPoolService {
    const discovery = { getProviders: () => providers } as unknown as DiscoveryService;
    const factory = {
      keyPrefix: 'test:',
      isCluster: false,
      queueWorkerConnection: () => ({}),
    } as unknown as RedisConnectionFactory;
    return new WorkerPoolService(discovery, factory, new MetricsService(), loadConfig({}));
  }

  const allHandlers = (): Array<{ metatype: unknown; instance: unknown }> =>
    (Object.keys(JOB_DEFINITIONS) as JobName[]).map(handlerFor);

  it('should refuse to start when a registered job has no handler, before starting anything', async () => {
    const relay = loop();
    const pool = poolWith([
      ...allHandlers().filter((_, i) => i !== 0),
      { metatype: Object, instance: {} },
      relay,
    ]);

    await expect(async () => pool.start()).rejects.toThrow(
      `Jobs without a handler: ${Object.keys(JOB_DEFINITIONS)[0]}`,
    );
    expect(Worker).not.toHaveBeenCalled();
    expect(relay.instance.start).not.toHaveBeenCalled();
    expect(pool.running).toBe(false);
  });

  it('should start one worker per queue and then the worker loops, and stop the loops first', async () => {
    const relay = loop();
    const pool = poolWith([...allHandlers(), relay]);

    await pool.start();
    expect(jest.mocked(Worker).mock.calls.map(([queue]) => queue)).toEqual([...QUEUE_NAMES]);
    expect(order).toEqual(['loop started']);

    await pool.onApplicationShutdown();
    expect(order).toEqual([
      'loop started',
      'loop stopped',
      ...QUEUE_NAMES.map(() => 'worker closed'),
    ]);
    expect(pool.running).toBe(false);
  });
});
