import { deriveKey } from '../../common/crypto/derived-key';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token';

describe('unsubscribe tokens', () => {
  const key = deriveKey('s'.repeat(32), 'unsubscribe-link');

  it('should verify what it signed, for every emailed type', () => {
    for (const type of ['assigned', 'mentioned', 'commented', 'due_soon'] as const) {
      const token = signUnsubscribeToken(key, { userId: 42, type });
      expect(token).toMatch(new RegExp(`^42\\.${type}\\.[A-Za-z0-9_-]{43}$`));
      expect(verifyUnsubscribeToken(key, token)).toEqual({ userId: 42, type });
    }
  });

  it('should refuse a token whose user, type or signature was changed', () => {
    const token = signUnsubscribeToken(key, { userId: 42, type: 'assigned' });
    const signature = token.split('.')[2];
    for (const bad of [
      `43.assigned.${signature}`,
      `42.mentioned.${signature}`,
      `42.project_added.${signature}`,
      `42.constructor.${signature}`,
      `42.assigned.${signature.slice(0, -1)}`,
      `42.assigned.${signature}x`,
      `042.assigned.${signature}`,
      `99999999999.assigned.${signature}`,
      '42.assigned',
      '',
    ]) {
      expect(verifyUnsubscribeToken(key, bad)).toBeNull();
    }
  });

  it('should refuse a token signed with another key (another deployment, another purpose)', () => {
    const token = signUnsubscribeToken(deriveKey('t'.repeat(32), 'unsubscribe-link'), {
      userId: 1,
      type: 'assigned',
    });
    expect(verifyUnsubscribeToken(key, token)).toBeNull();
    const otherPurpose = signUnsubscribeToken(deriveKey('s'.repeat(32), 'password-reset-token'), {
      userId: 1,
      type: 'assigned',
    });
    expect(verifyUnsubscribeToken(key, otherPurpose)).toBeNull();
  });
});
