import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ServiceUnavailableError, ValidationFailedError } from '../../common/errors/domain-errors';
import { JobsService } from '../../jobs/jobs.service';
import { MailService } from '../../mail/mail.service';
import { UsersService } from '../../users/users.service';
import { hashPassword } from '../auth.service';
import { RefreshTokensRepository } from '../refresh-tokens.repository';
import { hashRefreshToken } from '../token-hash';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';

/** Without SMTP_URL no link can reach anyone: the route says so instead of pretending. */
export class PasswordResetUnavailableError extends ServiceUnavailableError {
  constructor() {
    super(
      'Password reset is unavailable: this server sends no email (SMTP_URL is not set)',
      undefined,
      3600,
    );
  }
}

@Injectable()
export class PasswordResetService {
  constructor(
    private readonly mail: MailService,
    private readonly jobs: JobsService,
    private readonly users: UsersService,
    private readonly tokens: PasswordResetTokensRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Queues the reset email job and returns, whatever the email: the request does the same work
   * (no lookup, one enqueue) for a known and an unknown address, so neither the answer nor its
   * time tells them apart. The job looks the user up and sends the link, if there is one.
   */
  async forgot(email: string): Promise<void> {
    if (!this.mail.enabled) throw new PasswordResetUnavailableError();
    const requestId = randomUUID();
    await this.jobs.enqueue(
      'mail.password-reset',
      { requestId, email },
      { jobId: `password-reset-${requestId}` },
    );
  }

  /**
   * Sets the new password if the token is live, in one transaction with spending the token
   * (every open token of the user: older links die too) and revoking every refresh token of
   * the user, so a thief's sessions end with the reset. The token row is locked, so of two
   * concurrent resets with one token exactly one succeeds.
   */
  async reset(token: string, newPassword: string): Promise<void> {
    // Hashed before the transaction: bcrypt must not run while a row is locked.
    const passwordHash = await hashPassword(newPassword);
    const now = new Date();
    await this.dataSource.transaction(async (manager) => {
      const row = await this.tokens.lockByHash(manager, hashRefreshToken(token));
      if (!row || row.usedAt !== null || row.expiresAt.getTime() <= now.getTime()) {
        throw ValidationFailedError.forField(
          'token',
          'the reset token is invalid, expired or already used',
        );
      }
      await this.tokens.markAllUsed(manager, row.userId, now);
      await this.users.updatePasswordHash(manager, row.userId, passwordHash, now);
      await this.refreshTokens.revokeAllOfUser(row.userId, now, manager);
    });
  }
}
