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

  async existsById(id: number): Promise<boolean> {
    return (await this.users.countBy({ id })) > 0;
  }
}
