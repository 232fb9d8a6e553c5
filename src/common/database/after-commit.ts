import { Logger } from '@nestjs/common';
import type {
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

type Callback = () => Promise<void> | void;

const pending = new WeakMap<QueryRunner, Callback[]>();
const logger = new Logger('AfterCommit');

/**
 * Runs `callback` once the transaction of `manager` has committed, and never if it rolls back:
 * for side effects that must not announce data a rollback could still take back (a real-time
 * event published before COMMIT could reach a client and then vanish). Without a transaction the
 * work is already committed, so the callback runs on the next tick. A callback's failure is
 * logged, never thrown: the transaction it follows has committed already.
 */
export function afterCommit(manager: EntityManager, callback: Callback): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    setImmediate(() => void runSafely(callback));
    return;
  }
  const callbacks = pending.get(runner) ?? [];
  callbacks.push(callback);
  pending.set(runner, callbacks);
}

async function runSafely(callback: Callback): Promise<void> {
  try {
    await callback();
  } catch (error) {
    logger.error(`After-commit callback failed: ${String(error)}`);
  }
}

/**
 * Installed on the DataSource (see DatabaseModule): runs the callbacks of `afterCommit` once the
 * outermost transaction has committed (TypeORM also reports a released savepoint as a commit,
 * with the transaction still active) and awaits them, so a job or request that committed ends
 * only after its announcements left. Every callback catches its own errors: a throw here would
 * make a committed transaction look failed to its caller.
 */
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    if (runner.isTransactionActive) return;
    const callbacks = pending.get(runner);
    if (!callbacks) return;
    pending.delete(runner);
    for (const callback of callbacks) await runSafely(callback);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) pending.delete(event.queryRunner);
  }
}
