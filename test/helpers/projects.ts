import type TestAgent from 'supertest/lib/agent';
import { Session, signUp } from './factories';

export const PROJECTS = '/api/v1/projects';

export type RoleName = 'viewer' | 'editor' | 'admin' | 'owner';

export interface ProjectJson {
  id: number;
  name: string;
  description: string;
  owner_id: number;
  is_inbox: boolean;
  role: RoleName;
  member_count: number;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MemberJson {
  user_id: number;
  username: string;
  role: RoleName;
  added_at: string;
}

export const PROJECT_KEYS = [
  'archived_at',
  'created_at',
  'description',
  'id',
  'is_inbox',
  'member_count',
  'name',
  'owner_id',
  'role',
  'updated_at',
];

export const membersPath = (projectId: number, userId?: number): string =>
  `${PROJECTS}/${projectId}/members${userId === undefined ? '' : `/${userId}`}`;

export async function createProject(
  http: TestAgent,
  owner: Session,
  body: { name: string; description?: string } = { name: 'Team project' },
): Promise<ProjectJson> {
  const res = await http.post(PROJECTS).set(owner.auth).send(body).expect(201);
  return res.body as ProjectJson;
}

/** Sets `user`'s role in the project as `actor`, expecting `status`. */
export async function setMember(
  http: TestAgent,
  actor: Session,
  projectId: number,
  user: Session,
  role: RoleName,
  status = 201,
): Promise<MemberJson> {
  const res = await http
    .put(membersPath(projectId, user.id))
    .set(actor.auth)
    .send({ role })
    .expect(status);
  return res.body as MemberJson;
}

export interface Team {
  project: ProjectJson;
  owner: Session;
  admin: Session;
  editor: Session;
  viewer: Session;
  /** A signed-in user who is no member. */
  stranger: Session;
}

export type People = Omit<Team, 'project'>;

/** Five signed-up users to play the roles of teams (signing up costs two bcrypt hashes). */
export async function newPeople(http: TestAgent): Promise<People> {
  const [owner, admin, editor, viewer, stranger] = await Promise.all(
    Array.from({ length: 5 }, () => signUp(http)),
  );
  return { owner, admin, editor, viewer, stranger };
}

/**
 * A fresh project with one member of each role and a stranger: new users, or `people` again (a
 * fresh project gives them fresh roles, so tests stay independent).
 */
export async function newTeam(http: TestAgent, people?: People): Promise<Team> {
  const { owner, admin, editor, viewer, stranger } = people ?? (await newPeople(http));
  const project = await createProject(http, owner, { name: `Team ${owner.username}` });
  await setMember(http, owner, project.id, admin, 'admin');
  await setMember(http, owner, project.id, editor, 'editor');
  await setMember(http, owner, project.id, viewer, 'viewer');
  return { project, owner, admin, editor, viewer, stranger };
}
