import type TestAgent from 'supertest/lib/agent';
import type { DataSource } from 'typeorm';
import type { Session } from './factories';
import { membersPath, PROJECTS, ProjectJson, RoleName } from './projects';
import { TaskJson, TASKS } from './tasks';

export const STATUSES: ReadonlyArray<TaskJson['status']> = ['pending', 'in_progress', 'completed'];
export const PRIORITIES: ReadonlyArray<TaskJson['priority']> = ['low', 'medium', 'high'];
const RANK: Readonly<Record<RoleName, number>> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

/** A live project as the driver made it: what the API must enforce. */
export interface ProjectModel {
  id: number;
  inbox: boolean;
  ownerId: number;
  archived: boolean;
  members: Map<number, RoleName>;
}

/** Everything the driver has done so far, as the API answered it. */
export interface TaskWorld {
  users: readonly Session[];
  /** Live projects, inboxes included. */
  projects: ReadonlyMap<number, ProjectModel>;
  /** Live tasks as the API last answered them. */
  live: ReadonlyMap<number, TaskJson>;
}

export interface RandomTaskOpsOptions {
  /** The users who create, are assigned, are members and write (4 or more). */
  users: Session[];
  /** Seeds the sequence, so that a failing run can be replayed. */
  seed: number;
  steps: number;
  /** While fewer tasks than this are live, every step creates one. */
  minLive: number;
  /** Team projects kept alive (a deleted one is replaced at the next step). */
  teams: number;
  /** Titles and descriptions to draw from (default: unique titles, empty descriptions). */
  texts?: { titles: readonly string[]; descriptions: readonly string[] };
  /** The checks after each step; `op` says what the step did (for failure messages). */
  onStep(step: number, world: TaskWorld, op: string): Promise<void>;
}

/** Deterministic, so that a failing sequence can be replayed. */
export function prng(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 48271) % 2147483647;
    return state % n;
  };
}

const atLeast = (role: RoleName | undefined, min: RoleName): boolean =>
  role !== undefined && RANK[role] >= RANK[min];

