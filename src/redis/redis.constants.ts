/** Injection token of the shared request-path Redis client (fail-fast, key-prefixed). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
