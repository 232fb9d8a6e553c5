import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';

export type RotationOutcome =
  | { kind: 'rotated'; token: RefreshToken }
  | { kind: 'unknown' | 'expired' | 'revoked' }
  | { kind: 'reused'; token: RefreshToken };

@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>) {}

  async insert(
    fields: Pick<RefreshToken, 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'>,
    now: Date,
    manager: EntityManager = this.tokens.manager,
  ): Promise<void> {
    await manager.insert(RefreshToken, {
      ...fields,
      createdAt: now,
      rotatedAt: null,
      revokedAt: null,
    });
  }

  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.tokens.findOneBy({ tokenHash });
  }

  /**
   * Retires the token with `tokenHash` and stores its successor, in one transaction. The retire
   * step is a conditional UPDATE (`rotated_at IS NULL AND revoked_at IS NULL`) whose affected-row
   * count decides the winner, so of any number of concurrent refreshes exactly one succeeds;
   * the others presented a token that is retired by then and count as a replay.
   */
  async rotate(
    tokenHash: string,
    now: Date,
    successor: (current: RefreshToken, manager: EntityManager) => Promise<void>,
  ): Promise<RotationOutcome> {
    return this.tokens.manager.transaction(async (manager) => {
      const current = await manager.findOneBy(RefreshToken, { tokenHash });
      if (!current) return { kind: 'unknown' };
      if (current.revokedAt) return { kind: 'revoked' };
      if (current.rotatedAt) return { kind: 'reused', token: current };
      if (current.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };

      const result = await manager.update(
        RefreshToken,
        { id: current.id, rotatedAt: IsNull(), revokedAt: IsNull() },
        { rotatedAt: now },
      );
      if (result.affected !== 1) return { kind: 'reused', token: current };
      await successor(current, manager);
      return { kind: 'rotated', token: current };
    });
  }

  /** Revokes every live token of a family (logout, or a detected replay). */
  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: now });
  }

  /** Revokes every live token of a user, every family (a password change or reset). */
  async revokeAllOfUser(
    userId: number,
    now: Date,
    manager: EntityManager = this.tokens.manager,
  ): Promise<number> {
    const result = await manager.update(
      RefreshToken,
      { userId, revokedAt: IsNull() },
      { revokedAt: now },
    );
    return result.affected ?? 0;
  }
}
