import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { deriveKey } from '../../common/crypto/derived-key';
import { AppConfigType, InjectAppConfig } from '../../config/app-config';
import { JobHandler, JobHandlerInstance, PermanentJobError } from '../../jobs/job-handler';
import { waitForLease } from '../../mail/mail-send.handler';
import { EmailBusyError, MailService } from '../../mail/mail.service';
import { UsersService } from '../../users/users.service';
import { hashRefreshToken } from '../token-hash';
import { renderPasswordResetEmail } from './password-reset-email';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { RESET_TOKEN_TTL_MS, resetLink, resetTokenFor } from './reset-token';

export interface PasswordResetMailPayload {
  /** The forgot-password request (a UUID): the token and the email are keyed on it. */
  requestId: string;
  /** As typed (lower-cased); it may belong to nobody. */
  email: string;
}

declare module '../../jobs/job-registry' {
  interface JobPayloads {
    /** Make the reset token of a forgot-password request and email its link, if the account exists. */
    'mail.password-reset': PasswordResetMailPayload;
  }
}

type Outcome = 'sent' | 'already-sent' | 'no-account' | 'token-used' | 'token-expired';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The second half of forgot-password, off the request path. Idempotent on redelivery: the
 * token is derived from the request id (the same link every attempt), its row is keyed on the
 * request id, and MailService sends one email per (password_reset, request id, address).
 */
@Injectable()
@JobHandler('mail.password-reset')
export class PasswordResetMailHandler implements JobHandlerInstance<'mail.password-reset'> {
  private readonly logger = new Logger(PasswordResetMailHandler.name);
  private readonly key: Buffer;
  private readonly publicAppUrl: string;

  constructor(
    private readonly users: UsersService,
    private readonly tokens: PasswordResetTokensRepository,
    private readonly mail: MailService,
    @InjectAppConfig() config: AppConfigType,
  ) {
    this.key = deriveKey(config.jwt.secret, 'password-reset-token');
    this.publicAppUrl = config.mail.publicAppUrl;
  }

  async handle(job: Job<PasswordResetMailPayload>, token?: string): Promise<{ outcome: Outcome }> {
    const { requestId, email } = job.data;
    if (typeof requestId !== 'string' || !UUID.test(requestId) || typeof email !== 'string') {
      throw new PermanentJobError('invalid password reset payload');
    }
    let outcome: Outcome;
    try {
      outcome = await this.run(requestId, email);
    } catch (error) {
      if (error instanceof EmailBusyError) await waitForLease(job, error, token);
      throw error;
    }
    // The address is personal data and may be anyone's: the log names the request only.
    this.logger.log({ requestId, outcome }, 'Password reset email');
    return { outcome };
  }

  private async run(requestId: string, email: string): Promise<Outcome> {
    const user = await this.users.findByEmail(email);
    if (!user) return 'no-account';
    const token = resetTokenFor(this.key, requestId);
    const now = new Date();
    const row = await this.tokens.upsertForRequest(
      {
        userId: user.id,
        requestId,
        tokenHash: hashRefreshToken(token),
        expiresAt: new Date(now.getTime() + RESET_TOKEN_TTL_MS),
      },
      now,
    );
    if (row.usedAt !== null) return 'token-used';
    // A job delayed past the token's life (a long Redis outage) would mail a dead link.
    if (row.expiresAt.getTime() <= now.getTime()) return 'token-expired';
    const validMinutes = Math.max(
      1,
      Math.floor((row.expiresAt.getTime() - now.getTime()) / 60_000),
    );
    return this.mail.sendNow({
      kind: 'password_reset',
      sourceId: requestId,
      recipient: user.email,
      content: renderPasswordResetEmail({
        username: user.username,
        link: resetLink(this.publicAppUrl, token),
        validMinutes,
      }),
    });
  }
}
