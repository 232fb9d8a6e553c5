import type { DataSource, EntityManager } from 'typeorm';
import type { AuthService } from '../auth/auth.service';
import type { User } from '../users/user.entity';
import { EmailTakenError, UsernameTakenError, type UsersService } from '../users/users.service';
import { OidcAccountsService } from './oidc-accounts.service';
import { OidcLoginFailedError } from './oidc.errors';
import type { ProviderIdentity } from './oidc-providers';
import type { UserIdentitiesRepository } from './user-identities.repository';

const MANAGER = { marker: 'transaction' } as unknown as EntityManager;

function user(id: number, fields: Partial<User> = {}): User {
  return {
    id,
    username: `user${id}`,
    email: `user${id}@example.com`,
    passwordHash: 'hash',
    createdAt: new Date(),
    updatedAt: new Date(),
    ...fields,
  };
}

const duplicateKey = (): Error =>
  Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' });

/** In-memory fakes of the collaborators, recording what the service asked of them. */
function setup(state: {
  links?: Map<string, number>;
  usersByEmail?: Map<string, User>;
  takenUsernames?: Set<string>;
  takenEmails?: Set<string>;
}) {
  const links = state.links ?? new Map<string, number>();
  const created: User[] = [];
  const identities = {
    findUserId: jest.fn((provider: string, subject: string) =>
      Promise.resolve(links.get(`${provider}|${subject}`) ?? null),
    ),
    insert: jest.fn(
      (fields: { userId: number; provider: string; subject: string }): Promise<void> => {
        const key = `${fields.provider}|${fields.subject}`;
        if (links.has(key)) return Promise.reject(duplicateKey());
        links.set(key, fields.userId);
        return Promise.resolve();
      },
    ),
  };
  const users = {
    getMe: jest.fn((id: number) => Promise.resolve(user(id))),
    findByEmail: jest.fn((email: string) =>
      Promise.resolve(state.usersByEmail?.get(email) ?? null),
    ),
  };
  const auth = {
    unusablePasswordHash: jest.fn().mockResolvedValue('$2b$10$unusable'),
    createAccount: jest.fn(
      (
        manager: EntityManager,
        fields: { username: string; email: string; passwordHash: string },
      ): Promise<User> => {
        expect(manager).toBe(MANAGER);
        if (state.takenUsernames?.has(fields.username.toLowerCase())) {
          return Promise.reject(new UsernameTakenError());
        }
        if (state.takenEmails?.has(fields.email)) return Promise.reject(new EmailTakenError());
        const made = user(100 + created.length, fields);
        created.push(made);
        return Promise.resolve(made);
      },
    ),
  };
  const dataSource = {
    transaction: jest.fn((work: (manager: EntityManager) => Promise<unknown>) => work(MANAGER)),
  };
  const service = new OidcAccountsService(
    identities as unknown as UserIdentitiesRepository,
    users as unknown as UsersService,
    auth as unknown as AuthService,
    dataSource as unknown as DataSource,
  );
  return { service, identities, users, auth, links, created };
}

const identity = (fields: Partial<ProviderIdentity> = {}): ProviderIdentity => ({
  subject: 'sub-1',
  email: 'alice@example.com',
  emailVerified: true,
  preferredUsername: 'alice',
  ...fields,
});

describe(OidcAccountsService.name, () => {
  it('should return the linked user without looking at the email', async () => {
    const { service, users, auth } = setup({ links: new Map([['acme|sub-1', 7]]) });
    const found = await service.resolve('acme', identity({ email: 'someone.else@example.com' }));
    expect(found.id).toBe(7);
    expect(users.findByEmail).not.toHaveBeenCalled();
    expect(auth.createAccount).not.toHaveBeenCalled();
  });

  it('should link a verified email to its user', async () => {
    const existing = user(7, { email: 'alice@example.com' });
    const { service, links, auth } = setup({ usersByEmail: new Map([[existing.email, existing]]) });
    await expect(service.resolve('acme', identity())).resolves.toBe(existing);
    expect(links.get('acme|sub-1')).toBe(7);
    expect(auth.createAccount).not.toHaveBeenCalled();
  });

  it('should not look an unverified email up, and refuse it when an account has it', async () => {
    const existing = user(7, { email: 'alice@example.com' });
    const { service, users, links } = setup({
      usersByEmail: new Map([[existing.email, existing]]),
      takenEmails: new Set([existing.email]),
    });
    const failure = service.resolve('acme', identity({ emailVerified: false }));
    await expect(failure).rejects.toBeInstanceOf(OidcLoginFailedError);
    await expect(failure).rejects.toMatchObject({ failure: 'email_in_use' });
    expect(users.findByEmail).not.toHaveBeenCalled();
    expect(links.size).toBe(0);
  });

  it('should make a new user with an unusable password, linked in the same transaction', async () => {
    const { service, auth, identities, links, created } = setup({});
    const made = await service.resolve('acme', identity({ preferredUsername: 'Alice Smith' }));
    expect(made).toBe(created[0]);
    expect(auth.createAccount).toHaveBeenCalledWith(
      MANAGER,
      { username: 'Alice_Smith', email: 'alice@example.com', passwordHash: '$2b$10$unusable' },
      expect.any(Date),
    );
    expect(identities.insert).toHaveBeenCalledWith(
      { userId: made.id, provider: 'acme', subject: 'sub-1', email: 'alice@example.com' },
      expect.any(Date),
      MANAGER,
    );
    expect(links.get('acme|sub-1')).toBe(made.id);
  });

  it('should number a taken username, then fall back to random suffixes', async () => {
    const taken = new Set(['alice', 'alice_2', 'alice_3', 'alice_4', 'alice_5', 'alice_6']);
    const { service, created } = setup({ takenUsernames: taken });
    const made = await service.resolve('acme', identity());
    expect(made.username).toMatch(/^alice_[0-9a-f]{6}$/);
    expect(created).toHaveLength(1);
  });

  it('should refuse a login without an email', async () => {
    const { service, auth } = setup({});
    await expect(service.resolve('acme', identity({ email: undefined }))).rejects.toMatchObject({
      failure: 'email_missing',
    });
    expect(auth.createAccount).not.toHaveBeenCalled();
  });

  it('should use the link of a concurrent first login of the same subject', async () => {
    const links = new Map<string, number>();
    const { service, identities } = setup({ links });
    // The other login links the subject between this one's lookup and its insert.
    identities.findUserId.mockImplementationOnce(() => {
      links.set('acme|sub-1', 42);
      return Promise.resolve(null);
    });
    const found = await service.resolve('acme', identity({ emailVerified: false }));
    expect(found.id).toBe(42);
  });
});
