import { InMemoryWindowCounter } from './in-memory-window';

describe(InMemoryWindowCounter.name, () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('should count hits within a window and reset after it', () => {
    const counter = new InMemoryWindowCounter(100, clock);
    expect(counter.increment('a', 60_000)).toEqual({ totalHits: 1, msToReset: 60_000 });
    now += 59_000;
    expect(counter.increment('a', 60_000)).toEqual({ totalHits: 2, msToReset: 1000 });
    now += 1000;
    expect(counter.increment('a', 60_000)).toEqual({ totalHits: 1, msToReset: 60_000 });
  });

  it('should keep separate counts per key', () => {
    const counter = new InMemoryWindowCounter(100, clock);
    counter.increment('a', 1000);
    counter.increment('a', 1000);
    expect(counter.increment('b', 1000).totalHits).toBe(1);
  });

  it('should never hold more than maxKeys windows, dropping expired ones first', () => {
    const counter = new InMemoryWindowCounter(3, clock);
    counter.increment('old', 10);
    counter.increment('b', 60_000);
    counter.increment('c', 60_000);
    now += 20;
    counter.increment('d', 60_000);
    expect(counter.size).toBe(3);
    expect(counter.increment('b', 60_000).totalHits).toBe(2);
    counter.increment('e', 60_000);
    expect(counter.size).toBe(3);
  });
});
