import type { EntityManager } from 'typeorm';

/** MySQL ER_LOCK_DEADLOCK: InnoDB rolled the transaction back; it may simply run again. */
export function isDeadlock(error: unknown): boolean {
  const e = error as { errno?: unknown; driverError?: { errno?: unknown } } | null;
  return e?.errno === 1213 || e?.driverError?.errno === 1213;
}

export interface RetryPolicy {
  /** Runs before the error of the last one is final. */
  runs: number;
  /** Other errors worth another run (a deadlock always is). */
  retryable?: (error: unknown) => boolean;
  /**
   * Upper bound of a random pause before run n + 1, in ms times n (0: run again at once). A
   * pause lets the winner of a lock crossing commit before the loser tries again.
   */
  pauseMsPerRun?: number;
}

/**
 * Runs `work` in one transaction of `manager`, again (whole) after a deadlock: InnoDB resolves
 * crossing lock orders by rolling one transaction back, and the rolled-back one may simply run
 * again. `work` must therefore have no effect outside the transaction before it commits.
 */
export async function retriedTransaction<T>(
  manager: EntityManager,
  work: (manager: EntityManager) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await manager.transaction(work);
    } catch (error) {
      if (run >= policy.runs || !(isDeadlock(error) || policy.retryable?.(error))) throw error;
      const pause = policy.pauseMsPerRun ?? 0;
      if (pause > 0)
        await new Promise((resolve) => setTimeout(resolve, Math.random() * pause * run));
    }
  }
}
