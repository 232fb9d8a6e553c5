/** Typed views of response bodies (supertest types them as `any`). */

/** The distinct field names in a 400's or 503's `details`, in order. */
export function detailFields(body: unknown): string[] {
  const details = (body as { details?: Array<{ field: string }> }).details ?? [];
  return [...new Set(details.map((d) => d.field))];
}

/** The usernames of a `GET /users` answer, in order. */
export function usernames(body: unknown): string[] {
  return (body as Array<{ username: string }>).map((u) => u.username);
}

/** The decoded header or claims part of a JWT. */
export function jwtPart(token: unknown, part: 0 | 1): Record<string, unknown> {
  const segment = String(token).split('.')[part];
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}
