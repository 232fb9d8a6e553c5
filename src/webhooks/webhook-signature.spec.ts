import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import {
  signStandardWebhook,
  signWebhookBody,
  verifyStandardWebhook,
  verifyWebhookSignature,
  webhookSignatureHeaders,
} from './webhook-signature';

const body = '{"id":"3f0c2a8e-9d1b-4c57-8a8e-2b1f4c9d7e60","event":"task.created"}';
const deliveryId = '3f0c2a8e-9d1b-4c57-8a8e-2b1f4c9d7e60';
const secret = 'whsec_5f1d0c3b9a7e4d2c8b6a1f0e9d8c7b6a';

describe(signWebhookBody.name, () => {
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

describe(signStandardWebhook.name, () => {
  it('should be v1, and the base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the secret bytes', () => {
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
      .update(`${deliveryId}.1767225600.${body}`)
      .digest('base64');
    expect(signStandardWebhook(secret, deliveryId, 1767225600, body)).toBe(`v1,${expected}`);
    expect(signStandardWebhook(secret, deliveryId, 1767225600, Buffer.from(body))).toBe(
      `v1,${expected}`,
    );
  });

  it('should match the Standard Webhooks reference library given the secret in raw format', () => {
    const reference = new Webhook(secret, { format: 'raw' });
    const at = new Date(1767225600 * 1000);
    expect(signStandardWebhook(secret, deliveryId, 1767225600, body)).toBe(
      reference.sign(deliveryId, at, body),
    );
  });
});

describe(webhookSignatureHeaders.name, () => {
  const nowMs = 1767225600_999;

  it('should carry the delivery id, the attempt time in whole seconds and both signatures', () => {
    expect(webhookSignatureHeaders(secret, deliveryId, body, nowMs)).toEqual({
      'X-Webhook-Signature': signWebhookBody(secret, body),
      'webhook-id': deliveryId,
      'webhook-timestamp': '1767225600',
      'webhook-signature': signStandardWebhook(secret, deliveryId, 1767225600, body),
    });
  });

  it('should sign each attempt with its own time and the same id and body signature', () => {
    const first = webhookSignatureHeaders(secret, deliveryId, body, nowMs);
    const retry = webhookSignatureHeaders(secret, deliveryId, body, nowMs + 30_000);
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(retry['X-Webhook-Signature']).toBe(first['X-Webhook-Signature']);
    expect(retry['webhook-timestamp']).toBe('1767225630');
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
  });

  it('should be accepted by the Standard Webhooks reference library while recent, refused when old', () => {
    const reference = new Webhook(secret, { format: 'raw' });
    const fresh = webhookSignatureHeaders(secret, deliveryId, body, Date.now());
    expect(reference.verify(body, fresh)).toEqual(JSON.parse(body));
    const old = webhookSignatureHeaders(secret, deliveryId, body, Date.now() - 6 * 60_000);
    expect(() => reference.verify(body, old)).toThrow(WebhookVerificationError);
    const tampered = { ...fresh, 'webhook-id': 'another-delivery' };
    expect(() => reference.verify(body, tampered)).toThrow(WebhookVerificationError);
  });
});

describe(verifyStandardWebhook.name, () => {
  const sentAt = 1767225600_000;
  const headersAt = (ms: number) => {
    const h = webhookSignatureHeaders(secret, deliveryId, body, ms);
    return {
      id: h['webhook-id'],
      timestamp: h['webhook-timestamp'],
      signature: h['webhook-signature'],
    };
  };

  it('should accept a delivery within 5 minutes of its timestamp, either way', () => {
    const headers = headersAt(sentAt);
    expect(verifyStandardWebhook(secret, body, headers, sentAt)).toBe(true);
    expect(verifyStandardWebhook(secret, body, headers, sentAt + 300_000)).toBe(true);
    expect(verifyStandardWebhook(secret, body, headers, sentAt - 300_000)).toBe(true);
  });

  it('should refuse a replay older than the tolerance and a timestamp from the future', () => {
    const headers = headersAt(sentAt);
    expect(verifyStandardWebhook(secret, body, headers, sentAt + 301_000)).toBe(false);
    expect(verifyStandardWebhook(secret, body, headers, sentAt - 301_000)).toBe(false);
    expect(verifyStandardWebhook(secret, body, headers, sentAt + 61_000, 60)).toBe(false);
  });

  it('should refuse a replay whose timestamp was moved forward (the signature covers it)', () => {
    const headers = { ...headersAt(sentAt), timestamp: String(sentAt / 1000 + 600) };
    expect(verifyStandardWebhook(secret, body, headers, sentAt + 600_000)).toBe(false);
  });

  it('should refuse another secret, body or id, and malformed timestamps', () => {
    const headers = headersAt(sentAt);
    expect(verifyStandardWebhook('whsec_another-secret', body, headers, sentAt)).toBe(false);
    expect(verifyStandardWebhook(secret, `${body} `, headers, sentAt)).toBe(false);
    expect(verifyStandardWebhook(secret, body, { ...headers, id: 'x' }, sentAt)).toBe(false);
    for (const timestamp of ['', '1.5e9', '-1', ' 1767225600', '0x6955b900']) {
      expect(verifyStandardWebhook(secret, body, { ...headers, timestamp }, sentAt)).toBe(false);
    }
  });

  it('should accept any matching v1 entry among several and ignore other versions', () => {
    const headers = headersAt(sentAt);
    const v1 = headers.signature.slice(3);
    const several = { ...headers, signature: `v1,bm9wZQ== v1a,${v1} ${headers.signature}` };
    expect(verifyStandardWebhook(secret, body, several, sentAt)).toBe(true);
    const otherVersionOnly = { ...headers, signature: `v2,${v1}` };
    expect(verifyStandardWebhook(secret, body, otherVersionOnly, sentAt)).toBe(false);
  });
});
