import type TestAgent from 'supertest/lib/agent';
import type { Session } from './factories';

export const TOKENS = '/api/v1/users/me/tokens';

/** Every scope of the contract (API.md, Personal access tokens). */
export const ALL_SCOPES = [
  'tasks:read',
  'tasks:write',
  'projects:read',
  'projects:write',
  'webhooks',
  'notifications',
] as const;

export interface AccessTokenJson {
  id: number;
  name: string;
  scopes: string[];
  token: string;
  expires_at: string;
  last_used_at: string | null;
  created_at: string;
}

export interface AccessToken extends AccessTokenJson {
  auth: { Authorization: string };
}

let sequence = 0;

/** Creates a personal access token of `owner` (201 expected) with `scopes`. */
export async function createAccessToken(
  http: TestAgent,
  owner: Session,
  scopes: readonly string[],
  body: Record<string, unknown> = {},
): Promise<AccessToken> {
  sequence += 1;
  const res = await http
    .post(TOKENS)
    .set(owner.auth)
    .send({ name: `token ${sequence}`, scopes, expires_in_days: 30, ...body });
  if (res.status !== 201) {
    throw new Error(`create token: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const json = res.body as AccessTokenJson;
  return { ...json, auth: { Authorization: `Bearer ${json.token}` } };
}
