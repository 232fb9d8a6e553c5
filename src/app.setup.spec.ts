import helmet from 'helmet';
import { headersSetBy } from './app.setup';

describe(headersSetBy.name, () => {
  it("should take helmet's headers once, by lower-case name, as Fastify keeps them", () => {
    const headers = headersSetBy(helmet({ crossOriginEmbedderPolicy: false }));

    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(Object.keys(headers).filter((name) => name !== name.toLowerCase())).toEqual([]);
  });
});
