import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as bcrypt from 'bcrypt';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { DataSource, EntityManager } from 'typeorm';
import {
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  UnauthorizedError,
} from '../common/errors/domain-errors';
import { Semaphore } from '../common/process/semaphore';
import { isAcceptablePassword } from '../common/validators/text.validator';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { ProjectsService } from '../projects/projects.service';
import { toUserResponse, UserResponseDto } from '../users/dto/user-response.dto';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LoginDto, RegisterDto, SessionResponseDto } from './dto/auth.dto';
import type { ChangePasswordDto } from './dto/change-password.dto';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { hashRefreshToken, newRefreshToken } from './token-hash';

export class WrongCurrentPasswordError extends UnauthorizedError {
  constructor() {
    super('current_password is wrong');
  }
}

/** bcrypt work factor; async hashing runs on libuv's pool, so the event loop never blocks. */
export const BCRYPT_COST = 10;
/** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut. */
export const MAX_PASSWORD_BYTES = 72;

/**
 * bcrypt runs on libuv's thread pool (4 threads by default), so a login flood on a small machine
 * would take every core and starve the event loop, slowing every other request. At most one
 * hash per core but one runs at once; the rest queue, so logins slow down under a flood while
 * reads keep their latency.
 */
const bcryptSlots = new Semaphore(Math.max(1, availableParallelism() - 1));

