import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserIdentity } from './user-identity.entity';

@Injectable()
export class UserIdentitiesRepository {
  constructor(
    @InjectRepository(UserIdentity) private readonly identities: Repository<UserIdentity>,
  ) {}

  /** The id of the user linked to (provider, subject), or null. */
  async findUserId(provider: string, subject: string): Promise<number | null> {
    const identity = await this.identities.findOne({
      select: { userId: true },
      where: { provider, subject },
    });
    return identity ? Number(identity.userId) : null;
  }

  /**
   * Links (provider, subject) to a user, in the caller's transaction when given. A link that
   * already exists surfaces as ER_DUP_ENTRY from the unique key.
   */
  async insert(
    fields: Pick<UserIdentity, 'userId' | 'provider' | 'subject' | 'email'>,
    now: Date,
    manager: EntityManager = this.identities.manager,
  ): Promise<void> {
    await manager.insert(UserIdentity, { ...fields, createdAt: now });
  }
}
