import type { EventStream, StreamItem } from './event-stream';
import type { RealtimeMetrics } from './realtime-metrics';
import { RealtimePublisher } from './realtime-publisher';

const item: StreamItem = {
  dedupId: 'task-event-2',
  entry: { kind: 'resync', user_id: 1, at: 0 },
};

describe(RealtimePublisher.name, () => {
  let calls: Array<string | undefined>;
  let answers: Array<string[] | 'wait' | Error>;
  let publisher: RealtimePublisher;

  beforeEach(() => {
    calls = [];
    answers = [];
    const stream = {
      append: (_items: readonly StreamItem[], after?: string) => {
        calls.push(after);
        const answer = answers.shift() ?? ['1-0'];
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    } as unknown as EventStream;
    const metrics = { publishDropped: jest.fn() } as unknown as RealtimeMetrics;
    publisher = new RealtimePublisher(stream, metrics);
  });

  afterEach(() => publisher.onApplicationShutdown());

  it('should wait until the previous event of the task is in the stream', async () => {
    answers = ['wait', 'wait', ['5-0']];
    await publisher.publish([item], 'task-event-1');
    expect(calls).toEqual(['task-event-1', 'task-event-1', 'task-event-1']);
  });

  it('should retry a batch whose append failed, in the background', async () => {
    answers = [new Error('Redis down'), ['6-0']];
    await publisher.publish([item]);
    expect(calls).toHaveLength(1);
    await publisher.onApplicationShutdown();
    expect(calls).toHaveLength(2);
  });
});
