import { JwtService } from '@nestjs/jwt';
import type { AccessTokensService } from '../access-tokens/access-tokens.service';
import type { Principal } from '../common/auth/principal';
import { UnauthorizedError } from '../common/errors/domain-errors';
import { AuthenticationService } from './authentication.service';
import { jwtKey, jwtSignOptions, jwtVerifyOptions } from './jwt-claims';

describe(AuthenticationService.name, () => {
  const config = { issuer: 'task-service', audience: 'task-api', expiresInSec: 900 };
  const jwt = new JwtService({
    secret: jwtKey('unit-secret-that-is-at-least-32-characters'),
    signOptions: jwtSignOptions(config),
    verifyOptions: jwtVerifyOptions(config),
  });
  const tokenPrincipal: Principal = {
    id: 5,
    kind: 'personal_access_token',
    tokenId: 9,
    scopes: ['tasks:read'],
    expiresAt: new Date('2030-01-01T00:00:00.000Z'),
  };
  let accessTokens: { authenticate: jest.Mock<Promise<Principal>, [string]> };
  let service: AuthenticationService;

  beforeEach(() => {
    accessTokens = { authenticate: jest.fn().mockResolvedValue(tokenPrincipal) };
    service = new AuthenticationService(jwt, accessTokens as unknown as AccessTokensService);
  });

  it('should resolve a session JWT in memory, without looking up personal access tokens', async () => {
    const token = jwt.sign({ sub: '42' });
    const { exp } = jwt.decode<{ exp: number }>(token);
    await expect(service.authenticate(token)).resolves.toEqual({
      id: 42,
      kind: 'session',
      expiresAt: new Date(exp * 1000),
    });
    expect(accessTokens.authenticate).not.toHaveBeenCalled();
  });

  it('should resolve a session JWT as it is, and a tms_ token through its lookup', async () => {
    const token = jwt.sign({ sub: '42' });

    expect(service.resolve(token)).toMatchObject({ id: 42, kind: 'session' });
    await expect(service.resolve('tms_abc')).resolves.toBe(tokenPrincipal);
  });

  it('should hand a tms_ token to the personal access tokens', async () => {
    await expect(service.authenticate('tms_abc')).resolves.toBe(tokenPrincipal);
    expect(accessTokens.authenticate).toHaveBeenCalledWith('tms_abc');
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['a JWT of another audience', jwt.sign({ sub: '42' }, { audience: 'other' })],
    ['a JWT without a numeric subject', jwt.sign({ sub: 'alice' })],
  ])('should reject %s with a 401', async (_name, token) => {
    await expect(service.authenticate(token)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(accessTokens.authenticate).not.toHaveBeenCalled();
  });

  it('should verify a session JWT once and answer its later uses from memory', async () => {
    const token = jwt.sign({ sub: '42' });
    const verify = jest.spyOn(jwt, 'verify');
    try {
      const first = await service.authenticate(token);
      const second = await service.authenticate(token);
      expect(second).toEqual(first);
      expect(verify).toHaveBeenCalledTimes(1);
      // A token differing in one character is verified (and refused) on its own. The first
      // character of the signature: all six of its bits count (the last one's lowest do not).
      const [header, payload, signature] = token.split('.');
      const tampered = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      await expect(service.authenticate(tampered)).rejects.toBeInstanceOf(UnauthorizedError);
      expect(verify).toHaveBeenCalledTimes(2);
    } finally {
      verify.mockRestore();
    }
  });
});
