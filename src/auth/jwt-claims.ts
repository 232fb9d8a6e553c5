import { createSecretKey, KeyObject } from 'node:crypto';
import type { AuthUser } from '../common/decorators/current-user.decorator';
import type { AppConfig } from '../config/env';

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

type JwtConfig = Pick<AppConfig['jwt'], 'issuer' | 'audience'>;

/**
 * What every access-token check verifies besides the signature and `exp`: the pinned algorithm,
 * and `iss` and `aud`, so that deployments sharing a secret never accept each other's tokens
 * (jsonwebtoken refuses a token whose claim is missing or different). Shared by the passport
 * strategy, JwtModule and the benchmark's floor server, so all check the same things.
 */
export function jwtVerifyOptions(jwt: JwtConfig): {
  algorithms: [typeof JWT_ALGORITHM];
  issuer: string;
  audience: string;
} {
  return { algorithms: [JWT_ALGORITHM], issuer: jwt.issuer, audience: jwt.audience };
}

/** Options of every access token signed: the claims `jwtVerifyOptions` checks. */
export function jwtSignOptions(jwt: JwtConfig & { expiresInSec: number }): {
  algorithm: typeof JWT_ALGORITHM;
  expiresIn: number;
  issuer: string;
  audience: string;
} {
  return {
    algorithm: JWT_ALGORITHM,
    expiresIn: jwt.expiresInSec,
    issuer: jwt.issuer,
    audience: jwt.audience,
  };
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
