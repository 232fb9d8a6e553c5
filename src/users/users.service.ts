import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, UnauthorizedError } from '../common/errors/domain-errors';
import { isDuplicateKeyError } from '../common/errors/database-errors';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

export class EmailTakenError extends ConflictError {
  constructor() {
    super('email is already registered');
  }
}

export class UsernameTakenError extends ConflictError {
  constructor() {
    super('username is already taken');
  }
}

const DEFAULT_SEARCH_LIMIT = 20;

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /**
   * Creates a user inside the caller's transaction; the unique keys decide duplicates, so
   * concurrent registrations stay 409 (the error also rolls the caller's transaction back).
   */
  async create(
    manager: EntityManager,
    fields: { username: string; email: string; passwordHash: string },
    now: Date,
  ): Promise<User> {
    try {
      return await this.users.insert(manager, fields, now);
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw String((error as Error).message).includes('uq_users_email')
          ? new EmailTakenError()
          : new UsernameTakenError();
      }
      throw error;
    }
  }

  findWithPasswordByEmail(email: string): Promise<User | null> {
    return this.users.findWithPasswordByEmail(email);
  }

  /** The user with this (lower-cased) email, without its password hash. */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email);
  }

  /** The signed-in caller; a token whose user no longer exists is no longer valid. */
  async getMe(userId: number): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw new UnauthorizedError('the user of this token no longer exists');
    return user;
  }

  search(prefix: string | undefined, limit: number | undefined): Promise<User[]> {
    return this.users.searchByUsernamePrefix(prefix?.trim() ?? '', limit ?? DEFAULT_SEARCH_LIMIT);
  }

  /** Usernames by user id; ids of users that do not exist are absent from the map. */
  async usernamesByIds(ids: readonly number[]): Promise<Map<number, string>> {
    const users = await this.users.findUsernames([...new Set(ids)]);
    return new Map(users.map((user) => [Number(user.id), user.username]));
  }

  exists(userId: number): Promise<boolean> {
    return this.users.existsById(userId);
  }
}
