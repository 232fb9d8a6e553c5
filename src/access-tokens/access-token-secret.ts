import { createHash, randomBytes } from 'node:crypto';

/**
 * Every personal access token starts with this, so the authentication service tells it from a
 * JWT without trying both, and secret scanners (GitHub's, gitleaks) can be taught to find
 * leaked ones.
 */
export const ACCESS_TOKEN_PREFIX = 'tms_';

/** The secret's length after the prefix: 32 random bytes in base64url. */
const SECRET_LENGTH = 43;
const SHAPE = new RegExp(`^${ACCESS_TOKEN_PREFIX}[A-Za-z0-9_-]{${SECRET_LENGTH}}$`);

/** A new token: the prefix and 256 random bits, URL-safe. */
export function newAccessToken(): string {
  return `${ACCESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** True for a string that could be a token this service issued (no database query needed). */
export function isAccessTokenShape(token: string): boolean {
  return SHAPE.test(token);
}

/**
 * Tokens are stored only as their SHA-256 (as refresh tokens are, see auth/token-hash.ts): the
 * secret has 256 random bits, so a fast hash is enough and keeps the per-request lookup cheap.
 */
export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
