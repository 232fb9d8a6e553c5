import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe(signWebhookBody.name, () => {
  const body = '{"id":"3f0c2a8e-9d1b-4c57-8a8e-2b1f4c9d7e60","event":"task.created"}';

  it('should be sha256= and the hex HMAC-SHA256 of the raw body with the secret', () => {
    const expected = createHmac('sha256', 'whsec_test-secret-1234').update(body).digest('hex');
    expect(signWebhookBody('whsec_test-secret-1234', body)).toBe(`sha256=${expected}`);
    expect(signWebhookBody('whsec_test-secret-1234', Buffer.from(body))).toBe(`sha256=${expected}`);
  });

  it('should match a known test vector (RFC 4231 case 2)', () => {
    expect(signWebhookBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('should verify only the same body with the same secret', () => {
    const signature = signWebhookBody('secret-one-123456', body);
    expect(verifyWebhookSignature('secret-one-123456', body, signature)).toBe(true);
    expect(verifyWebhookSignature('secret-two-123456', body, signature)).toBe(false);
    expect(verifyWebhookSignature('secret-one-123456', `${body} `, signature)).toBe(false);
    expect(verifyWebhookSignature('secret-one-123456', body, 'sha256=00')).toBe(false);
  });
});
