import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';

export const GRAPHQL = '/graphql';

/**
 * What a test reads from the data of its own query: any shape (the specs compare it with
 * `toEqual`, and read lists through idsOf).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of the test's own query
export type GqlJson = Record<string, any>;

export interface GqlError {
  message: string;
  path?: Array<string | number>;
  extensions: {
    code: string;
    requestId: string;
    details?: Array<{ field: string; message: string }>;
  };
}

export interface GqlBody<T = Record<string, unknown>> {
  data: T | null;
  errors?: GqlError[];
}

/** POSTs one GraphQL operation with `auth` (a Session's or token's headers, or none). */
export function gqlRequest(
  http: TestAgent,
  auth: { Authorization: string } | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Response> {
  const req = http.post(GRAPHQL).set('Content-Type', 'application/json');
  if (auth) void req.set(auth);
  return req.send(JSON.stringify(variables === undefined ? { query } : { query, variables }));
}

/** Runs an operation that must succeed (200, no errors) and returns its data. */
export async function gqlData<T = GqlJson>(
  http: TestAgent,
  auth: { Authorization: string } | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const res = await gqlRequest(http, auth, query, variables);
  const body = res.body as GqlBody<T>;
  if (res.status !== 200 || body.errors !== undefined) {
    throw new Error(`GraphQL ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return body.data as T;
}

/** The codes of a response's errors, in order. */
export function errorCodes(res: Response): string[] {
  return ((res.body as GqlBody).errors ?? []).map((e) => e.extensions?.code);
}

/** The `id`s of a list of objects (GraphQL nodes or REST items), in order. */
export function idsOf(list: unknown): number[] {
  return (list as Array<{ id: number }>).map((item) => item.id);
}

/** The fields named by the first error's `extensions.details`. */
export function detailFieldsOf(res: Response): string[] {
  const details = (res.body as GqlBody).errors?.[0]?.extensions.details ?? [];
  return details.map((d) => d.field);
}

/** The messages of a response's errors, in order. */
export function messagesOf(res: Response): string[] {
  return ((res.body as GqlBody).errors ?? []).map((e) => e.message);
}
