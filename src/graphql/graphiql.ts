/** Where Mercurius serves GraphiQL (outside production only, see GraphqlOptions). */
export const GRAPHIQL_PATH = '/graphiql';

/**
 * The Content-Security-Policy of the GraphiQL page: Mercurius's page loads React and GraphiQL
 * from unpkg.com, which the API's own policy (scripts from 'self' only) would block, leaving a
 * blank page. Nothing else is loosened, and the page never exists in production.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self' https://unpkg.com",
  "style-src 'self' 'unsafe-inline' https://unpkg.com",
  "img-src 'self' data:",
  "font-src 'self' data: https://unpkg.com",
  "connect-src 'self'",
  "worker-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
