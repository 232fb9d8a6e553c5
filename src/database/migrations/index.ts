import { CreateUsersAndRefreshTokens1764000000000 } from './1764000000000-CreateUsersAndRefreshTokens';

/** Every migration in order; new ones are appended here. */
export const MIGRATIONS = [CreateUsersAndRefreshTokens1764000000000];
