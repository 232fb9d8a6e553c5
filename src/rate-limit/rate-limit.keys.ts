/** The per-IP limit of anonymous callers (RATE_LIMIT_IP_PER_MINUTE). */
export const IP_THROTTLER = 'ip';

/** Every limit counts in fixed one-minute windows. */
export const WINDOW_MS = 60_000;

/** The tracker of a caller by client IP (Fastify's `request.ip`, which honours TRUST_PROXY). */
export const ipTracker = (ip: string): string => `ip:${ip}`;

/** One counter per limit and caller across all routes (the throttler default is per route). */
export const rateLimitKey = (name: string, tracker: string): string => `rl:${name}:${tracker}`;
