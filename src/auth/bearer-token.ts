import { UnauthorizedError } from '../common/errors/domain-errors';

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header; a missing or other header is a 401. */
export function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : BEARER.exec(header);
  if (!match) throw new UnauthorizedError('missing or invalid access token');
  return match[1];
}
