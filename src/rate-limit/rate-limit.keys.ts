/** The per-IP limit of anonymous callers (RATE_LIMIT_IP_PER_MINUTE). */
export const IP_THROTTLER = 'ip';

/** The per-user limit of signed-in callers (RATE_LIMIT_PER_MINUTE). */
export const USER_THROTTLER = 'user';

/** The tracker of a signed-in caller (a session or any of its personal access tokens). */
export const userTracker = (userId: number): string => `user:${userId}`;

/** Every limit counts in fixed one-minute windows. */
export const WINDOW_MS = 60_000;

/** The tracker of a caller by client IP (Fastify's `request.ip`, which honours TRUST_PROXY). */
export const ipTracker = (ip: string): string => `ip:${ip}`;

/** One counter per limit and caller across all routes (the throttler default is per route). */
export const rateLimitKey = (name: string, tracker: string): string => `rl:${name}:${tracker}`;
