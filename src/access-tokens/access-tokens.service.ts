import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { loggableError } from '../common/errors/log-safe-error';
import {
  AccessTokenNotFoundError,
  InvalidAccessTokenError,
  TooManyAccessTokensError,
} from './access-token.errors';
import { hashAccessToken, isAccessTokenShape, newAccessToken } from './access-token-secret';
import { AccessTokensRepository } from './access-tokens.repository';
import type { CreateAccessTokenDto } from './dto/create-access-token.dto';
import {
  AccessTokenResponseDto,
  CreatedAccessTokenResponseDto,
  toAccessTokenResponse,
} from './dto/access-token-response.dto';

/** Live (not deleted) tokens a user may hold, so the list stays one small page. */
export const MAX_TOKENS_PER_USER = 50;

/**
 * `last_used_at` is refreshed at most this often per token, so that a script making many
 * requests costs one row write a minute, not one per request.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class AccessTokensService {
  private readonly logger = new Logger(AccessTokensService.name);

  constructor(private readonly tokens: AccessTokensRepository) {}

  async create(userId: number, dto: CreateAccessTokenDto): Promise<CreatedAccessTokenResponseDto> {
    // Counted before the insert: two concurrent creations may pass one over the cap, which only
    // bounds the list's size.
    if ((await this.tokens.countLive(userId)) >= MAX_TOKENS_PER_USER) {
      throw new TooManyAccessTokensError(MAX_TOKENS_PER_USER);
    }
    const now = new Date();
    const secret = newAccessToken();
    const token = await this.tokens.insert(
      {
        userId,
        name: dto.name,
        scopes: dto.scopes,
        tokenHash: hashAccessToken(secret),
        expiresAt: new Date(now.getTime() + dto.expires_in_days * DAY_MS),
      },
      now,
    );
    this.logger.log(
      { userId, tokenId: token.id, scopes: dto.scopes },
      'Personal access token created',
    );
    return { ...toAccessTokenResponse(token), token: secret };
  }

  async list(userId: number): Promise<AccessTokenResponseDto[]> {
    return (await this.tokens.listLive(userId)).map(toAccessTokenResponse);
  }

  /** Deletes the token; it stops working at once, since every request reads its row. */
  async delete(userId: number, id: number): Promise<void> {
    if (!(await this.tokens.revoke(userId, id, new Date()))) throw new AccessTokenNotFoundError();
    this.logger.log({ userId, tokenId: id }, 'Personal access token deleted');
  }

  /**
   * The caller a personal access token stands for, or InvalidAccessTokenError (401) when it is
   * malformed, unknown, deleted or expired. Not cached: one indexed read per request is what
   * makes a deletion effective at once on every instance.
   */
  async authenticate(token: string): Promise<Principal> {
    if (!isAccessTokenShape(token)) throw new InvalidAccessTokenError();
    const row = await this.tokens.findByHash(hashAccessToken(token));
    const now = new Date();
    if (!row || row.revokedAt !== null || row.expiresAt.getTime() <= now.getTime()) {
      throw new InvalidAccessTokenError();
    }
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (row.lastUsedAt === null || row.lastUsedAt.getTime() < staleBefore.getTime()) {
      // Bookkeeping only: a failed write must not fail the request it describes.
      await this.tokens.touch(row.id, now, staleBefore).catch((error: unknown) => {
        this.logger.warn(
          { tokenId: row.id, err: loggableError(error) },
          'last_used_at not recorded',
        );
      });
    }
    return {
      id: row.userId,
      kind: 'personal_access_token',
      tokenId: row.id,
      scopes: row.scopes,
      expiresAt: row.expiresAt,
    };
  }
}
