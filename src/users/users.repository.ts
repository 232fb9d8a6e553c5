import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { User } from './user.entity';

/** Escapes LIKE wildcards so that `%` and `_` in user input match themselves. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /**
   * Inserts a user inside the caller's transaction (registration also makes the user's inbox in
   * it). A duplicate email or username surfaces as ER_DUP_ENTRY from the unique keys.
   */
  async insert(
    manager: EntityManager,
    fields: Pick<User, 'username' | 'email' | 'passwordHash'>,
    now: Date,
  ): Promise<User> {
    const user = this.users.create({ ...fields, createdAt: now, updatedAt: now });
    const result = await manager.insert(User, user);
    user.id = Number(result.identifiers[0].id);
    return user;
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  /** The user with its password hash, for the login check only. */
  findWithPasswordByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
  }

  /** The user with its password hash, for the password change's check of the current one. */
  findWithPasswordById(id: number): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
  }

  /** The users among `ids`, with what an email to them needs, read with `manager`. */
  findContacts(
    manager: EntityManager,
    ids: readonly number[],
  ): Promise<Array<Pick<User, 'id' | 'username' | 'email'>>> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager.find(User, {
      select: { id: true, username: true, email: true },
      where: { id: In([...ids]) },
    });
  }

  /** Sets a new password hash inside the caller's transaction. */
  async updatePasswordHash(
    manager: EntityManager,
    id: number,
    passwordHash: string,
    now: Date,
  ): Promise<void> {
    await manager.update(User, { id }, { passwordHash, updatedAt: now });
  }

  /** Usernames starting with `prefix` (served by the unique index), for assignee pickers. */
  searchByUsernamePrefix(prefix: string, limit: number): Promise<User[]> {
    const query = this.users.createQueryBuilder('u').orderBy('u.username', 'ASC').limit(limit);
    if (prefix) query.where('u.username LIKE :prefix', { prefix: `${escapeLike(prefix)}%` });
    return query.getMany();
  }

  /** The users among `ids` that exist, with their usernames only. */
  findUsernames(ids: readonly number[]): Promise<Array<Pick<User, 'id' | 'username'>>> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.users.find({ select: { id: true, username: true }, where: { id: In([...ids]) } });
  }

  /**
   * The users whose username is one of `names`, with their ids and usernames only. The column's
   * collation is case-insensitive, so `Alice` finds `alice` (served by the unique index).
   */
  findByUsernames(names: readonly string[]): Promise<Array<Pick<User, 'id' | 'username'>>> {
    if (names.length === 0) return Promise.resolve([]);
    return this.users.find({
      select: { id: true, username: true },
      where: { username: In([...names]) },
    });
  }

  async existsById(id: number): Promise<boolean> {
    return (await this.users.countBy({ id })) > 0;
  }
}
