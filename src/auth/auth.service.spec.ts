import { Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import * as bcrypt from 'bcrypt';
import type { DataSource, EntityManager } from 'typeorm';
import { InvalidCredentialsError, InvalidRefreshTokenError } from '../common/errors/domain-errors';
import type { AppConfigType } from '../config/app-config';
import type { ProjectsService } from '../projects/projects.service';
import type { User } from '../users/user.entity';
import type { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import type { RefreshToken } from './refresh-token.entity';
import type { RefreshTokensRepository, RotationOutcome } from './refresh-tokens.repository';
import { hashRefreshToken } from './token-hash';

// Real bcrypt, observed: `compare` is wrapped so the tests can see what it was compared against.
jest.mock('bcrypt', () => {
  const actual = jest.requireActual<typeof import('bcrypt')>('bcrypt');
  return {
    ...actual,
    compare: jest.fn((data: string, hash: string): Promise<boolean> => actual.compare(data, hash)),
  };
});

const compare = bcrypt.compare as unknown as jest.Mock;
const BCRYPT_HASH = /^\$2[aby]\$10\$[./A-Za-z0-9]{53}$/;
const SECRET = 'unit-test-secret-that-is-at-least-32-chars';

const config = {
  jwt: { secret: SECRET, secretGenerated: false, expiresInSec: 900, refreshExpiresInSec: 3600 },
} as unknown as AppConfigType;

function userWith(passwordHash: string): User {
  return {
    id: 7,
    username: 'alice',
    email: 'alice@example.com',
    passwordHash,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    updatedAt: new Date('2026-01-01T00:00:00.000Z'),
  };
}

function tokenRow(fields: Partial<RefreshToken> = {}): RefreshToken {
  return {
    id: 1,
    userId: 7,
    familyId: 'family-1',
    tokenHash: 'h',
    expiresAt: new Date(Date.now() + 60_000),
    rotatedAt: null,
    revokedAt: null,
    createdAt: new Date(),
    ...fields,
  };
}

/** In-memory fakes of the collaborators, recording what the service asked of them. */
function setup(options: { user?: User | null; outcome?: RotationOutcome; found?: RefreshToken }) {
  const users = {
    findWithPasswordByEmail: jest.fn().mockResolvedValue(options.user ?? null),
    getMe: jest.fn().mockResolvedValue(options.user ?? userWith('')),
    create: jest.fn(
      (
        _manager: EntityManager,
        fields: { username: string; email: string; passwordHash: string },
        _now: Date,
      ): Promise<User> => Promise.resolve({ ...userWith(fields.passwordHash), ...fields }),
    ),
  };
  const projects = { createInbox: jest.fn().mockResolvedValue(70) };
  /** One fake transaction: the manager handed to every write of a registration. */
  const manager = { transaction: 'registration' } as unknown as EntityManager;
  const dataSource = {
    transaction: jest.fn((work: (m: EntityManager) => Promise<unknown>) => work(manager)),
  };
  const inserted: Array<Parameters<RefreshTokensRepository['insert']>[0]> = [];
  const refreshTokens = {
    insert: jest.fn((fields: Parameters<RefreshTokensRepository['insert']>[0]) => {
      inserted.push(fields);
      return Promise.resolve();
    }),
    findByHash: jest.fn().mockResolvedValue(options.found ?? null),
    revokeFamily: jest.fn().mockResolvedValue(undefined),
    rotate: jest.fn(
      async (
        _hash: string,
        _now: Date,
        successor: (current: RefreshToken, manager: EntityManager) => Promise<void>,
      ): Promise<RotationOutcome> => {
        const outcome = options.outcome ?? { kind: 'unknown' };
        if (outcome.kind === 'rotated') await successor(outcome.token, {} as EntityManager);
        return outcome;
      },
    ),
  };
  const jwt = new JwtService({
    secret: SECRET,
    signOptions: { algorithm: 'HS256', expiresIn: 900 },
    verifyOptions: { algorithms: ['HS256'] },
  });
  const service = new AuthService(
    users as unknown as UsersService,
    projects as unknown as ProjectsService,
    refreshTokens as unknown as RefreshTokensRepository,
    jwt,
    config,
    dataSource as unknown as DataSource,
  );
  return { service, users, projects, manager, refreshTokens, inserted, jwt };
}

describe(AuthService.name, () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    compare.mockClear();
  });

  describe('login', () => {
    it('should compare against a dummy bcrypt hash when the email is unknown', async () => {
      const { service, refreshTokens } = setup({ user: null });
      await service.onModuleInit();

      await expect(
        service.login({ email: 'nobody@example.com', password: 'password123' }),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);

      expect(compare).toHaveBeenCalledTimes(1);
      const [password, hash] = compare.mock.calls[0] as [string, string];
      expect(password).toBe('password123');
      expect(hash).toMatch(BCRYPT_HASH);
      expect(refreshTokens.insert).not.toHaveBeenCalled();
    });

    it('should compare once against the stored hash for a wrong password, with the same error', async () => {
      const stored = await bcrypt.hash('the-right-password', 4);
      const { service, refreshTokens } = setup({ user: userWith(stored) });
      await service.onModuleInit();
      compare.mockClear();

      const error = await service
        .login({ email: 'alice@example.com', password: 'a-wrong-password' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(InvalidCredentialsError);
      expect((error as Error).message).toBe('invalid credentials');
      expect(compare).toHaveBeenCalledTimes(1);
      expect(compare).toHaveBeenCalledWith('a-wrong-password', stored);
      expect(refreshTokens.insert).not.toHaveBeenCalled();
    });

    it('should refuse a password over 72 bytes even when bcrypt would match its first 72', async () => {
      const password = 'p'.repeat(72);
      const stored = await bcrypt.hash(password, 4);
      await expect(bcrypt.compare(`${password}X`, stored)).resolves.toBe(true);
      const { service } = setup({ user: userWith(stored) });
      await service.onModuleInit();
      compare.mockClear();

      await expect(
        service.login({ email: 'alice@example.com', password: `${password}X` }),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
      // Still one compare (same cost), but never against the real hash.
      expect(compare).toHaveBeenCalledTimes(1);
      expect(compare.mock.calls[0][1]).not.toBe(stored);
    });

    it.each([
      ['a single NUL', '\u0000'],
      ['three NULs', '\u0000\u0000\u0000'],
      ['a lone surrogate', '\uD800\uD800\uD800'],
    ])(
      'should refuse %s without comparing it with the real hash, which bcrypt would match',
      async (_name, password) => {
        // Registered before control characters were refused. bcrypt cycles through the key, so
        // every all-NUL key makes one schedule, and it reads a lone surrogate as U+FFFD: each
        // login below matches this hash.
        const registered = password.startsWith('\u0000') ? '\u0000'.repeat(8) : '\uFFFD'.repeat(3);
        const stored = await bcrypt.hash(registered, 4);
        await expect(bcrypt.compare(password, stored)).resolves.toBe(true);
        const { service, refreshTokens } = setup({ user: userWith(stored) });
        await service.onModuleInit();
        compare.mockClear();

        await expect(
          service.login({ email: 'alice@example.com', password }),
        ).rejects.toBeInstanceOf(InvalidCredentialsError);
        // Still one compare (same cost), but never against the real hash.
        expect(compare).toHaveBeenCalledTimes(1);
        expect(compare.mock.calls[0][1]).not.toBe(stored);
        expect(refreshTokens.insert).not.toHaveBeenCalled();
      },
    );

    it('should start a session whose refresh token is stored only as its hash', async () => {
      const stored = await bcrypt.hash('the-right-password', 4);
      const { service, inserted, jwt } = setup({ user: userWith(stored) });
      await service.onModuleInit();

      const session = await service.login({
        email: 'alice@example.com',
        password: 'the-right-password',
      });

      expect(session).toEqual({
        token: expect.any(String),
        refresh_token: expect.stringMatching(/^[\w-]{43}$/),
        token_type: 'Bearer',
        expires_in: 900,
        user: {
          id: 7,
          username: 'alice',
          email: 'alice@example.com',
          created_at: '2026-01-01T00:00:00.000Z',
        },
      });
      expect(inserted).toEqual([
        {
          userId: 7,
          familyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          tokenHash: hashRefreshToken(session.refresh_token),
          expiresAt: expect.any(Date),
        },
      ]);
      const lifetime = inserted[0].expiresAt.getTime() - Date.now();
      expect(lifetime).toBeGreaterThan(3_590_000);
      expect(lifetime).toBeLessThanOrEqual(3_600_000);
      const claims = await jwt.verifyAsync<{ sub: string; jti: string; exp: number; iat: number }>(
        session.token,
      );
      expect(claims).toMatchObject({ sub: '7', jti: expect.any(String) });
      expect(claims.exp - claims.iat).toBe(900);
    });

    it('should issue different access tokens to two sessions started in the same second', async () => {
      const stored = await bcrypt.hash('the-right-password', 4);
      const { service } = setup({ user: userWith(stored) });
      await service.onModuleInit();
      const dto = { email: 'alice@example.com', password: 'the-right-password' };
      const [a, b] = await Promise.all([service.login(dto), service.login(dto)]);
      expect(a.token).not.toBe(b.token);
      expect(a.refresh_token).not.toBe(b.refresh_token);
    });
  });

  describe('register', () => {
    it('should make the user and its inbox in one transaction', async () => {
      const { service, users, projects, manager } = setup({});
      await service.register({
        username: 'alice',
        email: 'alice@example.com',
        password: 'password123',
      });
      expect(users.create).toHaveBeenCalledWith(
        manager,
        expect.objectContaining({ username: 'alice', email: 'alice@example.com' }),
        expect.any(Date),
      );
      const createdAt = users.create.mock.calls[0][2];
      expect(projects.createInbox).toHaveBeenCalledTimes(1);
      expect(projects.createInbox).toHaveBeenCalledWith(manager, 7, createdAt);
    });

    it('should store a bcrypt hash of the password, never the password', async () => {
      const { service, users } = setup({});
      const result = await service.register({
        username: 'alice',
        email: 'alice@example.com',
        password: 'password123',
      });
      const [, { passwordHash }] = users.create.mock.calls[0];
      expect(passwordHash).toMatch(BCRYPT_HASH);
      await expect(bcrypt.compare('password123', passwordHash)).resolves.toBe(true);
      expect(result).toEqual({
        id: 7,
        username: 'alice',
        email: 'alice@example.com',
        created_at: '2026-01-01T00:00:00.000Z',
      });
    });
  });

  describe('refresh', () => {
    it('should rotate: look the token up by its hash and store a successor in the same family', async () => {
      const current = tokenRow({ familyId: 'family-9' });
      const { service, refreshTokens, inserted } = setup({
        outcome: { kind: 'rotated', token: current },
      });

      const session = await service.refresh('presented-token');

      expect(refreshTokens.rotate).toHaveBeenCalledWith(
        hashRefreshToken('presented-token'),
        expect.any(Date),
        expect.any(Function),
      );
      expect(session.refresh_token).not.toBe('presented-token');
      expect(inserted).toEqual([
        {
          userId: 7,
          familyId: 'family-9',
          tokenHash: hashRefreshToken(session.refresh_token),
          expiresAt: expect.any(Date),
        },
      ]);
      expect(refreshTokens.revokeFamily).not.toHaveBeenCalled();
    });

    it('should revoke the whole family and answer 401 when a retired token is reused', async () => {
      const current = tokenRow({ familyId: 'family-stolen', rotatedAt: new Date() });
      const { service, refreshTokens, inserted } = setup({
        outcome: { kind: 'reused', token: current },
      });

      await expect(service.refresh('replayed')).rejects.toBeInstanceOf(InvalidRefreshTokenError);

      expect(refreshTokens.revokeFamily).toHaveBeenCalledTimes(1);
      expect(refreshTokens.revokeFamily).toHaveBeenCalledWith('family-stolen', expect.any(Date));
      expect(inserted).toEqual([]);
    });

    it.each(['unknown', 'expired', 'revoked'] as const)(
      'should answer 401 without revoking anything when the token is %s',
      async (kind) => {
        const { service, refreshTokens, inserted } = setup({ outcome: { kind } });
        await expect(service.refresh('whatever')).rejects.toBeInstanceOf(InvalidRefreshTokenError);
        expect(refreshTokens.revokeFamily).not.toHaveBeenCalled();
        expect(inserted).toEqual([]);
      },
    );
  });

  describe('logout', () => {
    it('should revoke the family of a live token', async () => {
      const { service, refreshTokens } = setup({ found: tokenRow({ familyId: 'family-2' }) });
      await expect(service.logout('live')).resolves.toBeUndefined();
      expect(refreshTokens.findByHash).toHaveBeenCalledWith(hashRefreshToken('live'));
      expect(refreshTokens.revokeFamily).toHaveBeenCalledWith('family-2', expect.any(Date));
    });

    it('should revoke the family and answer 401 for a retired (rotated) token', async () => {
      const { service, refreshTokens } = setup({
        found: tokenRow({ familyId: 'family-3', rotatedAt: new Date() }),
      });
      await expect(service.logout('retired')).rejects.toBeInstanceOf(InvalidRefreshTokenError);
      expect(refreshTokens.revokeFamily).toHaveBeenCalledWith('family-3', expect.any(Date));
    });

    it.each([
      ['an unknown', undefined],
      ['a revoked', tokenRow({ revokedAt: new Date() })],
      ['an expired', tokenRow({ expiresAt: new Date(Date.now() - 1000) })],
    ])('should answer 401 for %s token', async (_name, found) => {
      const { service, refreshTokens } = setup({ found });
      await expect(service.logout('t')).rejects.toBeInstanceOf(InvalidRefreshTokenError);
      expect(refreshTokens.revokeFamily).not.toHaveBeenCalled();
    });
  });
});
