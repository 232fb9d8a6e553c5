import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import { isDuplicateKeyError } from '../common/errors/database-errors';
import type { User } from '../users/user.entity';
import { EmailTakenError, UsernameTakenError, UsersService } from '../users/users.service';
import { OidcLoginFailedError } from './oidc.errors';
import type { ProviderIdentity } from './oidc-providers';
import { UserIdentitiesRepository } from './user-identities.repository';
import { baseUsername, usernameCandidate } from './username';

/** Numbered candidates (`alice_2` … `alice_5`) before random suffixes (`alice_f3a9c1`). */
const NUMBERED_ATTEMPTS = 5;
const MAX_ATTEMPTS = 10;

/**
 * Finds or makes the user behind a provider identity: the user linked to (provider, `sub`);
 * else the user whose email equals the provider's, only when the provider says the email is
 * verified (then linked, so later logins no longer depend on the email); else a new user. An
 * unverified email never reaches an existing account: anyone can claim any address at some
 * providers, and linking on it would hand that account over.
 */
@Injectable()
export class OidcAccountsService {
  private readonly logger = new Logger(OidcAccountsService.name);

  constructor(
    private readonly identities: UserIdentitiesRepository,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async resolve(provider: string, identity: ProviderIdentity): Promise<User> {
    const linked = await this.identities.findUserId(provider, identity.subject);
    if (linked !== null) return this.users.getMe(linked);
    const { email } = identity;
    if (email === undefined) {
      throw new OidcLoginFailedError('email_missing', 'the provider gave no valid email');
    }
    if (identity.emailVerified) {
      const existing = await this.users.findByEmail(email);
      if (existing) return this.link(existing, provider, identity.subject, email);
    }
    return this.createUser(provider, identity, email);
  }

  private async link(user: User, provider: string, subject: string, email: string): Promise<User> {
    try {
      await this.identities.insert({ userId: user.id, provider, subject, email }, new Date());
      this.logger.log({ userId: user.id, provider }, 'Identity linked by verified email');
      return user;
    } catch (error) {
      // A concurrent first login of the same subject linked it first: use that link.
      if (isDuplicateKeyError(error)) return this.linkedUser(provider, subject, error);
      throw error;
    }
  }

  private async createUser(
    provider: string,
    identity: ProviderIdentity,
    email: string,
  ): Promise<User> {
    const passwordHash = await this.auth.unusablePasswordHash();
    const base = baseUsername(identity.preferredUsername, email);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const random = attempt > NUMBERED_ATTEMPTS ? randomBytes(3).toString('hex') : undefined;
      const username = usernameCandidate(base, attempt, random);
      const now = new Date();
      try {
        // One transaction: a user without its link would be made again at the next login (and
        // collide on its own email).
        const user = await this.dataSource.transaction(async (manager) => {
          const created = await this.auth.createAccount(
            manager,
            { username, email, passwordHash },
            now,
          );
          await this.identities.insert(
            { userId: created.id, provider, subject: identity.subject, email },
            now,
            manager,
          );
          return created;
        });
        this.logger.log({ userId: user.id, provider }, 'User registered by single sign-on');
        return user;
      } catch (error) {
        if (error instanceof UsernameTakenError) continue;
        if (error instanceof EmailTakenError) {
          throw new OidcLoginFailedError(
            'email_in_use',
            'the email belongs to an account this identity may not be linked to',
          );
        }
        if (isDuplicateKeyError(error)) return this.linkedUser(provider, identity.subject, error);
        throw error;
      }
    }
    throw new Error(`no free username for ${base} after ${MAX_ATTEMPTS} attempts`);
  }

  private async linkedUser(provider: string, subject: string, cause: unknown): Promise<User> {
    const userId = await this.identities.findUserId(provider, subject);
    if (userId === null) throw cause;
    return this.users.getMe(userId);
  }
}
