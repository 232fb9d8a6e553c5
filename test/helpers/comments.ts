import type TestAgent from 'supertest/lib/agent';
import type { Session } from './factories';
import { TASKS } from './tasks';

export interface CommentJson {
  id: number;
  task_id: number;
  author: { id: number; username: string };
  body: string;
  mentions: number[];
  created_at: string;
  edited_at: string | null;
}

export const COMMENT_KEYS = [
  'author',
  'body',
  'created_at',
  'edited_at',
  'id',
  'mentions',
  'task_id',
];

export const commentsPath = (taskId: number, commentId?: number): string =>
  `${TASKS}/${taskId}/comments${commentId === undefined ? '' : `/${commentId}`}`;

/** Comments on the task as `author` (201 expected) and returns the comment. */
export async function comment(
  http: TestAgent,
  author: Session,
  taskId: number,
  body: string,
): Promise<CommentJson> {
  const res = await http.post(commentsPath(taskId)).set(author.auth).send({ body });
  if (res.status !== 201) {
    throw new Error(`comment: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as CommentJson;
}

/** The first page (up to 100) of the task's comments as `user` sees them (200 expected). */
export async function commentsOf(
  http: TestAgent,
  user: Session,
  taskId: number,
): Promise<CommentJson[]> {
  const res = await http
    .get(`${commentsPath(taskId)}?page_size=100`)
    .set(user.auth)
    .expect(200);
  return res.body as CommentJson[];
}
