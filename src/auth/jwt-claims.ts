import { createSecretKey, KeyObject } from 'node:crypto';
import type { AuthUser } from '../common/decorators/current-user.decorator';

/** The only algorithm accepted and produced; pinned so that no other HMAC or `none` passes. */
export const JWT_ALGORITHM = 'HS256' as const;

/**
 * The HMAC key as a KeyObject, made once. Given a string, jsonwebtoken first tries to parse it as
 * a PEM public key on every sign and verify, and only after that throws makes a secret key:
 * measured at a third of the service's CPU time under a read load.
 */
export function jwtKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

export interface AccessTokenClaims {
  sub?: unknown;
  iat?: unknown;
  exp?: unknown;
}

/**
 * Turns verified claims into the caller, or null when they are incomplete. jsonwebtoken accepts
 * tokens without `exp`; this refuses them, and requires `iat` and a positive integer `sub`.
 */
export function authUserFromClaims(claims: AccessTokenClaims): AuthUser | null {
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return null;
  if (typeof claims.sub !== 'string' || !/^[1-9]\d{0,9}$/.test(claims.sub)) return null;
  return { id: Number(claims.sub) };
}
