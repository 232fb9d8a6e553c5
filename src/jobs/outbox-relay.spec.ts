import type { JobsService } from './jobs.service';
import { OutboxRelay, OutboxSource } from './outbox-relay';

/** A relay whose poll is far away: only a wake-up makes it drain within a test. */
class TestRelay extends OutboxRelay<'events.dispatch'> {
  constructor(source: OutboxSource, jobs: JobsService) {
    super('Test', source, jobs, 'events.dispatch', 60_000);
  }

  protected jobOf(eventId: number) {
    return { payload: { eventId }, jobId: `event-${eventId}` };
  }
}

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(OutboxRelay.name, () => {
  let rows: number[];
  let queries: number;
  let queued: string[];
  /** While set, a query waits for it: a drain in progress. */
  let gate: Promise<void> | null;
  let relay: TestRelay;

  beforeEach(() => {
    rows = [];
    queries = 0;
    queued = [];
    gate = null;
    const source: OutboxSource = {
      unpublished: async (limit) => {
        queries += 1;
        // What the query reads is fixed when it starts, as in a database.
        const found = rows.slice(0, limit);
        if (gate) await gate;
        return found;
      },
      markPublished: (ids) => {
        rows = rows.filter((id) => !ids.includes(id));
        return Promise.resolve();
      },
    };
    const jobs = {
      enqueueMany: (_job: string, items: Array<{ jobId: string }>) => {
        queued.push(...items.map((item) => item.jobId));
        return Promise.resolve();
      },
    } as unknown as JobsService;
    relay = new TestRelay(source, jobs);
  });

  afterEach(async () => {
    await relay.stop();
  });

  it('should queue rows committed after its last drain as soon as it is woken, not at the next poll', async () => {
    relay.start();
    await tick(20);
    expect(queries).toBe(1);
    rows.push(7);
    relay.wake();
    await tick(50);
    expect(queued).toEqual(['event-7']);
    expect(queries).toBe(2);
  });

  it('should drain again after a drain during which it was woken', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    relay.start();
    await tick(20);
    expect(queries).toBe(1);
    // A commit lands, and nudges, while the first drain's query is under way: it missed it.
    rows.push(8);
    relay.wake();
    gate = null;
    open();
    await tick(50);
    expect(queued).toEqual(['event-8']);
    expect(queries).toBe(2);
  });

  it('should ignore a wake-up once stopped', async () => {
    relay.start();
    await tick(20);
    await relay.stop();
    rows.push(9);
    relay.wake();
    await tick(50);
    expect(queued).toEqual([]);
    expect(queries).toBe(1);
  });
});
