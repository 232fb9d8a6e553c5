import { CreateUsersAndRefreshTokens1764000000000 } from './1764000000000-CreateUsersAndRefreshTokens';
import { CreateTasks1764100000000 } from './1764100000000-CreateTasks';
import { CreateIdempotencyKeys1764100000001 } from './1764100000001-CreateIdempotencyKeys';
import { AddTaskEventDispatch1764200000000 } from './1764200000000-AddTaskEventDispatch';

/** Every migration in order; new ones are appended here. */
export const MIGRATIONS = [
  CreateUsersAndRefreshTokens1764000000000,
  CreateTasks1764100000000,
  CreateIdempotencyKeys1764100000001,
  AddTaskEventDispatch1764200000000,
];
