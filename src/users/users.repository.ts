import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User } from './user.entity';

/** Escapes LIKE wildcards so that `%` and `_` in user input match themselves. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /**
   * Inserts a user with its task_counts cells, all at zero, in one transaction: task writes then
   * only ever update existing counter rows. A duplicate email or username surfaces as
   * ER_DUP_ENTRY from the unique keys.
   */
  async insert(
    fields: Pick<User, 'username' | 'email' | 'passwordHash'>,
    now: Date,
  ): Promise<User> {
    const user = this.users.create({ ...fields, createdAt: now, updatedAt: now });
    return this.users.manager.transaction(async (manager) => {
      const result = await manager.insert(User, user);
      user.id = Number(result.identifiers[0].id);
      // Interim: the user's inbox (the projects module takes this over).
      const inbox = await manager.query<{ insertId: number }>(
        "INSERT INTO projects (name, description, owner_id, inbox_of, member_count, access_version, created_at, updated_at) VALUES ('Inbox', '', ?, ?, 1, 1, ?, ?)",
        [user.id, user.id, now, now],
      );
      await manager.query(
        'INSERT INTO project_members (user_id, project_id, role, added_at) VALUES (?, ?, 4, ?)',
        [user.id, inbox.insertId, now],
      );
      return user;
    });
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
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

  async existsById(id: number): Promise<boolean> {
    return (await this.users.countBy({ id })) > 0;
  }
}
