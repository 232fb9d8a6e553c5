import { escapeHtml } from './html';
import { messageIdFor } from './outgoing-email';
import { isPermanentSmtpFailure } from './smtp-failure';

describe(messageIdFor.name, () => {
  it('should derive one Message-ID per key, the same on every attempt', () => {
    const key = { kind: 'assigned', sourceId: '17', recipient: 'bob@example.com' };
    const id = messageIdFor(key, 'example.com');
    expect(id).toMatch(/^<assigned\.17\.[0-9a-f]{16}@example\.com>$/);
    expect(messageIdFor({ ...key }, 'example.com')).toBe(id);
    expect(messageIdFor({ ...key, recipient: 'eve@example.com' }, 'example.com')).not.toBe(id);
    expect(messageIdFor({ ...key, sourceId: '18' }, 'example.com')).not.toBe(id);
    // The address itself never appears (ids travel in replies and references).
    expect(id).not.toContain('bob');
  });

  it('should keep the id a valid msg-id whatever the source id holds', () => {
    const id = messageIdFor({ kind: 'x', sourceId: 'a b<c>@d', recipient: 'r' }, 'example.com');
    expect(id).toMatch(/^<x\.a_b_c__d\.[0-9a-f]{16}@example\.com>$/);
  });
});

describe(escapeHtml.name, () => {
  it('should escape the five HTML metacharacters and keep the rest intact', () => {
    expect(escapeHtml(`<a href="x">'&'</a> 中文`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; 中文',
    );
  });
});

describe(isPermanentSmtpFailure.name, () => {
  it('should retry 4xx replies and connection failures, not 5xx replies', () => {
    expect(isPermanentSmtpFailure(Object.assign(new Error('x'), { responseCode: 451 }))).toBe(
      false,
    );
    expect(isPermanentSmtpFailure(Object.assign(new Error('x'), { code: 'ECONNECTION' }))).toBe(
      false,
    );
    expect(isPermanentSmtpFailure(Object.assign(new Error('x'), { responseCode: 550 }))).toBe(true);
    expect(isPermanentSmtpFailure(null)).toBe(false);
  });
});
