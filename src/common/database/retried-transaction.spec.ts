import type { EntityManager } from 'typeorm';
import { isDeadlock, retriedTransaction } from './retried-transaction';

const deadlock = Object.assign(new Error('Deadlock found'), { errno: 1213 });
const wrappedDeadlock = Object.assign(new Error('QueryFailedError'), {
  driverError: { errno: 1213 },
});

/** A manager whose transactions fail with the given errors, in order, then succeed. */
function managerFailing(...errors: Error[]): { manager: EntityManager; runs: () => number } {
  let runs = 0;
  const manager = {
    transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
      runs += 1;
      const error = errors.shift();
      if (error) throw error;
      return work(manager);
    },
  } as unknown as EntityManager;
  return { manager, runs: () => runs };
}

describe('retriedTransaction', () => {
  it('tells deadlocks by errno, bare or wrapped by TypeORM', () => {
    expect(isDeadlock(deadlock)).toBe(true);
    expect(isDeadlock(wrappedDeadlock)).toBe(true);
    expect(isDeadlock(new Error('Lock wait timeout'))).toBe(false);
    expect(isDeadlock(null)).toBe(false);
  });

  it('runs the work again after deadlocks, up to the policy runs', async () => {
    const { manager, runs } = managerFailing(deadlock, wrappedDeadlock);
    await expect(
      retriedTransaction(manager, () => Promise.resolve('done'), { runs: 3 }),
    ).resolves.toBe('done');
    expect(runs()).toBe(3);
  });

  it('gives up with the last error when the runs are used up', async () => {
    const { manager, runs } = managerFailing(deadlock, deadlock, deadlock);
    await expect(
      retriedTransaction(manager, () => Promise.resolve('done'), { runs: 2 }),
    ).rejects.toBe(deadlock);
    expect(runs()).toBe(2);
  });

  it('throws other errors at once unless the policy names them retryable', async () => {
    const other = new Error('duplicate entry');
    const once = managerFailing(other);
    await expect(
      retriedTransaction(once.manager, () => Promise.resolve(1), { runs: 5 }),
    ).rejects.toBe(other);
    expect(once.runs()).toBe(1);

    const retried = managerFailing(other);
    await expect(
      retriedTransaction(retried.manager, () => Promise.resolve(1), {
        runs: 5,
        retryable: (error) => error === other,
        pauseMsPerRun: 1,
      }),
    ).resolves.toBe(1);
    expect(retried.runs()).toBe(2);
  });
});
