// A real OpenID Connect provider (oidc-provider) for the single sign-on tests, run as its own
// Node process: oidc-provider is ESM-only, which Jest's CommonJS module loader cannot load.
//
// Configured by one JSON argument: { clientId, clientSecret, redirectUris, clockSkewSec }.
// Prints one JSON line `{"issuer": "http://127.0.0.1:<port>"}` once it listens. The test
// registers accounts with `POST /__accounts` (a JSON body of claims with `sub`), then signs in
// through the provider's development login form (devInteractions) with `login=<sub>`.
// `clockSkewSec` moves this process's clock (e.g. -7200: every token it issues expired an hour
// ago), for the expired ID token test.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2] ?? '{}');
if (options.clockSkewSec) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + options.clockSkewSec * 1000;
}

/** Claims by subject, registered by the test. */
const accounts = new Map();

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: options.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['oidc-idp-test-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  async findAccount(ctx, sub) {
    const claims = accounts.get(sub);
    if (!claims) return undefined;
    return { accountId: sub, claims: () => ({ ...claims, sub }) };
  },
});

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.method === 'POST' && req.url === '/__accounts') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const claims = JSON.parse(body);
      accounts.set(claims.sub, claims);
      res.writeHead(204).end();
    });
    return;
  }
  callback(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
