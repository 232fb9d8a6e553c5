import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { PasswordResetToken } from './password-reset-token.entity';

@Injectable()
export class PasswordResetTokensRepository {
  constructor(
    @InjectRepository(PasswordResetToken)
    private readonly tokens: Repository<PasswordResetToken>,
  ) {}

  /**
   * The token of a forgot-password request, made on the first call. A retry keeps the first
   * expiry (the 30 minutes run from the first attempt) and, while the token is unused, takes
   * the hash given (the same one unless the secret it is derived from changed).
   */
  async upsertForRequest(
    fields: Pick<PasswordResetToken, 'userId' | 'requestId' | 'tokenHash' | 'expiresAt'>,
    now: Date,
  ): Promise<PasswordResetToken> {
    await this.tokens.query(
      'INSERT INTO password_reset_tokens (user_id, request_id, token_hash, expires_at, used_at, created_at) VALUES (?, ?, ?, ?, NULL, ?) ' +
        'ON DUPLICATE KEY UPDATE token_hash = IF(used_at IS NULL, VALUES(token_hash), token_hash)',
      [fields.userId, fields.requestId, fields.tokenHash, fields.expiresAt, now],
    );
    return this.tokens.findOneByOrFail({ requestId: fields.requestId });
  }

  /** The token with this hash, locked until the caller's transaction ends (single use). */
  lockByHash(manager: EntityManager, tokenHash: string): Promise<PasswordResetToken | null> {
    return manager
      .createQueryBuilder(PasswordResetToken, 't')
      .where('t.token_hash = :tokenHash', { tokenHash })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Spends every open token of the user: after a reset, older links stop working too. */
  async markAllUsed(manager: EntityManager, userId: number, now: Date): Promise<void> {
    await manager.update(PasswordResetToken, { userId, usedAt: IsNull() }, { usedAt: now });
  }
}