/** The bcrypt hash of a new password, through the same slots as every other hash. */
export function hashPassword(password: string): Promise<string> {
  return bcryptSlots.run(() => bcrypt.hash(password, BCRYPT_COST));
}

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  /** Compared against when the email is unknown, so both failures cost one bcrypt compare. */
  private dummyHash = '';

  constructor(
    private readonly users: UsersService,
    private readonly projects: ProjectsService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly jwt: JwtService,
    @InjectAppConfig() private readonly config: AppConfigType,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.jwt.secretGenerated) {
      this.logger.warn(
        'JWT_SECRET is not set: using a random secret for this boot only (tokens will not survive a restart). Set JWT_SECRET (32+ characters) before production.',
      );
    }
    this.dummyHash = await bcryptSlots.run(() =>
      bcrypt.hash(randomBytes(16).toString('hex'), BCRYPT_COST),
    );
  }

  async register(dto: RegisterDto): Promise<UserResponseDto> {
    const passwordHash = await bcryptSlots.run(() => bcrypt.hash(dto.password, BCRYPT_COST));
    const now = new Date();
    // One transaction: a user without an inbox could create no task (the inbox is where tasks
    // without project_id go), and a taken email or username rolls both back (409).
    const user = await this.dataSource.transaction((manager) =>
      this.createAccount(manager, { username: dto.username, email: dto.email, passwordHash }, now),
    );
    this.logger.log({ userId: user.id }, 'User registered');
    return toUserResponse(user);
  }

  /**
   * A user and its inbox inside the caller's transaction: every way of making an account
   * (registration, single sign-on) goes through here, so none makes a user without an inbox. A
   * taken email or username throws EmailTakenError / UsernameTakenError.
   */
  async createAccount(
    manager: EntityManager,
    fields: { username: string; email: string; passwordHash: string },
    now: Date,
  ): Promise<User> {
    const created = await this.users.create(manager, fields, now);
    await this.projects.createInbox(manager, created.id, now);
    return created;
  }

  /**
   * The hash of a random password no one is told, for accounts made by single sign-on: a real
   * bcrypt hash, so a login attempt costs and answers exactly like a wrong password.
   */
  unusablePasswordHash(): Promise<string> {
    return bcryptSlots.run(() => bcrypt.hash(randomBytes(32).toString('base64url'), BCRYPT_COST));
  }

  /** A new session for a user whose identity was proven another way (single sign-on). */
  signIn(user: User): Promise<SessionResponseDto> {
    return this.startSession(user, randomUUID());
  }

  async login(dto: LoginDto): Promise<SessionResponseDto> {
    const user = await this.users.findWithPasswordByEmail(dto.email);
    // A password registration would refuse can never be right, and bcrypt must not see it next
    // to the real hash: it ignores bytes past 72, makes one key of every all-NUL password (so
    // `"\u0000"` would match a hash of `"\u0000" × 8`) and reads a lone surrogate as U+FFFD. Such a login is a wrong
    // password (401, same answer and cost), not a 400 that would describe the password rules.
    const impossible =
      Buffer.byteLength(dto.password, 'utf8') > MAX_PASSWORD_BYTES ||
      !isAcceptablePassword(dto.password);
    // Always one bcrypt compare, whether or not the email exists, so timing reveals nothing.
    const hash = user && !impossible ? user.passwordHash : this.dummyHash;
    const matches = await bcryptSlots.run(() => bcrypt.compare(dto.password, hash));
    if (!user || impossible || !matches) throw new InvalidCredentialsError();
    return this.startSession(user, randomUUID());
  }

  /**
   * Replaces the caller's password after checking the current one, and revokes every refresh
   * token of the user in the same transaction, so no session started with the old password can
   * be renewed. Access tokens already issued stay valid until they expire (at most
   * JWT_EXPIRES_IN): they are checked without a database read. Personal access tokens are left
   * alone: they are deleted one by one.
   */
  async changePassword(userId: number, dto: ChangePasswordDto): Promise<void> {
    const user = await this.users.findWithPasswordById(userId);
    if (!user) throw new UnauthorizedError('the user of this token no longer exists');
    // As at login: a password registration would refuse never matches, and costs the same.
    const impossible =
      Buffer.byteLength(dto.current_password, 'utf8') > MAX_PASSWORD_BYTES ||
      !isAcceptablePassword(dto.current_password);
    const hash = impossible ? this.dummyHash : user.passwordHash;
    const matches = await bcryptSlots.run(() => bcrypt.compare(dto.current_password, hash));
    if (impossible || !matches) throw new WrongCurrentPasswordError();

    const passwordHash = await bcryptSlots.run(() => bcrypt.hash(dto.new_password, BCRYPT_COST));
    const now = new Date();
    const revoked = await this.dataSource.transaction(async (manager) => {
      await this.users.updatePasswordHash(manager, userId, passwordHash, now);
      return this.refreshTokens.revokeAllOfUser(userId, now, manager);
    });
    this.logger.log({ userId, revokedRefreshTokens: revoked }, 'Password changed');
  }

  async refresh(refreshToken: string): Promise<SessionResponseDto> {
    const now = new Date();
    const next = newRefreshToken();
    const outcome = await this.refreshTokens.rotate(
      hashRefreshToken(refreshToken),
      now,
      (current, manager) =>
        this.refreshTokens.insert(
          {
            userId: current.userId,
            familyId: current.familyId,
            tokenHash: hashRefreshToken(next),
            expiresAt: this.refreshExpiry(now),
          },
          now,
          manager,
        ),
    );
    if (outcome.kind === 'reused') {
      // A retired token came back: someone holds a copy. End the whole family.
      await this.refreshTokens.revokeFamily(outcome.token.familyId, now);
      this.logger.warn(
        { userId: outcome.token.userId, familyId: outcome.token.familyId },
        'Refresh token reuse: family revoked',
      );
    }
    if (outcome.kind !== 'rotated') throw new InvalidRefreshTokenError();
    const user = await this.users.getMe(outcome.token.userId);
    return this.session(user, next);
  }

  /** Ends the session family of `refreshToken`; a retired token is treated as a replay. */
  async logout(refreshToken: string): Promise<void> {
    const now = new Date();
    const token = await this.refreshTokens.findByHash(hashRefreshToken(refreshToken));
    if (!token || token.revokedAt || token.expiresAt.getTime() <= now.getTime()) {
      throw new InvalidRefreshTokenError();
    }
    await this.refreshTokens.revokeFamily(token.familyId, now);
    if (token.rotatedAt) throw new InvalidRefreshTokenError();
  }

  private async startSession(user: User, familyId: string): Promise<SessionResponseDto> {
    const now = new Date();
    const refreshToken = newRefreshToken();
    await this.refreshTokens.insert(
      {
        userId: user.id,
        familyId,
        tokenHash: hashRefreshToken(refreshToken),
        expiresAt: this.refreshExpiry(now),
      },
      now,
    );
    return this.session(user, refreshToken);
  }

  private async session(user: User, refreshToken: string): Promise<SessionResponseDto> {
    // A unique `jti`, so that two sessions issued within the same second never share a token.
    const token = await this.jwt.signAsync({ sub: String(user.id) }, { jwtid: randomUUID() });
    return {
      token,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: this.config.jwt.expiresInSec,
      user: toUserResponse(user),
    };
  }

  private refreshExpiry(now: Date): Date {
    return new Date(now.getTime() + this.config.jwt.refreshExpiresInSec * 1000);
  }
}
