import { SetMetadata } from '@nestjs/common';

// Route policy, like @Public(): here rather than in rate-limit/, so the routes that opt out
// (metrics, health) do not import the module that depends on them (rate-limit counts in metrics).

export const AUTH_RATE_LIMIT_KEY = 'rateLimit:auth';
export const NO_RATE_LIMIT_KEY = 'rateLimit:none';

/** Counts the route against the stricter per-IP auth limit (login, register, refresh). */
export const AuthRateLimit = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_RATE_LIMIT_KEY, true);

/** Exempts a route or controller from every rate limit (health, metrics). */
export const NoRateLimit = (): MethodDecorator & ClassDecorator =>
  SetMetadata(NO_RATE_LIMIT_KEY, true);