/** Sending `body`, expecting `status` (a mismatch fails with the answer, to replay the case). */
async function send(
  req: ReturnType<TestAgent['get']>,
  actor: Session,
  body: object | undefined,
  status: number,
  op: string,
): Promise<Record<string, unknown>> {
  const res = await (body === undefined ? req.set(actor.auth) : req.set(actor.auth).send(body));
  if (res.status !== status) {
    throw new Error(`${op}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as Record<string, unknown>;
}

/**
 * Runs `steps` random writes through the API and calls `onStep` after each: task creates in the
 * users' inboxes and the team projects, updates of every counted or searched field (non-member
 * and null assignees included, by an editor or by the assignee for `status`), moves between
 * projects, deletes; membership changes (add with a role, change a role, remove, leave,
 * transfer ownership), archive and unarchive, and rarely a project's deletion. A task write in
 * an archived project (or a move into one) must answer 409 and change nothing.
 */
export async function runRandomTaskOps(
  http: TestAgent,
  o: RandomTaskOpsOptions,
): Promise<Record<string, number>> {
  const rand = prng(o.seed);
  /** How many steps of each kind ran: a spec checks that the sequence covered them all. */
  const tally: Record<string, number> = {};
  const count = (kind: string): void => {
    tally[kind] = (tally[kind] ?? 0) + 1;
  };
  const pick = <T>(items: readonly T[]): T => items[rand(items.length)];
  const projects = new Map<number, ProjectModel>();
  const live = new Map<number, TaskJson>();
  const world: TaskWorld = { users: o.users, projects, live };
  const byId = (id: number): Session => o.users.find((u) => u.id === id)!;
  const teams = (): ProjectModel[] => [...projects.values()].filter((p) => !p.inbox);
  let sequence = 0;
  const title = (): string => (o.texts ? pick(o.texts.titles) : `task ${o.seed}-${++sequence}`);
  const description = (): string => (o.texts ? pick(o.texts.descriptions) : '');
  /** None (1 in 4), the actor (1 in 4) or any user, a member of the project or not. */
  const someone = (actor: Session): number | null => {
    const r = rand(4);
    return r === 0 ? null : r === 1 ? actor.id : pick(o.users).id;
  };

  for (const user of o.users) {
    const res = await http.get(PROJECTS).set(user.auth).query({ page_size: 1 }).expect(200);
    const inbox = (res.body as ProjectJson[])[0];
    if (!inbox?.is_inbox) throw new Error(`user ${user.id}: no inbox first`);
    projects.set(inbox.id, {
      id: inbox.id,
      inbox: true,
      ownerId: user.id,
      archived: false,
      members: new Map([[user.id, 'owner']]),
    });
  }

  async function createTeam(): Promise<string> {
    const owner = pick(o.users);
    const body = await send(http.post(PROJECTS), owner, { name: `team ${o.seed}` }, 201, 'team');
    const team: ProjectModel = {
      id: Number(body.id),
      inbox: false,
      ownerId: owner.id,
      archived: false,
      members: new Map([[owner.id, 'owner']]),
    };
    projects.set(team.id, team);
    for (const user of o.users) {
      if (user.id === owner.id || rand(3) === 0) continue;
      const role = pick<RoleName>(['viewer', 'editor', 'editor', 'admin']);
      await send(http.put(membersPath(team.id, user.id)), owner, { role }, 201, 'add member');
      team.members.set(user.id, role);
    }
    return `create team ${team.id} ${JSON.stringify([...team.members])}`;
  }

  async function createTask(): Promise<string> {
    const actor = pick(o.users);
    const project = pick(
      [...projects.values()].filter((p) => atLeast(p.members.get(actor.id), 'editor')),
    );
    const body: Record<string, unknown> = {
      title: title(),
      description: description(),
      status: pick(STATUSES),
      priority: pick(PRIORITIES),
      assignee_id: someone(actor),
    };
    // An inbox is also the default project.
    if (!project.inbox || rand(2) === 0) body.project_id = project.id;
    const op = `create ${JSON.stringify(body)} by ${actor.id} in ${project.id}`;
    const status = project.archived ? 409 : 201;
    const task = await send(http.post(TASKS), actor, body, status, op);
    if (status === 201) live.set(Number(task.id), task as unknown as TaskJson);
    count(status === 201 ? 'create' : 'refused');
    return op;
  }

  async function updateTask(): Promise<string> {
    const task = pick([...live.values()]);
    const project = projects.get(task.project_id)!;
    const editors = o.users.filter((u) => atLeast(project.members.get(u.id), 'editor'));
    const assignee =
      task.assignee_id !== null && !atLeast(project.members.get(task.assignee_id), 'editor')
        ? byId(task.assignee_id)
        : undefined;
    let actor: Session;
    let body: Record<string, unknown>;
    let target: ProjectModel | undefined;
    if (assignee && rand(4) === 0) {
      actor = assignee;
      body = { status: pick(STATUSES) };
    } else {
      actor = pick(editors);
      const targets = [...projects.values()].filter(
        (p) => p.id !== project.id && atLeast(p.members.get(actor.id), 'editor'),
      );
      const bodies: Array<() => Record<string, unknown>> = [
        () => ({ status: pick(STATUSES) }),
        () => ({ priority: pick(PRIORITIES) }),
        () => ({ title: title() }),
        () => ({ description: description() }),
        () => ({ assignee_id: someone(actor) }),
        () => ({ assignee_id: null }),
        () => ({ status: pick(STATUSES), priority: pick(PRIORITIES), assignee_id: someone(actor) }),
        () => ({ title: title(), description: description(), assignee_id: someone(actor) }),
      ];
      if (targets.length > 0) {
        target = pick(targets);
        const to = target.id;
        bodies.push(
          () => ({ project_id: to }),
          () => ({ project_id: to, assignee_id: someone(actor), status: pick(STATUSES) }),
        );
      }
      body = pick(bodies)();
      if (body.project_id === undefined) target = undefined;
    }
    const op = `patch ${task.id} (project ${project.id}) ${JSON.stringify(body)} by ${actor.id}`;
    const status = project.archived || target?.archived ? 409 : 200;
    const after = await send(http.patch(`${TASKS}/${task.id}`), actor, body, status, op);
    if (status === 200) live.set(task.id, after as unknown as TaskJson);
    count(status !== 200 ? 'refused' : target ? 'move' : actor === assignee ? 'status' : 'update');
    return op;
  }

  async function deleteTask(): Promise<string> {
    const task = pick([...live.values()]);
    const project = projects.get(task.project_id)!;
    const actor = pick(o.users.filter((u) => atLeast(project.members.get(u.id), 'editor')));
    const op = `delete ${task.id} (project ${project.id}) by ${actor.id}`;
    const status = project.archived ? 409 : 200;
    await send(http.delete(`${TASKS}/${task.id}`), actor, undefined, status, op);
    if (status === 200) live.delete(task.id);
    count(status === 200 ? 'delete' : 'refused');
    return op;
  }

  /** An admin (or the owner) who may manage `target` (not an admin, unless the owner acts). */
  const managerOf = (team: ProjectModel, targetId: number, roles: RoleName[]): Session => {
    const owner = byId(team.ownerId);
    if (roles.includes('admin') || rand(2) === 0) return owner;
    const admins = [...team.members].filter(([id, r]) => r === 'admin' && id !== targetId);
    return admins.length > 0 ? byId(pick(admins)[0]) : owner;
  };

  async function changeMembership(): Promise<string> {
    const team = pick(teams());
    const others = [...team.members].filter(([, role]) => role !== 'owner');
    const outsiders = o.users.filter((u) => !team.members.has(u.id));
    const kind = rand(10);
    if ((kind < 3 || others.length === 0) && outsiders.length > 0) {
      const user = pick(outsiders);
      const role = pick<RoleName>(['viewer', 'editor', 'admin']);
      const actor = managerOf(team, user.id, [role]);
      const op = `add ${user.id} as ${role} to ${team.id} by ${actor.id}`;
      await send(http.put(membersPath(team.id, user.id)), actor, { role }, 201, op);
      team.members.set(user.id, role);
      count('add member');
      return op;
    }
    if (others.length === 0) return 'nothing (a team of one, everyone in it)';
    const [id, role] = pick(others);
    if (kind < 6) {
      const next = pick((['viewer', 'editor', 'admin'] as RoleName[]).filter((r) => r !== role));
      const actor = managerOf(team, id, [role, next]);
      const op = `set ${id} ${role} -> ${next} in ${team.id} by ${actor.id}`;
      await send(http.put(membersPath(team.id, id)), actor, { role: next }, 200, op);
      team.members.set(id, next);
      count('change role');
      return op;
    }
    if (kind < 9) {
      // Removed by a manager, or leaving.
      const actor = rand(2) === 0 ? byId(id) : managerOf(team, id, [role]);
      const op = `remove ${id} (${role}) from ${team.id} by ${actor.id}`;
      await send(http.delete(membersPath(team.id, id)), actor, undefined, 204, op);
      team.members.delete(id);
      count(actor.id === id ? 'leave' : 'remove member');
      return op;
    }
    const op = `transfer ${team.id} from ${team.ownerId} to ${id}`;
    await send(http.put(membersPath(team.id, id)), byId(team.ownerId), { role: 'owner' }, 200, op);
    team.members.set(team.ownerId, 'admin');
    team.members.set(id, 'owner');
    team.ownerId = id;
    count('transfer');
    return op;
  }

  async function toggleArchive(): Promise<string> {
    const team = pick(teams());
    const admins = [...team.members].filter(([, r]) => atLeast(r, 'admin'));
    const actor = byId(pick(admins)[0]);
    const op = `${team.archived ? 'unarchive' : 'archive'} ${team.id} by ${actor.id}`;
    await send(http.patch(`${PROJECTS}/${team.id}`), actor, { archived: !team.archived }, 200, op);
    team.archived = !team.archived;
    count(team.archived ? 'archive' : 'unarchive');
    return op;
  }

  async function deleteTeam(): Promise<string> {
    const team = pick(teams());
    const op = `delete project ${team.id}`;
    await send(http.delete(`${PROJECTS}/${team.id}`), byId(team.ownerId), undefined, 204, op);
    projects.delete(team.id);
    for (const task of [...live.values()]) if (task.project_id === team.id) live.delete(task.id);
    count('delete project');
    return op;
  }

  for (let step = 1; step <= o.steps; step += 1) {
    let op: string;
    const r = rand(100);
    if (teams().length < o.teams) op = await createTeam();
    else if (live.size < o.minLive || r < 28) op = await createTask();
    else if (r < 66) op = await updateTask();
    else if (r < 74) op = await deleteTask();
    else if (r < 90) op = await changeMembership();
    else if (r < 98) op = await toggleArchive();
    else op = await deleteTeam();
    await o.onStep(step, world, `step ${step}: ${op}`);
  }
  return tally;
}

/** Every kind of step a long enough sequence must have run. */
export const STEP_KINDS = [
  'create',
  'update',
  'status',
  'move',
  'delete',
  'refused',
  'add member',
  'change role',
  'remove member',
  'leave',
  'transfer',
  'archive',
  'unarchive',
  'delete project',
];

/** The user's live projects in `world`. */
export function memberProjects(world: TaskWorld, userId: number): number[] {
  return [...world.projects.values()].filter((p) => p.members.has(userId)).map((p) => p.id);
}

const STATUS_CODES = { pending: 1, in_progress: 2, completed: 3 } as const;
const PRIORITY_CODES = { low: 1, medium: 2, high: 3 } as const;

/**
 * The users' live tasks and memberships of live projects equal what the API answered: in
 * particular a write refused with 409 (archived project) changed nothing, and a deleted project
 * took its tasks along.
 */
export async function expectStoreAsAnswered(ds: DataSource, world: TaskWorld): Promise<void> {
  const userIds = world.users.map((u) => u.id);
  const rows = await ds.query<Array<Record<string, unknown>>>(
    `SELECT t.id, t.project_id, t.user_id, t.assignee_id, t.status, t.priority, t.title,
       t.description
     FROM tasks t WHERE t.deleted_at IS NULL AND t.user_id IN (?) ORDER BY t.id`,
    [userIds],
  );
  const actual = rows.map((r) => [
    Number(r.id),
    Number(r.project_id),
    Number(r.user_id),
    r.assignee_id === null ? null : Number(r.assignee_id),
    Number(r.status),
    Number(r.priority),
    r.title,
    r.description,
  ]);
  const expected = [...world.live.values()]
    .sort((a, b) => a.id - b.id)
    .map((t) => [
      t.id,
      t.project_id,
      t.user_id,
      t.assignee_id,
      STATUS_CODES[t.status],
      PRIORITY_CODES[t.priority],
      t.title,
      t.description,
    ]);
  expect(actual).toEqual(expected);
  const members = await ds.query<Array<Record<string, unknown>>>(
    `SELECT m.project_id, m.user_id, m.role, p.archived_at IS NOT NULL AS archived
     FROM project_members m JOIN projects p ON p.id = m.project_id
     WHERE p.deleted_at IS NULL AND m.user_id IN (?) ORDER BY m.project_id, m.user_id`,
    [userIds],
  );
  const roles: RoleName[] = ['viewer', 'editor', 'admin', 'owner'];
  expect(
    members.map((m) => [
      Number(m.project_id),
      Number(m.user_id),
      roles[Number(m.role) - 1],
      Number(m.archived) === 1,
    ]),
  ).toEqual(
    [...world.projects.values()]
      .sort((a, b) => a.id - b.id)
      .flatMap((p) =>
        [...p.members]
          .sort(([a], [b]) => a - b)
          .map(([userId, role]) => [p.id, userId, role, p.archived]),
      ),
  );
}
