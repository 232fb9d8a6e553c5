import type TestAgent from 'supertest/lib/agent';
import type { Session } from './factories';
import { createTask, TaskJson, TASKS } from './tasks';

const STATUSES: ReadonlyArray<TaskJson['status']> = ['pending', 'in_progress', 'completed'];
const PRIORITIES: ReadonlyArray<TaskJson['priority']> = ['low', 'medium', 'high'];

/** The random choices a spec's callbacks draw from (one seeded sequence for the whole run). */
export interface RandomChoices {
  /** One of `items`. */
  pick<T>(items: readonly T[]): T;
  /** An assignee for a task of `owner`: none (1 in 4), the owner (1 in 4) or any of the users. */
  someone(owner: Session): number | null;
}

export interface RandomTaskOpsOptions {
  /** The users who own, are assigned and write the tasks. */
  users: Session[];
  /** Seeds the sequence, so that a failing run can be replayed. */
  seed: number;
  steps: number;
  /** While fewer tasks than this are live, every step creates one. */
  minLive: number;
  /** A patch of a task assigned to another user is sent by that assignee 1 time in N. */
  assigneePatchOneIn: number;
  /**
   * More fields of a created task (its title defaults to a unique one); its status, priority and
   * assignee are always random.
   */
  createFields?(r: RandomChoices): Record<string, unknown>;
  /** The bodies the owner may send at `step`; one of them is sent. */
  patchBodies(owner: Session, step: number, r: RandomChoices): Array<Record<string, unknown>>;
  /** The checks after each step; `live` holds every live task as the API last answered it. */
  onStep(step: number, live: ReadonlyMap<number, TaskJson>): Promise<void>;
}

/** Deterministic, so that a failing sequence can be replayed. */
function prng(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 48271) % 2147483647;
    return state % n;
  };
}

/**
 * Runs `steps` random writes through the API: a create (3 in 10), a patch (6 in 10) by the owner,
 * or by the assignee (who may change the status only), or a delete by the owner (1 in 10); after
 * each, `onStep`.
 */
export async function runRandomTaskOps(http: TestAgent, o: RandomTaskOpsOptions): Promise<void> {
  const rand = prng(o.seed);
  const pick = <T>(items: readonly T[]): T => items[rand(items.length)];
  const someone = (owner: Session): number | null => {
    const r = rand(4);
    return r === 0 ? null : r === 1 ? owner.id : pick(o.users).id;
  };
  const choices: RandomChoices = { pick, someone };
  const ownerOf = (task: TaskJson): Session => o.users.find((u) => u.id === task.user_id)!;
  const live = new Map<number, TaskJson>();

  for (let step = 1; step <= o.steps; step += 1) {
    const op = live.size < o.minLive ? 0 : rand(10);
    if (op < 3) {
      const owner = pick(o.users);
      const task = await createTask(http, owner, {
        ...o.createFields?.(choices),
        status: pick(STATUSES),
        priority: pick(PRIORITIES),
        assignee_id: someone(owner),
      });
      live.set(task.id, task);
    } else if (op < 9) {
      const task = pick([...live.values()]);
      const owner = ownerOf(task);
      const assignee = o.users.find((u) => u.id === task.assignee_id && u.id !== task.user_id);
      const byAssignee = assignee !== undefined && rand(o.assigneePatchOneIn) === 0;
      let body: Record<string, unknown>;
      if (byAssignee) body = { status: pick(STATUSES) };
      else body = pick(o.patchBodies(owner, step, choices));
      const res = await http
        .patch(`${TASKS}/${task.id}`)
        .set((byAssignee ? assignee : owner).auth)
        .send(body)
        .expect(200);
      live.set(task.id, res.body as TaskJson);
    } else {
      const task = pick([...live.values()]);
      await http.delete(`${TASKS}/${task.id}`).set(ownerOf(task).auth).expect(200);
      live.delete(task.id);
    }
    await o.onStep(step, live);
  }
}
