import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { PersonalAccessToken } from './personal-access-token.entity';

/** What a request's authentication needs of a token: no name, no hash. */
export type TokenCredentials = Pick<
  PersonalAccessToken,
  'id' | 'userId' | 'scopes' | 'expiresAt' | 'lastUsedAt' | 'revokedAt'
>;

@Injectable()
export class AccessTokensRepository {
  constructor(
    @InjectRepository(PersonalAccessToken)
    private readonly tokens: Repository<PersonalAccessToken>,
  ) {}

  async insert(
    fields: Pick<PersonalAccessToken, 'userId' | 'name' | 'scopes' | 'tokenHash' | 'expiresAt'>,
    now: Date,
  ): Promise<PersonalAccessToken> {
    const token = this.tokens.create({
      ...fields,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    });
    const result = await this.tokens.insert(token);
    token.id = Number(result.identifiers[0].id);
    return token;
  }

  /** The user's tokens that were not deleted (expired ones included), newest first. */
  listLive(userId: number): Promise<PersonalAccessToken[]> {
    return this.tokens.find({
      where: { userId, revokedAt: IsNull() },
      order: { id: 'DESC' },
    });
  }

  countLive(userId: number): Promise<number> {
    return this.tokens.countBy({ userId, revokedAt: IsNull() });
  }

  /**
   * The token with this hash, deleted or not: one primary-key-sized read through the unique
   * index on `token_hash`, the whole cost of authenticating a request with a token.
   */
  findByHash(tokenHash: string): Promise<TokenCredentials | null> {
    return this.tokens.findOne({
      select: {
        id: true,
        userId: true,
        scopes: true,
        expiresAt: true,
        lastUsedAt: true,
        revokedAt: true,
      },
      where: { tokenHash },
    });
  }

  /**
   * Records a use. Conditional on the stored value being older than `staleBefore`, so that of
   * concurrent requests seeing the same stale value one row change is made at most.
   */
  async touch(id: number, now: Date, staleBefore: Date): Promise<void> {
    await this.tokens
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: now })
      .where('id = :id', { id })
      .andWhere('(last_used_at IS NULL OR last_used_at < :staleBefore)', { staleBefore })
      .execute();
  }

  /** Deletes (revokes) the user's token; false when it has none with this id. */
  async revoke(userId: number, id: number, now: Date): Promise<boolean> {
    const result = await this.tokens.update(
      { id, userId, revokedAt: IsNull() },
      { revokedAt: now },
    );
    return result.affected === 1;
  }
}
